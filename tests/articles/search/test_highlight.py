"""Highlighting: the passage with the most matches, marked on the original text, however long
the body and whatever forms (Traditional, full width, case) the query and the text use."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.search import body_passage, highlight, passage, query_parse
from articles.search.text import normalize, normalize_aligned

pytestmark = pytest.mark.django_db  # a query reads the names dictionary

FILLER = "今天的天气不错，我们去公园散步。" * 400  # 6,400 characters without a match


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", str(html))


def test_a_match_deep_in_a_long_body_is_the_passage():
    body = FILLER + "这家公司发布了视频会议系统，" + FILLER
    shown = passage(body, query_parse("视频会议"))
    assert marks(shown) == ["视频会议"]
    assert str(shown).startswith("…") and str(shown).endswith("…")
    assert len(str(shown)) < 200


def test_the_densest_group_of_matches_wins_over_the_first_one():
    body = "电池一词先出现一次。" + FILLER + "固态电池、钠电池与电池回收，三种电池路线。" + FILLER
    shown = passage(body, query_parse("电池"))
    assert marks(shown) == ["电池", "电池", "电池", "电池"]


def test_traditional_and_full_width_queries_mark_the_original_text_after_folded_characters():
    # "…" folds to "..." and full-width letters to half width: the folded text is longer
    # than the original, and the marks still fall on the right characters.
    body = "……（ＸＹ）" * 300 + FILLER + "多家公司推出了視頻會議产品，ＡＩ芯片需求上升。" + FILLER
    traditional = passage(body, query_parse("視頻會議"))
    assert marks(traditional) == ["視頻會議"]
    simplified = passage(body, query_parse("视频会议"))
    assert marks(simplified) == ["視頻會議"]
    full_width = passage(body, query_parse("ａｉ芯片"))
    assert marks(full_width) == ["ＡＩ芯片"]


def test_nothing_found_shows_the_opening():
    shown = passage(FILLER, query_parse("量子"))
    assert marks(shown) == []
    assert str(shown) == FILLER[:120] + "…"


def test_the_passage_never_comes_from_a_code_listing():
    # The index leaves code listings out; so does the passage shown for a result.
    prose = "这篇文章介绍集群的日常运维经验。" * 20
    body = f"<pre><code>kubectl get pods</code></pre><p>{prose}</p><pre><code>kubectl logs</code></pre>"
    shown = body_passage(body, query_parse("kubectl"))
    assert marks(shown) == [] and "kubectl" not in str(shown)
    assert str(shown).startswith(prose[:100])
    inline = body_passage(f"<p>{prose}</p><p>再用 <code>kubectl</code> 查看。</p>", query_parse("kubectl"))
    assert marks(inline) == ["kubectl"]


def test_marks_escape_everything_else():
    shown = passage("<b>iPhone</b> & <script>", query_parse("iphone"))
    assert str(shown) == "&lt;b&gt;<mark>iPhone</mark>&lt;/b&gt; &amp; &lt;script&gt;"
    assert str(highlight("苹果 IPHONE 15", query_parse("ｉＰｈｏｎｅ"))) == "苹果 <mark>IPHONE</mark> 15"


def test_aligned_folding_maps_each_folded_character_to_its_origin():
    text = "ＡＩ…ﬁ視頻Straße①"
    folded, origins = normalize_aligned(text)
    assert folded == "ai...fi视频strasse1"
    assert [text[origins[index]] for index in range(len(folded))] == list("ＡＩ………ﬁﬁ視頻Straßße①")
    assert normalize(text) == folded


def test_a_long_body_shows_an_early_match_and_still_finds_a_late_one():
    from articles.search.highlight import BODY_SCAN

    paragraphs = "".join(f"<p>{FILLER[:200]}</p>" for _ in range(BODY_SCAN // 100))
    early = f"<p>开头提到<b>储能</b>电站。</p>{paragraphs}<p>结尾的储能、储能与储能。</p>"
    shown = body_passage(early, query_parse("储能"))
    assert marks(shown) == ["储能"] and str(shown).endswith("…")
    late = f"{paragraphs}<p>只在结尾提到钠离子电池。</p>"
    assert marks(body_passage(late, query_parse("钠离子"))) == ["钠离子"]
    assert marks(body_passage(paragraphs, query_parse("钠离子"))) == []


@pytest.mark.parametrize("extra", [0, 1, 3, 40, 1_500])
def test_a_late_match_gets_the_passage_the_whole_body_would_give(extra):
    # Past the first BODY_SCAN characters only the rest is read (from a little before the
    # cut): the passage, its lead-in and its ellipses are those of the whole body's text.
    from articles.search.highlight import BODY_SCAN
    from articles.text import plain_text

    paragraphs = "".join(f"<p>{FILLER[:200]}</p>" for _ in range(BODY_SCAN // 200))
    for tail in ("", f"<p>{FILLER[:200]}</p>" * 3):
        html = f"{paragraphs}<p>{FILLER[:extra]}钠离子电池。</p>{tail}"
        shown = body_passage(html, query_parse("钠离子"))
        assert marks(shown) == ["钠离子"]
        assert str(shown) == str(passage(plain_text(html), query_parse("钠离子")))


# Characters NFKC changes or composes (full width, compatibility forms, combining marks,
# Hangul jamo), Traditional characters and plain ones.
_FOLDED_ALPHABET = st.sampled_from(
    list("，。！？（）：；…‥ＡＺａｚ０９\u3000\xa0①㈠ﬁ㎏ＩＰＨＯＮＥ視頻會議后乾隆aZ 中文e\u0301\u0308\u0327\u1100\u1161\u11a8가Å\u212b")
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_FOLDED_ALPHABET, st.characters(codec="utf-8")), max_size=30).map("".join))
def test_folding_gives_what_whole_text_nfkc_gives(text):
    """``normalize`` takes a shortcut to NFKC (each character NFKC changes replaced by its own
    NFKD form first): the folded text is the one ``unicodedata.normalize`` gives."""
    import unicodedata

    from articles.search.text import _UNWANTED, _converter

    expected = _converter().convert(unicodedata.normalize("NFKC", _UNWANTED.sub(" ", text)).casefold())
    assert normalize(text) == expected
