"""Markdown for descriptions: rendered, then sanitised with nh3 (an allow-list)."""

from __future__ import annotations

import html

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


def render_markdown(text: str | None) -> Markup:
    """Safe HTML from user Markdown: no raw HTML, only http(s)/mailto links."""
    if not text:
        return Markup("")
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
    html = _md.render(strip_unsafe(text))
    plain = nh3.clean(html, tags=set())
    return squash_spaces(_unescape(plain))


def _unescape(value: str) -> str:
    return html.unescape(value)
