"""Markdown for descriptions: rendered, then sanitised with nh3 (an allow-list)."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .text import squash_spaces, strip_unsafe

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table")
_md.enable("strikethrough")

_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def _shift_headings(html: str) -> str:
    # A description lives under the page's h1/h2: its headings start at h3.
    for level in range(5, 0, -1):
        new = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return html


# Both conversions are pure functions of the text: each distinct description is converted once
# per process (pages, feeds, CKAN and RDF outputs ask for the same texts over and over).
MEMO = 4096


def render_markdown(text: str | None) -> Markup:
    """Safe HTML from user Markdown: no raw HTML, only http(s)/mailto links."""
    if not text:
        return Markup("")
    return _render(text)


@lru_cache(maxsize=MEMO)
def _render(text: str) -> Markup:
    html = _shift_headings(_md.render(strip_unsafe(text)))
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return Markup(clean)


def markdown_to_text(text: str | None) -> str:
    """Plain text from Markdown (for feed summaries, meta descriptions, RDF literals)."""
    if not text:
        return ""
    return _plain(text)


@lru_cache(maxsize=MEMO)
def _plain(text: str) -> str:
    html = _md.render(strip_unsafe(text))
    plain = nh3.clean(html, tags=set())
    return squash_spaces(_unescape(plain))


def _unescape(value: str) -> str:
    return html.unescape(value)


class _ToMarkdown(HTMLParser):
    """Incoming HTML (harvested descriptions) as plain Markdown: paragraphs, line breaks,
    lists, emphasis and http(s) links survive; every other tag, script and style go."""

    BLOCKS = {"p", "div", "section", "article", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.href: list[str | None] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.href.append(href if href.startswith(("http://", "https://")) else None)
            self.out.append("[" if self.href[-1] else "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.out.append(f"]({href})")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_markdown(text: str | None) -> str:
    """Markdown from HTML (or the text unchanged when it has no tags)."""
    if not text or not re.search(r"<[a-zA-Z/!]", text):
        return (text or "").strip()
    parser = _ToMarkdown()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.out)
    lines = [line.strip() for line in joined.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
