"""Property-based tests (hypothesis) of the parsers hostile input reaches first: the front-matter
reader, the legacy post reader, the date parser, the cleaner, the canonical form and the
mention extractor.

Properties: any input gives a result or one of our own error types, never a crash; cleaning
twice equals cleaning once; the canonical form is idempotent. Strategies build realistic
fragments (YAML front matter as legacy posts write it, HTML from the tags and attributes bodies
carry, with the hostile ones mixed in), not only random text. Every bug they found is fixed in
the code and kept here as an ``@example``.

Budget: a fixed number of examples per test and no per-example deadline (CI shares two busy
cores, where timing is noise), so the file runs in seconds to tens of seconds.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.canonical import html_canonicalize
from articles.canonical.tree import Element, _parse_serialized, _TreeBuilder, parse
from articles.hexo.dates import parse_date
from articles.hexo.frontmatter import FrontMatter, FrontMatterError, front_matter_read
from articles.sanitize import (
    _VOID_OR_SELF_CLOSING,
    HtmlTooDeepError,
    clean_html,
    clean_html_cut,
    clean_html_uncanonical,
    html_depth,
    url_is_safe,
)
from articles.services.importing.reading import LegacyPost, post_parse
from articles.services.importing.results import PostError
from articles.services.mentions import project_links_extract
from articles.services.project_ids import project_id_is_valid

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ours(error: BaseException) -> bool:
    """One of Masthead's own error types (not a crash of Python or a library)."""
    return type(error).__module__.startswith("articles.")


# --- text pieces ------------------------------------------------------------------------------

CJK = st.sampled_from("文编辑苏建勋杨轩钉钉拍乐云新媒体资讯科技")
YAML_SPECIAL = st.sampled_from(
    [*":#-[]{}&*!|>'\"%@`,?\\\t ", "\u3000", "\xa0", "\r", "---", "...", ": ", " #", "- "]
)
words = st.lists(
    st.one_of(st.sampled_from(string.ascii_letters + string.digits + " _./"), CJK, YAML_SPECIAL), max_size=12
).map("".join)
any_text = st.text(max_size=40)


# --- YAML front matter ------------------------------------------------------------------------

DATE_LIKE = st.one_of(
    st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})?\Z"),
    st.sampled_from(["Invalid Date", "Fri, 18 Mar 2022 01:23:51 GMT", "2020-09-06 22:010:17", "0001-01-01"]),
)


