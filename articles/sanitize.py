"""The one HTML policy for article bodies (nh3).

Every path that writes article HTML (admin forms, the importer, any API) calls
``clean_html``. The allowlist keeps the structure a newsroom writes (headings, lists, tables,
figures, code) and ``project-link`` anchors with their ``data-*`` attributes; it drops
scripts, styles, event handlers, ``javascript:`` URLs, iframes and forms.

URL-valued attributes the allowlist keeps beyond ``href``/``src`` (``cite``, ``srcset``,
``data-logo``) carry only http(s) or relative URLs (``url_is_safe``); anything else drops the
attribute. Nesting is bounded (``HTML_MAX_DEPTH``): deeper HTML raises ``HtmlTooDeepError``,
which every caller turns into its own clear refusal (a form error, a 400, a failed file),
checked before parsing so that a hostile body costs no more than a scan.

``clean_html`` is idempotent: cleaning already-clean HTML returns it unchanged, so saving an
article without changes never rewrites its body. Its output is canonical in the form CKEditor 5
writes (``articles.canonical``), so an editor's save of an unchanged article stores the same bytes.
"""

from __future__ import annotations

import re

import nh3
from django.utils.translation import gettext as _

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

# How deep elements may nest in a body. CKEditor's deepest real structure (a list in a table
# in a figure in a blockquote) is under 20; the canonical form and the templates recurse.
HTML_MAX_DEPTH = 100
# Before parsing, a cheap scan bounds the raw input: start tags without their end tags, leaving
# out elements that a parser closes by itself (a <p> in a <p>). Parsers slow down quadratically
# with nesting (nh3 takes minutes for 200,000 nested <div>s), so this bound comes first.
RAW_MAX_DEPTH = 2000


class HtmlTooDeepError(ValueError):
    """HTML nested past ``HTML_MAX_DEPTH`` levels (or its raw form past ``RAW_MAX_DEPTH``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(_("正文嵌套过深（超过 %(limit)d 层），请简化结构") % {"limit": limit})


_VOID_OR_SELF_CLOSING = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
        "tfoot", "option", "optgroup", "colgroup", "caption", "rp", "rt",
    }
)  # fmt: skip
# A tag: "/" for an end tag, its name, and what follows up to its ">" (quoted values may hold
# one). Possessive: each character has one way to match, so a "<" that starts no tag fails fast.
_TAG_TOKEN = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""")


def html_depth(html: str, *, limit: int) -> int:
    """The nesting depth of ``html`` (start tags not yet ended), stopping past ``limit``.

    Exact for serialized, well-formed HTML (the cleaner's output); an upper bound for raw input.
    """
    depth = deepest = 0
    for end, name, rest in _TAG_TOKEN.findall(html):
        if name.lower() in _VOID_OR_SELF_CLOSING:
            continue
        if end:
            depth = max(0, depth - 1)
        elif not rest.endswith("/"):  # not self-closing ("<x/>")
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest


def html_depth_check(html: str) -> None:
    """Raise ``HtmlTooDeepError`` when ``html`` nests too deep to clean safely."""
    # Each start tag opens with "<": HTML with fewer of them (most bodies) needs no scan.
    if html.count("<") > RAW_MAX_DEPTH and html_depth(html, limit=RAW_MAX_DEPTH) > RAW_MAX_DEPTH:
        raise HtmlTooDeepError(HTML_MAX_DEPTH)


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21)) + "\x7f"
SAFE_URL_SCHEMES = frozenset({"http", "https"})


def url_is_safe(value: str, *, relative: bool = True) -> bool:
    """Whether ``value`` is an http(s) URL, or (with ``relative``) a scheme-less one.

    Read as browsers read URLs: surrounding spaces and control characters, and tabs and
    newlines anywhere, do not hide a scheme (``java\tscript:``).
    """
    text = _IGNORED_IN_URLS.sub("", value).strip(_C0_AND_SPACE)
    if "\\" in text[:8]:  # browsers read a backslash as a slash: no tricks near the start
        return False
    scheme = _SCHEME.match(text)
    if scheme:
        return scheme.group(1).lower() in SAFE_URL_SCHEMES
    return relative and bool(text) and ":" not in text.split("/", 1)[0]


def _srcset_is_safe(value: str) -> bool:
    candidates = [candidate.strip() for candidate in value.split(",")]
    return all(url_is_safe(candidate.split()[0]) for candidate in candidates if candidate)


_URL_ATTRIBUTES = frozenset({"cite", "data-logo"})

