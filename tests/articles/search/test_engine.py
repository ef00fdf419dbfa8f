"""The search engine on the configured database (SQLite by default, PostgreSQL with
DATABASE_URL): segmentation, normalisation, ranking and bad input, through ``search``."""

from __future__ import annotations

import pytest

from articles.models import Article, Project
from articles.search import QueryTooLong, documents_update, query_parse, search
from articles.search.dictionary import dictionary_ensure
from articles.search.models import SearchDocument
from articles.search.text import index_tokens
from tests.articles.search.conftest import anchor

pytestmark = pytest.mark.django_db


def titles(query: str, queryset=None) -> list[str]:
    results = search(query=query_parse(query), queryset=queryset or Article.objects.published())
    return [article.title for article in results[: len(results)]]


def test_two_character_word_finds_the_article(write_article):
    write_article("新能源汽车销量上涨", "<p>今年的市场表现很好。</p>")
    write_article("天气预报", "<p>明天下雨。</p>")
    assert titles("市场") == ["新能源汽车销量上涨"]


def test_four_character_idiom_is_one_word(write_article):
    write_article("创业团队的故事", "<p>这家公司的创始人一直脚踏实地做产品。</p>")
    write_article("另一篇", "<p>实地考察了工厂。</p>")
    assert titles("脚踏实地") == ["创业团队的故事"]


@pytest.mark.parametrize("name", ["拍乐云", "钉钉", "36氪", "芯声智能"])
def test_project_names_are_single_terms(write_article, name):
    write_article("收购新闻", f"<p>{anchor('9001', name)}今天宣布了新的合作。</p>")
    write_article("无关新闻", "<p>拍卖行里乐声响起，云层很低，钉子和芯片声音智能。</p>")
    assert query_parse(name).tokens == (name.casefold(),)
    assert titles(name) == ["收购新闻"]


def test_author_and_tag_names_join_the_dictionary(write_article):
    write_article("访谈", "<p>文 | 欧阳娜娜</p><p>正文。</p>", tags=["元宇宙基建"])
    assert query_parse("欧阳娜娜").tokens == ("欧阳娜娜",)
    assert query_parse("元宇宙基建").tokens == ("元宇宙基建",)
    assert titles("元宇宙基建") == ["访谈"]


def test_names_of_latin_letters_never_cut_longer_words(write_article):
    # A tag "Cat" in the dictionary would cut "concatenate" as "con cat enate" (jieba's DAG
    # prefers a dictionary word inside a run of letters): the same text was cut one way before
    # the tag existed and another after, and "cat" found "concatenate" as a word.
    write_article("猫", "<p>A cat on the sofa.</p>", tags=["Cat", "Spring"])
    write_article("字符串拼接", "<p>Use concatenate, springboot and location.</p>")
    dictionary_ensure()
    assert index_tokens("concatenate springboot location") == ["concatenate", "springboot", "location"]
    assert query_parse("concatenate").tokens == ("concatenate",)
    assert titles("concatenate") == ["字符串拼接"]
    assert titles("springboot") == ["字符串拼接"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("AI芯片", ["国产AI芯片量产"]), ("npu芯片", ["手机NPU芯片评测"]), ("iPhone 15", ["iPhone 15 发布会"])],
)
def test_mixed_chinese_and_english(write_article, query, expected):
    write_article("国产AI芯片量产", "<p>多家厂商发布新品。</p>")
    write_article("手机NPU芯片评测", "<p>性能对比。</p>")
    write_article("iPhone 15 发布会", "<p>苹果公司发布新机。</p>")
    write_article("iPhone 14 回顾", "<p>去年的机型。</p>")
    assert titles(query) == expected


def test_english_words_fold_case(write_article):
    write_article("OpenAI 发布新模型", "<p>ChatGPT 用户增长。</p>")
    assert titles("openai") == ["OpenAI 发布新模型"]
    assert titles("CHATGPT") == ["OpenAI 发布新模型"]


def test_numbers_are_words(write_article):
    write_article("融资 2000 万元", "<p>本轮融资。</p>")
    write_article("融资 3000 万元", "<p>本轮融资。</p>")
    assert titles("2000") == ["融资 2000 万元"]


def test_one_character_query_finds_articles_below_word_hits(write_article):
    write_article("猫咪经济", "<p>宠物市场。</p>", days_ago=1)
    write_article("熊猫基地", "<p>大熊猫繁育。</p>", days_ago=2)
    write_article("无关", "<p>别的内容。</p>")
    found = titles("猫")
    assert set(found) == {"猫咪经济", "熊猫基地"}


def test_one_character_query_finds_the_body_by_its_words_only(write_article):
    # In the body a character is found where it is a word of its own (一只猫), not inside
    # another word (熊猫): nearly every article of a large archive holds a common character.
    write_article("宠物", "<p>家里养了一只猫。</p>", excerpt="家中宠物")
    write_article("动物园", "<p>大熊猫繁育基地开放。</p>", excerpt="基地开放")
    write_article("摘要", "<p>别的内容。</p>", excerpt="熊猫繁育")
    assert set(titles("猫")) == {"宠物", "摘要"}