def yaml_scalar() -> st.SearchStrategy[str]:
    plain = words.map(str.strip)
    return st.one_of(
        plain,
        words.map(lambda text: "'" + text.replace("'", "''") + "'"),
        words.map(lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'),
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(
            ["on", "off", "yes", "no", "true", "false", "null", "~", "12_00", "1e3", ".inf", "0x1F"]
        ),
        DATE_LIKE,
        any_text,  # anything at all, unquoted
    )


def yaml_value(indent: int) -> st.SearchStrategy[str]:
    pad = " " * indent
    items = st.lists(yaml_scalar(), max_size=4)
    return st.one_of(
        yaml_scalar(),
        items.map(lambda values: "[" + ", ".join(values) + "]"),
        items.map(lambda values: "".join(f"\n{pad}  - {value}" for value in values)),
        st.lists(items.map(lambda v: "[" + ", ".join(v) + "]"), max_size=3).map(
            lambda v: "[" + ", ".join(v) + "]"
        ),
        words.map(lambda text: f"|\n{pad}  {text}\n{pad}  {text}"),
        st.sampled_from(["&a [1, 2]", "*a", "&b {x: 1}", "*b", "!!str 1", "!!binary aGVsbG8=", "!custom x"]),
    )


KEYS = st.one_of(
    st.sampled_from(
        [
            "title",
            "date",
            "updated",
            "tags",
            "categories",
            "author",
            "headimg",
            "thumbnail",
            "comments",
            "published",
            "permalink",
            "excerpt",
            "description",
            "id",
        ]
    ),
    words.filter(lambda key: key.strip() and ":" not in key and "#" not in key),
)


@st.composite
def yaml_front_matter(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key, indent = draw(KEYS).strip(), draw(st.sampled_from([0, 0, 0, 2, 1]))
        separator = draw(st.sampled_from([": ", ": ", ":", " : ", ":\t"]))
        lines.append(" " * indent + key + separator + draw(yaml_value(indent)))
    return "\n".join(lines)


@st.composite
def legacy_post(draw) -> str:
    """A legacy post as Hexo sites hold them: the separators in their various forms."""
    data = draw(yaml_front_matter())
    body = draw(html_fragment() | markdown_body())
    form = draw(st.sampled_from(["dashes", "blank-first", "no-opening", "json", "none", "bom-crlf"]))
    if form == "dashes":
        return f"---\n{data}\n---\n{body}"
    if form == "blank-first":
        return f"\n---\n{data}\n---\n\n{body}"
    if form == "no-opening":
        return f"{data}\n---\n{body}"
    if form == "json":
        return f';;;\n"title": {draw(words.map(repr))}, "tags": [{draw(yaml_scalar())}]\n;;;\n{body}'
    if form == "bom-crlf":
        return ("\ufeff---\n" + data + "\n---\n" + body).replace("\n", "\r\n")
    return body


# --- HTML and markdown bodies -----------------------------------------------------------------

TAGS = st.sampled_from(
    ["p", "div", "span", "a", "b", "strong", "i", "em", "del", "s", "u", "code", "pre", "blockquote", "ul",
     "ol", "li", "h2", "h3", "table", "thead", "tbody", "tr", "td", "th", "caption", "figure", "figcaption",
     "img", "br", "hr", "section", "sup", "sub", "mark", "q", "cite", "dl", "dt", "dd", "script", "style",
     "iframe", "svg", "math", "textarea", "template", "noscript", "object", "form", "input", "select"]
)  # fmt: skip
ATTRIBUTE_VALUES = st.one_of(
    words,
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "https://36kr.com/p/1",
            "http://a.b/c?d=1&e=2",
            "//evil.example",
            "mailto:a@b.c",
            "&#106;avascript:x",
            "project-link",
            "language-python",
            "image-style-side",
            "x onerror=alert(1)",
            '"><script>alert(1)</script>',
            "1",
            "0",
            "-1",
            "_blank",
            " ",
            "",
        ]
    ),
)
ATTRIBUTE_NAMES = st.sampled_from(
    ["href", "src", "srcset", "alt", "title", "class", "style", "onclick", "onerror", "data-id", "data-name",
     "data-logo", "data-refer-type", "target", "rel", "cite", "width", "colspan", "start", "lang", "id"]
)  # fmt: skip
TEXTS = st.one_of(
    words,
    st.sampled_from(
        [
            "文 | 苏建勋",
            "编辑｜杨轩",
            "&nbsp;",
            "&amp;",
            "&lt;script&gt;",
            "&#0;",
            "&#x110000;",
            "\xa0",
            "  ",
            "\n",
            "\t",
            "<!-- c -->",
            "<![CDATA[x]]>",
            "<",
            ">",
            "&",
            "<!--more-->",
            "\u200b",
            "\x00",
        ]
    ),
)


@st.composite
def element(draw, children: st.SearchStrategy[str]) -> str:
    tag = draw(TAGS)
    pairs = draw(st.lists(st.tuples(ATTRIBUTE_NAMES, ATTRIBUTE_VALUES), max_size=3))
    if draw(st.booleans()) and tag == "a":
        pairs.append(("class", "project-link"))
        pairs.append(("data-id", draw(st.sampled_from(["8301", " 42 ", "", "a/b", "项目"]))))
    quote = draw(st.sampled_from(['"', "'", ""]))
    attributes = "".join(f" {name}={quote}{value}{quote}" for name, value in pairs)
    inner = "".join(draw(st.lists(children, max_size=3)))
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</p>", "</a>"]))
    return f"<{tag}{attributes}>{inner}{closing}"


def html_fragment() -> st.SearchStrategy[str]:
    return st.recursive(TEXTS, lambda children: element(children), max_leaves=12).map(str)