# Class names the policy keeps, per tag. Anything else is dropped so that stored bodies carry
# no presentation hooks the site's stylesheet does not know.
_ALLOWED_CLASSES: dict[str, re.Pattern[str]] = {
    "a": re.compile(r"project-link"),
    "figure": re.compile(r"image|table|media|image-style-[a-z-]+"),
    "code": re.compile(r"language-[A-Za-z0-9_+#-]+"),
    "pre": re.compile(r"language-[A-Za-z0-9_+#-]+"),
    "span": re.compile(r"hljs-[a-z-]+"),
}
ALLOWED_CLASS_PATTERNS = _ALLOWED_CLASSES  # what the editor's HTML support is told (articles.admin.editor)
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
    if attribute in _URL_ATTRIBUTES:
        return value if not value or url_is_safe(value) else None
    if attribute == "srcset":
        return value if _srcset_is_safe(value) else None
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
    if not html:
        return ""
    html_depth_check(html)
    return _cleaned_within_depth(html)


def _cleaned_within_depth(html: str) -> str:
    cleaned = _CLEANER.clean(html)
    if cleaned.count("<") > HTML_MAX_DEPTH and html_depth(cleaned, limit=HTML_MAX_DEPTH) > HTML_MAX_DEPTH:
        raise HtmlTooDeepError(HTML_MAX_DEPTH)
    return cleaned


def clean_html(html: str) -> str:
    """Return ``html`` reduced to the article allowlist. Pure and idempotent.

    Raises ``HtmlTooDeepError`` for HTML nested deeper than ``HTML_MAX_DEPTH``.
    """
    if not html:
        return ""
    html_depth_check(html)
    cleaned = _cleaned_within_depth(html)
    # Removing a tag can leave a tree that parses differently (a <p> inside a <p>): clean again
    # until the markup reads back as the tree it was written from.
    for _attempt in range(3):
        again = _CLEANER.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return html_canonicalize(cleaned)


# Lists of one kind side by side are merged by the canonical form: a cut between two changes it.
_LIST_END = ("</ul>", "</ol>")
_LIST_START = (("<ul>", "<ul "), ("<ol>", "<ol "))
_TAG_TEXT = re.compile(r"<[^>]*>")


def clean_html_cut(cleaned: str, *, cut: str, cuts: list[tuple[int, int, str]]) -> str:
    """``clean_html(cut)``, where ``cut`` is ``clean_html``'s output ``cleaned`` with the
    paragraphs at ``cuts`` (start, end, replacement) taken out or replaced by other paragraphs,
    without putting it in canonical form again when the cut cannot change that form (the
    importer cuts bylines out of every third body).

    The canonical form is a row of top-level blocks, each one in that form on its own, so
    taking top-level ``<p>`` blocks out, or putting in their place paragraphs that are in that
    form, leaves the others as they are, unless the cut brings two lists of one kind together
    (the canonical form merges them) or leaves nothing to show (the form is then empty). nh3 is
    asked as ``clean_html`` asks it (its output can differ once the blocks around are gone); any
    other cut is cleaned again. A property test holds ``clean_html_cut`` equal to ``clean_html``
    on cuts of any HTML."""
    if not cuts or not _at_top_level(cleaned, [start for start, _end, _by in cuts]):
        return clean_html(cut)
    shift = 0
    for start, end, replacement in cuts:
        seam = start + shift
        shift += len(replacement) - (end - start)
        if replacement:
            if html_canonicalize(replacement) != replacement:
                return clean_html(cut)
            continue
        after = cut[seam : seam + 4]
        for end_tag, starts in zip(_LIST_END, _LIST_START, strict=True):
            if after in starts and cut.endswith(end_tag, 0, seam):
                return clean_html(cut)
    if not cut or not _shows_something(cut):
        return clean_html(cut)
    # clean_html's own steps up to the canonical form: when nh3 gives the cut back as it is,
    # its loop stops at once and the canonical form is all that is left to do.
    html_depth_check(cut)
    if _cleaned_within_depth(cut) != cut:
        return clean_html(cut)
    return cut


def _at_top_level(html: str, positions: list[int]) -> bool:
    """Whether each of ``positions`` in clean ``html`` starts a tag outside every element."""
    from articles.canonical.tree import _TAG_OR_END, VOID_TAGS

    wanted = set(positions)
    depth = offset = 0
    # [text, start tag, its attributes, end tag, text, ...], as the canonical form reads it.
    pieces = _TAG_OR_END.split(html)
    if any("<" in text for text in pieces[::4]):
        return False
    offset = len(pieces[0])
    for index in range(1, len(pieces), 4):
        tag, written, end, text = pieces[index : index + 4]
        if offset in wanted:
            if depth != 0:
                return False
            wanted.discard(offset)
        if tag is not None:
            offset += len(tag) + len(written or "") + 2
            if tag not in VOID_TAGS:
                depth += 1
        else:
            offset += len(end) + 3
            depth -= 1
        offset += len(text)
    return not wanted


def _shows_something(html: str) -> bool:
    # What the canonical form keeps a document for: visible text, an image, a rule, a table.
    from articles.canonical.inline import JS_SPACE

    if "<img" in html or "<hr" in html or "<table" in html:
        return True
    text = _TAG_TEXT.sub("", html).replace("&nbsp;", "")
    return any(char not in JS_SPACE for char in text)
