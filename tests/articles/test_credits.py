import pytest

from articles.models import Author, Credit
from articles.services.articles import article_save
from articles.services.credits import Byline, bylines_extract
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_bylines_leave_the_body_and_become_credits():
    html, bylines = bylines_extract("<p>文 | 苏建勋</p> <p>编辑｜杨轩</p><p>正文</p>")
    assert html == "<p>正文</p>"
    assert bylines == [Byline(role="writer", name="苏建勋"), Byline(role="editor", name="杨轩")]


def test_several_names_in_one_byline():
    _, bylines = bylines_extract("<p>文 | 林晓、周默</p>")
    assert [b.name for b in bylines] == ["林晓", "周默"]


def test_a_sentence_with_a_bar_is_not_a_byline():
    html = "<p>36氪独家 | 钉钉组织变阵：新成立音视频事业部，声学大牛冯津伟加入，这是一段很长的正文内容而不是署名，因为它远远超过了名字的长度限制，还在继续写下去。</p>"
    assert bylines_extract(html) == (html, [])


def test_saving_an_article_credits_its_bylines_in_order():
    article = ArticleFactory.build(body="<p>文 | 苏建勋</p><p>编辑 | 杨轩</p><p>正文。</p>")
    article_save(article=article)
    credits = list(article.credits.select_related("author"))
    assert [(c.role, c.author.name, c.order) for c in credits] == [
        (Credit.Role.WRITER, "苏建勋", 0),
        (Credit.Role.EDITOR, "杨轩", 1),
    ]
    assert article.body == "<p>正文。</p>"
    assert Author.objects.get(name="苏建勋").slug == "苏建勋"


def test_same_author_is_reused_across_articles():
    for _ in range(2):
        article_save(article=ArticleFactory.build(body="<p>文 | 苏建勋</p><p>正文</p>"))
    assert Author.objects.filter(name="苏建勋").count() == 1
    assert Credit.objects.count() == 2


def test_swiftgg_header_lines_become_credits_and_the_other_fields_stay():
    from articles.services.credits import bylines_extract

    html = (
        "<p>原文链接=https://nshipster.com/xcconfig/ 作者=Thomas Hanning 原文日期=2019-05-13 "
        "译者=雨谨 校对=numbbbbb,WAMaker 定稿=Pancf</p><p>正文 a=b</p>"
    )
    body, bylines = bylines_extract(html)
    assert [(b.role, b.name) for b in bylines] == [("writer", "Thomas Hanning"), ("translator", "雨谨")]
    assert body == (
        "<p>原文链接=https://nshipster.com/xcconfig/ 原文日期=2019-05-13 校对=numbbbbb,WAMaker 定稿=Pancf</p>"
        "<p>正文 a=b</p>"
    )
    assert bylines_extract("<p>x=1 是 y=2</p>") == ("<p>x=1 是 y=2</p>", [])


def test_an_imported_swiftgg_post_credits_its_author_and_translator(write_post):
    from articles.models import Article
    from articles.services.importing import posts_import

    write_post(
        "gg.md",
        "title: Xcode Build 配置文件\ndate: 2019-10-25\n---\n原文链接=https://nshipster.com/xcconfig/\n"
        "作者=Mattt\n原文日期=2019-05-13\n译者=雨谨、郑一一\n校对=numbbbbb,WAMaker\n定稿=Pancf\n\n正文。\n",
    )
    list(posts_import(inputs=[write_post.root]))
    article = Article.objects.get()
    credits = [(c.role, c.author.name) for c in article.credits.select_related("author").order_by("order")]
    assert credits == [("writer", "Mattt"), ("translator", "雨谨"), ("translator", "郑一一")]
    assert "作者=" not in article.body and "校对=numbbbbb,WAMaker" in article.body


def test_new_authors_are_made_in_one_insert_with_unique_slugs(django_assert_max_num_queries):
    from django.core.cache import cache

    from articles.search.dictionary import VERSION_KEY
    from articles.services.credits import authors_get_or_create

    Author.objects.create(name="Ann", slug="ann")
    Author.objects.create(name="Ann Lee", slug="ann-2")
    cache.set(VERSION_KEY, "before", timeout=None)
    # Two reads (names, slugs), one insert, and one look-up per numbered slug tried (four).
    with django_assert_max_num_queries(7):
        authors = authors_get_or_create(names=["Ann", "ANN", "ann!", "苏建勋", "Ann"])
    assert authors["Ann"].slug == "ann"
    assert {name: authors[name].slug for name in ("ANN", "ann!", "苏建勋")} == {
        "ANN": "ann-3",  # "ann" and "ann-2" are taken
        "ann!": "ann-4",  # and now "ann-3"
        "苏建勋": "苏建勋",
    }
    assert all(author.pk for author in authors.values())
    assert Author.objects.count() == 5
    assert cache.get(VERSION_KEY) != "before"  # their post_save: the search dictionary follows names