def test_every_letter_the_segmenter_keeps_is_searchable(write_article):
    # U+19B0 (a New Tai Lue vowel) is a letter to Python, so the segmenter keeps it as a word;
    # SQLite's unicode61 tokenizer (Unicode 6.1's categories) dropped it as a separator.
    write_article("\u19b0 新闻", "<p>正文。</p>", excerpt="一个新字")
    write_article("无关", "<p>别的内容。</p>", excerpt="别的")
    assert titles("\u19b0") == ["\u19b0 新闻"]


def test_code_listings_are_not_searched(write_article):
    # A listing's words find nothing (readers search the prose); inline code in a sentence is
    # prose; and the words after a listing are not glued to its last one.
    write_article("部署指南", "<p>先用 <code>kubectl</code> 部署。</p><pre><code>helm install demo</code></pre>")
    write_article(
        "配置说明",
        '<pre class="language-yaml"><code>replicas: 3\nkubectl: 1</code></pre><p>Kubernetes副本数量按需调整。</p>',
    )
    assert titles("kubectl") == ["部署指南"]
    assert titles("helm") == []
    assert titles("replicas") == []
    assert titles("kubernetes") == ["配置说明"]


def test_traditional_query_finds_simplified_text(write_article):
    write_article("视频会议市场增长", "<p>远程办公普及。</p>")
    assert titles("視頻會議") == ["视频会议市场增长"]


def test_full_width_input_matches_half_width_text(write_article):
    write_article("AI芯片 2024 展望", "<p>行业报告。</p>")
    assert titles("ＡＩ芯片") == ["AI芯片 2024 展望"]
    assert titles("２０２４") == ["AI芯片 2024 展望"]


def test_odd_substring_is_found_below_word_hits(write_article):
    write_article("视频会议市场增长", "<p>远程办公。</p>", days_ago=1)
    assert titles("频会议市") == ["视频会议市场增长"]


def test_title_hit_ranks_above_excerpt_above_body_hit(write_article):
    write_article("正文提到", "<p>这里讲到了量子计算的进展。</p>", excerpt="一篇综述", days_ago=1)
    write_article("摘要提到", "<p>别的内容。</p>", excerpt="关于量子计算", days_ago=2)
    write_article("量子计算新突破", "<p>别的内容。</p>", excerpt="一篇报道", days_ago=3)
    assert titles("量子计算") == ["量子计算新突破", "摘要提到", "正文提到"]


def test_project_link_mention_ranks_above_plain_mention(write_article):
    write_article("普通提及", "<p>钉钉今天发布了新版本。</p>", days_ago=1)
    write_article("项目提及", f"<p>{anchor('1001', '钉钉')}今天发布了新版本。</p>", days_ago=5)
    assert titles("钉钉") == ["项目提及", "普通提及"]


def test_phrase_ranks_above_scattered_words(write_article):
    write_article("分散", "<p>市场很大。另外，我们看到新能源的机会。</p>", days_ago=1)
    write_article("相邻", "<p>新能源市场继续扩大。</p>", days_ago=5)
    assert titles("新能源 市场") == ["相邻", "分散"]


def test_recency_breaks_ties(write_article):
    write_article("旧闻：电池技术", days_ago=30)
    write_article("新闻：电池技术", days_ago=1)
    assert titles("电池技术") == ["新闻：电池技术", "旧闻：电池技术"]


def test_readers_see_published_articles_only_and_staff_see_drafts(write_article):
    write_article("已发布的机器人新闻")
    write_article("机器人草稿", status=Article.Status.DRAFT)
    assert titles("机器人") == ["已发布的机器人新闻"]
    assert set(titles("机器人", Article.objects.all())) == {"已发布的机器人新闻", "机器人草稿"}


def test_save_updates_the_index_in_the_same_transaction(write_article):
    from articles.services.articles import article_save

    article = write_article("旧标题", "<p>内容。</p>")
    article.title = "无人机配送"
    article_save(article=article)
    assert titles("无人机") == ["无人机配送"]
    assert titles("旧标题") == []


def test_deleting_an_article_removes_its_document(write_article):
    article = write_article("卫星互联网", "<p>内容。</p>")
    article.delete()
    assert not SearchDocument.objects.exists()
    assert titles("卫星互联网") == []


def test_update_of_a_missing_article_drops_its_document(write_article):
    article = write_article("卫星互联网", "<p>内容。</p>")
    pk = article.pk
    Article.objects.filter(pk=pk).delete()
    documents_update([pk])
    assert titles("卫星互联网") == []


def test_renamed_project_becomes_a_word_for_later_saves(write_article):
    project = Project.objects.create(external_id="77", name="云雀飞行")
    assert query_parse("云雀飞行").tokens == ("云雀飞行",)
    project.delete()


@pytest.mark.parametrize(
    "query",
    [
        "& | ! ( ) : * ' \"",
        "'a' & !b",
        "foo:* | (bar <-> baz)",
        "\"unterminated",
        "NEAR(a b)",
        "a AND OR NOT",
        "'; DROP TABLE articles_article; --",
        "%_\\",
        "\x00\x01\x1f控制",
        "\ud800孤立代理",
        "   ",
        "",
        "，。！？",
    ],
)
def test_hostile_queries_are_text(write_article, query):
    write_article("控制台 DROP 技巧", "<p>内容。</p>")
    results = search(query=query_parse(query), queryset=Article.objects.published())
    assert len(results) == len(results[:50])


def test_over_long_query_is_refused():
    with pytest.raises(QueryTooLong):
        query_parse("长" * 201)
    assert query_parse("长" * 200).text
