"""Safe texts of publications: Markdown bodies to sanitised HTML, titles to plain text.

1. :func:`markdown_html` renders a body with markdown-it-py in CommonMark mode with
   raw HTML turned off, so a ``<script>`` typed in a body is shown as text, and
   markdown-it's own link check drops ``javascript:``, ``vbscript:`` and ``data:``
   links. The HTML is then cleaned by nh3 with :data:`ALLOWED_TAGS`,
   :data:`ALLOWED_ATTRIBUTES` and :data:`URL_SCHEMES`: whatever a later change of
   the renderer lets through, no tag, attribute or scheme outside these lists
   reaches a page, a feed or an e-mail.
2. :func:`plain_text` is for titles, summaries and alternative texts: tags are
   stripped (a script's content with them), entities read back to characters,
   whitespace collapsed. Pages escape the result like any other text.
3. :func:`plain_from_html` turns rendered HTML back into text for SMS, social
   posts and feed summaries.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code"}
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# Headings of a body start at level 2: the page's title is its h1.
_HEADING = re.compile(r"<(/?)h1>")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def markdown_html(text: str) -> str:
    """The body ``text`` (Markdown) as sanitised HTML; empty for an empty text."""
    text = _CONTROL.sub("", text or "")
    if not text.strip():
        return ""
    rendered = _HEADING.sub(r"<\1h2>", _markdown.render(text))
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    ).strip()


def plain_text(text: str) -> str:
    """``text`` without any tag, on one line."""
    text = _CONTROL.sub("", text or "")
    cleaned = html.unescape(nh3.clean(text, tags=set()))
    return _SPACES.sub(" ", cleaned).strip()


def plain_from_html(markup: str) -> str:
    """The text of sanitised HTML, paragraphs kept apart by a blank line."""
    spaced = re.sub(r"</(p|li|h2|h3|h4|blockquote)>", "\n\n", markup or "")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return "\n\n".join(
        _SPACES.sub(" ", part).strip() for part in text.split("\n\n") if part.strip()
    )
