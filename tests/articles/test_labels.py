"""Tags and categories as Hexo has them: each article keeps its own spelling, pages group them."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles.models import Article, Tag
from articles.selectors import article_tags
from articles.services.articles import article_save
from articles.services.importing import posts_import

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def post(title, tags, day):
    return f"---\ntitle: {title}\ndate: 2022-05-0{day} 10:00:00\ntags: [{tags}]\ncategories: [{tags}]\n---\n正文\n"


@pytest.fixture
def imported(write_post):
    write_post("a.md", post("大数据一", "Hadoop, JWT", 1))
    write_post("b.md", post("大数据二", "hadoop, jwt", 2))
    list(posts_import(inputs=[write_post.root]))
    return {a.title: a for a in Article.objects.all()}


def test_each_imported_article_keeps_its_own_spelling_of_its_tags(imported):
    assert [t.name for t in article_tags(article=imported["大数据一"])] == ["Hadoop", "JWT"]
    assert [t.name for t in article_tags(article=imported["大数据二"])] == ["hadoop", "jwt"]
    assert Tag.objects.count() == 2  # one tag page for each pair of case variants


def test_the_article_page_feed_and_json_ld_show_the_articles_spelling(client, imported):
    second = imported["大数据二"]
    page = client.get(f"/p/{second.pk}/").content.decode()
    assert ">hadoop</a>" in page and ">Hadoop</a>" not in page
    ld = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    [news] = [item for item in (ld if isinstance(ld, list) else [ld]) if item.get("@type") == "NewsArticle"]
    assert "hadoop" in news["keywords"] and "Hadoop" not in news["keywords"]
    feed = client.get("/feed/").content.decode()
    assert "<category>hadoop</category>" in feed and "<category>Hadoop</category>" in feed


def test_the_tag_page_groups_the_case_variants(client, imported):
    tag = Tag.objects.get(name__iexact="hadoop")
    page = client.get(tag.get_absolute_url()).content.decode()
    assert "大数据一" in page and "大数据二" in page


def test_the_admin_save_keeps_the_spelling_given_too(imported):
    article = article_save(
        article=Article(
            title="手写", status=Article.Status.PUBLISHED, published_at=datetime(2022, 6, 1, tzinfo=SHANGHAI)
        ),
        tags=["HADOOP", "新标签"],
    )
    assert [t.name for t in article_tags(article=article)] == ["HADOOP", "新标签"]
    article_save(article=article, tags=["Hadoop"])
    assert [t.name for t in article_tags(article=article)] == ["Hadoop"]
    assert Tag.objects.filter(name__iexact="hadoop").count() == 1
