"""The text pipeline's shortcuts (``articles.search.text``) give what the plain ways give: the
tokens of a document and of a query, a text's distinct CJK characters, the
remembered cuts of names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.search.text import (
    index_names,
    index_text,
    normalize,
    normalize_names,
    query_tokens,
    searched_html,
    single_characters,
    tokenizer,
)

# Words of jieba's dictionary, letters, digits, kana, hangul, punctuation (half and full
# width), the underscore, every kind of whitespace and runs of spaces.
_ALPHABET = st.sampled_from(
    [
        *"视频会议系统钉钉中华人民共和国的了是在",
        *"aZz09e_-+#&.%，。！？（）：；…、「」“”",
        *"アイ한국ÅéÉ①ﬁ",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\u3000",
        "\xa0",
        "\u2028",
        "\x1c",
        "\x85",
        "iPhone 15",
        "AI芯片",
        "node.js",
        "C++",
        "a_b",
        # jieba's run punctuation between letters, digits and ideographs; ideographs outside
        # the Basic Multilingual Plane, an emoji, an unassigned code point of a CJK block, a
        # combining mark, a letter Unicode 6.1 did not call one.
        "3.5亿",
        "50%",
        "AT&T",
        "c#",
        "云.计算",
        "中\ufa6e文",
        "\ufaff",
        "\U00020000",
        "\U0002a6d6",
        "\U0001f600",
        "\u0301",
        "\u19b0",
    ]
)
# Dictionary words that hold a separator: never a token, whatever the text around them.
_WORDS_WITH_SEPARATORS = ["云.计算", "中\ufa6e文", "at&t", "会议-系统"]
_TEXTS = st.lists(st.one_of(_ALPHABET, st.characters(codec="utf-8")), max_size=40).map("".join)


def _words_only(text: str) -> str:
    return re.sub(r"[^\w\s]|_", " ", text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_query_tokens_are_jiebas_precise_cuts_of_the_text_as_it_is(text):
    for word in _WORDS_WITH_SEPARATORS:
        tokenizer.add_word(word)
    text = normalize(text)
    expected = " ".join(tokenizer.cut(_words_only(text))).split()
    assert query_tokens(text) == list(dict.fromkeys(expected))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_index_text_gives_the_tokens_jieba_cuts_from_the_text_as_it_is(text):
    """Cut from the text with its whitespace made single spaces, the tokens joined by one
    space each are the tokens of the text as it is (cut, joined and split again)."""
    for word in _WORDS_WITH_SEPARATORS:
        tokenizer.add_word(word)
    text = normalize(text)
    expected = " ".join(" ".join(tokenizer.cut_for_search(_words_only(text))).split())
    assert index_text(text) == expected


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_single_characters_are_the_distinct_cjk_characters_in_order(text):
    cjk = re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text)
    assert single_characters(text) == " ".join(dict.fromkeys(cjk))


def test_index_text_of_mixed_text():
    assert index_text(normalize("视频会议，ＡＩ，芯片  和 iPhone\u300015_x")) == "视频 会议 视频会议 ai 芯片 和 iphone 15 x"


def test_searched_html_is_the_body_without_its_code_listings():
    body = '<p>a</p><pre class="language-py"><code>x = 1</code></pre><p>b <code>c</code></p>'
    assert searched_html(body) == "<p>a</p> <p>b <code>c</code></p>"
    # The allowlist may nest one listing in another: the outer one goes whole.
    assert searched_html("<p>a</p><pre>x<pre>y</pre>z</pre><p>b</p>") == "<p>a</p> <p>b</p>"
    # "<pre>" inside an attribute opens nothing: what follows stays (a listing after it too:
    # at worst a listing is searched, never is prose lost).
    inside_attribute = '<p><img src="/x.png" alt="a<pre>b">c</p><p>after</p><pre>x</pre><p>d</p>'
    assert searched_html(inside_attribute) == inside_attribute
    assert searched_html("<p>preface</p><p>a</p>") == "<p>preface</p><p>a</p>"


def test_names_are_normalised_as_any_text():
    assert normalize_names("３６Kr 視頻會議") == normalize("３６Kr 視頻會議") == "36kr 视频会议"


def test_remembered_names_are_cut_again_once_the_dictionary_changes():
    # Characters no dictionary word holds, so jieba cuts them one by one until they are a word.
    name = "甍翀龘"
    assert index_names(name) == index_text(name) == "甍 翀 龘"
    tokenizer.add_word(name)
    assert index_names(name) == index_text(name) == name
