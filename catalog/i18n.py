"""Languages of the public pages: Spanish (source, es_CO formats) and English.

Spanish stays the language of everything a machine reads (feeds, RDF, data.json, API messages);
only pages change. The reader's choice (`?lang=` from the switch, kept in a cookie) wins, then the
browser's Accept-Language, then Spanish.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, Response, g, has_request_context, request
from flask_babel import get_locale, get_translations

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
# The locale each language formats dates and numbers with: Colombian Spanish, US English.
FORMAT_LOCALES = {"es": "es_CO", "en": "en_US"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Pages written in Spanish only, whatever the reader chose: the publishers' workspace and the
# Ley 1712 registers (legal documents whose names and columns the law fixes). Endpoint prefixes.
SPANISH_ONLY = ("workspace.", "stewardship.register_", "api.docs")


class Message(str):
    """Spanish text that remembers its msgid and values: JSON and logs get the Spanish, pages
    show it in the reader's language through `translated`."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, values: dict[str, Any] | None = None) -> Message:
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid, text.values = msgid, values or {}
        return text


def N_(msgid: str, **values: Any) -> Message:
    """Mark Spanish text for translation without translating it now (pybabel extracts N_)."""
    return Message(msgid, values)


def translated(text: str | None) -> str:
    """A message in the current page language (the text itself when it has no translation)."""
    if not text:
        return ""
    translations = get_translations()
    if isinstance(text, Message):
        found = translations.ugettext(text.msgid)
        return found % text.values if text.values else found
    return translations.ugettext(str(text))


def spanish_only() -> bool:
    """True on pages that exist only in Spanish (no language switch, no negotiation)."""
    return (request.endpoint or "").startswith(SPANISH_ONLY)


def select_locale() -> str:
    """Flask-Babel's locale selector: explicit choice, then Accept-Language, then Spanish."""
    if not has_request_context() or spanish_only():
        return FORMAT_LOCALES[DEFAULT_LANGUAGE]
    g.language_negotiated = True
    return FORMAT_LOCALES[requested_language()]


def requested_language() -> str:
    """'es' or 'en' as this request would choose it (?lang, the cookie, Accept-Language),
    without marking the response as negotiated: the page cache's key (an output that never
    asks for the language does not vary by it)."""
    if spanish_only():
        return DEFAULT_LANGUAGE
    choice = request.args.get("lang")
    if choice not in LANGUAGES:
        choice = request.cookies.get(COOKIE)
    if choice not in LANGUAGES:
        choice = request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
    return choice


def current_language() -> str:
    """'es' or 'en': the language of the page being built."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def language_url(language: str) -> str:
    """This page in another language: same path and query, `lang` set (a plain link)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", language))
    return quote(request.script_root + request.path) + "?" + urlencode(args)


def _remember_choice(response: Response) -> Response:
    """Keep an explicit choice in a cookie; say which request headers chose the language."""
    if g.get("language_negotiated"):
        response.vary.update(("Accept-Language", "Cookie"))
    choice = request.args.get("lang")
    if choice in LANGUAGES and request.cookies.get(COOKIE) != choice:
        response.set_cookie(
            COOKIE,
            choice,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response


def init_i18n(app: Flask) -> None:
    """Template helpers and the cookie/Vary hook (Flask-Babel itself is set up in web)."""
    app.after_request(_remember_choice)
    app.jinja_env.globals.update(
        translated=translated,
        current_language=current_language,
        language_url=language_url,
        spanish_only=spanish_only,
        N_=N_,
    )
