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
