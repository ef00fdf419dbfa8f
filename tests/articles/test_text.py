"""Plain-text helpers: excerpts from paragraphs, joined as sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text import excerpt_from_html, plain_text


def test_an_excerpt_is_made_of_paragraphs_only_joined_as_sentences():
    html = (
        "<h2>行业观察</h2><p>青松数据完成3亿元C轮融资</p><figure><figcaption>图：发布会</figcaption></figure>"
        "<ul><li>要点一</li></ul><p>本轮资金将用于研发。</p>"
    )
    assert excerpt_from_html(html) == "青松数据完成3亿元C轮融资。本轮资金将用于研发。"


def test_latin_paragraphs_are_joined_with_a_space_and_long_text_is_cut():
    assert excerpt_from_html("<p>Hello world</p><p>Second one</p>") == "Hello world. Second one."
    long = "<p>" + "很长的句子" * 100 + "</p>"
    excerpt = excerpt_from_html(long, length=20)
    assert len(excerpt) == 20 and excerpt.endswith("…")


def test_a_body_without_paragraphs_still_has_an_excerpt():
    assert excerpt_from_html("只有一行文字<br>没有段落") == "只有一行文字 没有段落"


# The whitespace, entities and tags plain_text meets, and characters around them.
_HTML_PIECES = st.sampled_from(
    [" ", "  ", "\n", "\t", "\xa0", "\u3000", "\u2028", "\x1c", "&nbsp;", "&amp;", "<p>", "</p>", "<br>", "<b>", "a", "中"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_HTML_PIECES, st.text(max_size=3)), max_size=20).map("".join))
def test_plain_text_collapses_whitespace_as_a_regular_expression_would(html):
    import html as html_lib
    import re

    text = re.sub(r"<[^>]+>", "", re.sub(r"</(?:p|div|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", " ", html))
    assert plain_text(html) == re.sub(r"\s+", " ", html_lib.unescape(text)).strip()
