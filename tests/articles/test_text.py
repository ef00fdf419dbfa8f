"""Plain-text helpers: excerpts from paragraphs, joined as sentences."""

from __future__ import annotations

from articles.text import excerpt_from_html


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