def markdown_body() -> st.SearchStrategy[str]:
    line = st.one_of(
        words,
        st.sampled_from(
            [
                "# 标题",
                "> 引用",
                "- 列表",
                "1. 一",
                "```python",
                "```",
                "    code",
                "*强调*",
                "**粗体**",
                "[链接](javascript:alert(1))",
                "![图](http://a/b.png)",
                "| a | b |",
                "|---|---|",
                "~~删~~",
                "<div>",
                "</div>",
                "<!--more-->",
                "文 | 林晓",
                "`<script>alert(1)</script>`",
                "***",
                "_a_b_",
            ]
        ),
        html_fragment(),
    )
    return st.lists(line, max_size=8).map("\n".join)


# --- the front-matter reader and the legacy post reader --------------------------------------


@FUZZ
@given(st.one_of(legacy_post(), yaml_front_matter().map(lambda data: f"---\n{data}\n---\nbody"), any_text))
@example("---\nkey: " + "[" * 200 + "]" * 200 + "\n---\nbody")
@example("---\na: &a [*a]\n---\nbody")
def test_the_front_matter_reader_gives_data_or_a_front_matter_error(text):
    try:
        front = front_matter_read(text)
    except FrontMatterError:
        return
    assert isinstance(front, FrontMatter) and isinstance(front.data, dict)
    assert all(isinstance(key, str) for key in front.data)


@FUZZ_SLOW
@given(st.one_of(legacy_post(), st.binary(max_size=300)))
def test_the_legacy_post_reader_gives_a_post_or_a_post_error(text):
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    try:
        post = post_parse(path="posts/a.md", raw=raw, mtime=datetime(2022, 5, 1, tzinfo=UTC))
    except PostError:
        return
    assert isinstance(post, LegacyPost)
    assert post.title and post.published_at.tzinfo is not None
    assert clean_html(post.body) == post.body  # stored bodies are already clean and canonical


# --- the date parser -------------------------------------------------------------------------

TIMESTAMPS = st.from_regex(
    r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([tT ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]{1,9})?"
    r"( ?(Z|[-+][012]?[0-9](:[0-9]{2})?))?)?\Z"
)
RFC_2822 = st.builds(
    "{}, {} {} {} {:02d}:{:02d}:{:02d} {}".format,
    st.sampled_from(["Mon", "Fri", "Xyz"]),
    st.integers(0, 99),
    st.sampled_from(["Jan", "Mar", "Dec", "Foo"]),
    st.integers(0, 99999),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(["GMT", "+0800", "-2400", "+9999", "UT", "PST", "XYZ", ""]),
)


@FUZZ
@given(
    st.one_of(
        TIMESTAMPS,
        RFC_2822,
        DATE_LIKE,
        any_text,
        st.dates(),
        st.datetimes(),
        st.datetimes(timezones=st.just(UTC)),
        st.integers(),
        st.floats(),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
)
@example("2020-01-01 10:00:00+29")  # an offset of 29 hours: dt_timezone raised ValueError
@example("2020-01-01 10:00:00 -24:00")
@example(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))
@example(date(9999, 12, 31))
@example("Fri, 18 Mar 99999 01:23:51 +9999")
def test_the_date_parser_gives_an_aware_datetime_none_or_our_error(value):
    try:
        parsed = parse_date(value)
    except Exception as error:
        assert ours(error), f"{type(error).__module__}.{type(error).__name__}: {error}"
        return
    assert parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is not None)


# --- the cleaner, the canonical form, the mention extractor ----------------------------------


