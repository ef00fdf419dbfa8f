"""The one HTML policy for article bodies (nh3).

Every path that writes article HTML (admin forms, the importer, any API) calls
``clean_html``. The allowlist keeps the structure a newsroom writes (headings, lists, tables,
figures, code) and ``project-link`` anchors with their ``data-*`` attributes; it drops
scripts, styles, event handlers, ``javascript:`` URLs, iframes and forms.

``clean_html`` is idempotent: cleaning already-clean HTML returns it unchanged, so saving an
article without changes never rewrites its body. Its output is canonical in the form CKEditor 5
writes (``articles.canonical``), so an editor's save of an unchanged article stores the same bytes.
"""

from __future__ import annotations

import re

import nh3

from articles.canonical import html_canonicalize

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
        "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip

PROJECT_LINK_ATTRIBUTES = ("data-id", "data-name", "data-logo", "data-refer-type")

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "target", "rel", "class", *PROJECT_LINK_ATTRIBUTES},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading"},
    "figure": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
    "q": {"cite"},
}

URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Class names the policy keeps, per tag. Anything else is dropped so that stored bodies carry
# no presentation hooks the site's stylesheet does not know.
_ALLOWED_CLASSES: dict[str, re.Pattern[str]] = {
    "a": re.compile(r"project-link"),
    "figure": re.compile(r"image|table|media|image-style-[a-z-]+"),
    "code": re.compile(r"language-[A-Za-z0-9_+#-]+"),
    "pre": re.compile(r"language-[A-Za-z0-9_+#-]+"),
    "span": re.compile(r"hljs-[a-z-]+"),
}
ALLOWED_CLASS_PATTERNS = _ALLOWED_CLASSES  # what the editor's HTML support is told (articles.editor)
_ALLOWED_TARGETS = {"_blank", "_self"}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        pattern = _ALLOWED_CLASSES.get(tag)
        if pattern is None:
            return None
        kept = [name for name in value.split() if pattern.fullmatch(name)]
        return " ".join(kept) or None
    if attribute == "target":
        return value if value in _ALLOWED_TARGETS else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    clean_content_tags={"script", "style", "template", "iframe", "noscript", "textarea", "select"},
    strip_comments=True,
    link_rel=None,
)


def clean_html_uncanonical(html: str) -> str:
    """``html`` reduced to the allowlist but not put in the editor's canonical form.

    Only for reading text out of HTML (excerpts); what is stored goes through ``clean_html``.
    """
    return _CLEANER.clean(html) if html else ""


def clean_html(html: str) -> str:
    """Return ``html`` reduced to the article allowlist. Pure and idempotent."""
    if not html:
        return ""
    cleaned = _CLEANER.clean(html)
    # Removing a tag can leave a tree that parses differently (a <p> inside a <p>): clean again
    # until the markup reads back as the tree it was written from.
    for _attempt in range(3):
        again = _CLEANER.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return html_canonicalize(cleaned)
