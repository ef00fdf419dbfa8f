import pytest

from articles.models import Project, ProjectMention
from articles.services.articles import article_save
from articles.services.mentions import project_links_extract
from tests.factories import ArticleFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def anchor(data_id, name, text=None, refer_type="2"):
    return (
        f'<a class="project-link" data-id="{data_id}" data-name="{name}" '
        f'data-logo="https://img.example.com/{data_id}.png" data-refer-type="{refer_type}" '
        f'href="https://36kr.com/projectDetails/{data_id}" target="_blank">{text or name}</a>'
    )


def test_extract_reads_links_in_order_with_their_attributes():
    links, unidentified = project_links_extract(
        f"<p>{anchor('1', '钉钉')}与{anchor('2', '拍乐', '拍乐云')}</p><a href='/x'>普通链接</a>"
    )
    assert [(link.external_id, link.name, link.text) for link in links] == [
        ("1", "钉钉", "钉钉"),
        ("2", "拍乐", "拍乐云"),
    ]
    assert links[0].logo_url == "https://img.example.com/1.png"
    assert links[1].href == "https://36kr.com/projectDetails/2"
    assert unidentified == []


def test_extract_accepts_any_attribute_order_and_quoting():
    html = "<a href=https://x.example/p data-refer-type=1 data-id=77 class='project-link' data-name='某公司'>某</a>"
    (link,), _ = project_links_extract(html)
    assert (link.external_id, link.name, link.refer_type) == ("77", "某公司", "1")


def test_anchor_without_data_id_is_reported_not_mentioned():
    links, unidentified = project_links_extract('<a class="project-link" href="/x">无编号</a>')
    assert links == [] and unidentified == ["无编号"]


def test_saving_a_body_creates_projects_and_mentions():
    article = ArticleFactory.build(body=f"<p>{anchor('8301', '钉钉')}收购了{anchor('373021', '拍乐')}</p>")
    article_save(article=article)
    mentions = list(article.mentions.select_related("project"))
    assert [(m.project.external_id, m.position, m.anchor_text) for m in mentions] == [
        ("8301", 0, "钉钉"),
        ("373021", 1, "拍乐"),
    ]
    assert Project.objects.get(external_id="8301").logo_url == "https://img.example.com/8301.png"


def test_mentions_follow_the_body_on_every_save():
    article = ArticleFactory.build(body=f"<p>{anchor('1', '甲')}{anchor('2', '乙')}</p>")
    article_save(article=article)
    article.body = f"<p>{anchor('2', '乙')}</p>"
    article_save(article=article)
    assert list(article.mentions.values_list("project__external_id", flat=True)) == ["2"]
    assert ProjectMention.objects.count() == 1


def test_project_name_follows_the_newest_article():
    ProjectFactory(external_id="9", name="旧名")
    newer = ArticleFactory.build(body=f"<p>{anchor('9', '新名')}</p>")
    article_save(article=newer)
    older = ArticleFactory.build(
        body=f"<p>{anchor('9', '更旧的名字')}</p>",
        published_at=newer.published_at.replace(year=2019),
    )
    article_save(article=older)
    assert Project.objects.get(external_id="9").name == "新名"