@FUZZ
@given(st.one_of(html_fragment(), markdown_body(), any_text))
@example("<p><p>nested</p></p>")
@example("<SPAN><TABLE>")  # a span pushed into a table sat between its rows; the next parse moved it
@example("<b><table><tr><td>a</td></tr></table></b><i><ul><li>b</li></ul></i>")
@example("<table><tr><td><p>a</p>b</td></tr></table>")
@example("<div>" * 3000)  # nested past the bound: our own error, not a RecursionError
@example("<blockquote>" * 100 + "<p>x</p>")
@example(
    '<blockquote cite="java&#9;script:x"><p><img srcset="javascript:x 1x" src="/a.png"></p></blockquote>'
)
@example("<span>&nbsp;<span>&nbsp;</span><a>a</a></span>")  # two texts merged: their seam read anew
@example("<h2><span>文 | 苏建勋<h2></h2></span></h2>")  # a heading inside a heading, moved by the next parse
@example("<table><caption>a</caption><caption>b</caption></table>")  # a second caption stayed in the table
@example("<DT><UL>0<DT>")  # a dt in a dt (out of a list), moved by the next parse
@example("<DT><DIV>0<UL><DT>")  # the same inside a div
def test_cleaning_twice_equals_cleaning_once(html):
    try:
        once = clean_html(html)
    except HtmlTooDeepError:
        return
    assert clean_html(once) == once
    # The attributes of its elements (text that reads like an attribute is text).
    elements = [parse(once)]
    while elements:
        element = elements.pop()
        elements.extend(child for child in element.children if isinstance(child, Element))
        for name in ("cite", "srcset", "data-logo"):
            for candidate in element.attrs.get(name, "").split(","):
                assert not candidate.strip() or url_is_safe(candidate.split()[0]), once


@FUZZ
@given(st.one_of(html_fragment(), any_text))
@example("<dt><dt>文 | 苏建勋</dt></dt>")  # an empty <dt> got a bare &nbsp;, wrapped in <p> next time
def test_the_canonical_form_is_idempotent(html):
    cleaned = clean_html_uncanonical(html)
    canonical = html_canonicalize(cleaned)
    assert html_canonicalize(canonical) == canonical


def _tree(node) -> object:
    if isinstance(node, Element):
        return (node.tag, node.attrs, [_tree(child) for child in node.children])
    return node.data


@FUZZ
@given(st.one_of(html_fragment(), markdown_body(), any_text))
@example('<p title="a &amp; &quot;b&quot; &gt; c">x &lt; y&nbsp;&amp;</p></i><br><img src="a"></p>z')
@example("<p>a</p><!-- c --><p>b</p>")
@example("<style>p { }</style>")
def test_the_fast_html_reader_builds_the_parsers_tree(html):
    # The canonical form reads nh3's output with a regular expression (``_parse_serialized``):
    # the very tree ``html.parser`` gives, or None (then the parser reads it).
    try:
        cleaned = clean_html_uncanonical(html)
    except HtmlTooDeepError:
        cleaned = ""
    for text in (html, cleaned):
        builder = _TreeBuilder()
        builder.feed(text)
        builder.close()
        fast = _parse_serialized(text)
        if fast is not None:
            assert _tree(fast) == _tree(builder.root)
    assert _parse_serialized(cleaned) is not None  # nh3's output is always read the fast way


_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>.*?</p>\s*", re.DOTALL)  # as bylines are found
_REPLACEMENTS = ("<p>原文日期=2015-12-29</p>", "<p> 校对=a  b </p>", "<p>定稿=&nbsp;</p>")


@FUZZ
@given(st.one_of(html_fragment(), markdown_body()), st.integers(min_value=0, max_value=7))
@example("<ul><li>a</li></ul><p>文 | 甲</p><ul><li>b</li></ul>", 1)
@example("<p>文 | 甲</p>", 1)
@example("<p>&nbsp;</p><p>文 | 甲</p>", 2)
@example("<blockquote><p>a</p><p>文 | 甲</p></blockquote><p>b</p>", 1)
@example('<ol><li>a</li></ol><p>x</p><p>y</p><ol start="3"><li>b</li></ol>', 6)
def test_cutting_paragraphs_out_of_clean_html_is_cleaning_the_rest(html, which):
    # ``clean_html_cut`` (the importer cuts bylines out) skips cleaning again when it cannot
    # change anything: it must give what cleaning again gives, for any choice of paragraphs.
    try:
        cleaned = clean_html(html)
    except HtmlTooDeepError:
        return
    spans = [match.span() for match in _PARAGRAPH.finditer(cleaned)]
    # Every third paragraph taken out, or rewritten as a header paragraph is (its text kept).
    chosen = [
        (start, end, "" if which >> (index % 3) & 1 else _REPLACEMENTS[index % 3])
        for index, (start, end) in enumerate(spans)
        if index % 2 == which % 2
    ]
    pieces, last = [], 0
    for start, end, replacement in chosen:
        pieces.extend([cleaned[last:start], replacement])
        last = end
    cut = "".join([*pieces, cleaned[last:]])
    try:
        expected = clean_html(cut)
    except HtmlTooDeepError:
        return
    assert clean_html_cut(cleaned, cut=cut, cuts=chosen) == expected


@FUZZ
@given(st.one_of(html_fragment(), any_text))
@example('<a class="project-link" data-id="a/b">x</a><a class="project-link" data-id="../..">y</a>')
def test_the_mention_extractor_reads_any_html(html):
    for body in (html, clean_html(html)):
        links, unidentified = project_links_extract(body)
        assert len(links) + len(unidentified) <= body.count("project-link")
        assert all(link.external_id and link.external_id == link.external_id.strip() for link in links)
        assert all(project_id_is_valid(link.external_id) for link in links)


# --- shortcuts of the import's parsing, held equal to the long way ----------------------------

# What decides the editor's whitespace rules: spaces, tabs, newlines, no-break and other spaces.
inline_text = st.lists(
    st.sampled_from(
        [" ", "\t", "\n", "\r", "\xa0", "\u3000", "\u2003", "\v", "\f", "a", "文", "  ", "\xa0 "]
    ),
    max_size=12,
).map("".join)


@FUZZ
@given(inline_text)
@example("\xa0")
@example(" \xa0 ")
@example("a \xa0")
def test_a_block_of_one_text_takes_the_same_form_as_through_the_inline_items(data):
    from articles.canonical.inline import (
        _flatten,
        _lone_text,
        _merge_texts,
        _read_whitespace,
        _write_whitespace,
    )
    from articles.canonical.tree import Text

    items = []
    _flatten([Text(data)], (), items)
    items = _merge_texts(_read_whitespace(items))
    assert _lone_text(data) == "".join(_write_whitespace(items))


markdown_lines = st.lists(
    st.sampled_from([" ", "\t", "\n", "\n\n", "  \t", "- ", "> ", "    code", "a", "文", "```", "\r", "|"]),
    max_size=20,
).map("".join)


@FUZZ
@given(st.one_of(markdown_lines, markdown_body()))
@example("")
@example("a\n \t")
@example("\t\t- a\n  \tb\n")
def test_markdown_line_markers_are_markdown_its_own(source):
    from markdown_it.rules_block import StateBlock

    from articles.services.importing.bodies import _LineMarkedStateBlock, _markdown

    ours = _LineMarkedStateBlock(source, _markdown, {}, [])
    assert vars(ours) == vars(StateBlock(source, _markdown, {}, []))


_REFERENCE_TAG_TOKEN = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _reference_html_depth(html: str, *, limit: int) -> int:
    # html_depth as first written (a backtracking pattern, one match object a tag).
    depth = deepest = 0
    for match in _REFERENCE_TAG_TOKEN.finditer(html):
        if match.group(2).lower() in _VOID_OR_SELF_CLOSING:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        elif not match.group(0).endswith("/>"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest


TAG_SOUP = st.lists(
    st.sampled_from(
        ["<", ">", "/", "/>", '"', "'", "=", " ", "a", "B", "p", "br", "div", "x-y", "文", "<!--"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(html_fragment(), TAG_SOUP), limit=st.integers(0, 6))
def test_html_depth_equals_its_reference_on_any_markup(html, limit):
    assert html_depth(html, limit=limit) == _reference_html_depth(html, limit=limit)
    cleaned = clean_html_uncanonical(html)
    assert html_depth(cleaned, limit=limit) == _reference_html_depth(cleaned, limit=limit)
