import pytest

from articles.models import Article, Project, ProjectMention
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


def test_a_project_link_naming_a_known_project_gets_what_it_leaves_out_from_the_project():
    ProjectFactory(
        external_id="436726",
        name="芯声智能",
        logo_url="https://img.example.com/x.png",
        url="https://36kr.com/p/436726",
    )
    article = article_save(
        article=ArticleFactory.build(body='<p><a class="project-link" data-id="436726">芯声</a>完成融资</p>')
    )
    assert article.body == (
        '<p><a class="project-link" data-id="436726" data-name="芯声智能" data-logo="https://img.example.com/x.png" '
        'data-refer-type="2" href="https://36kr.com/p/436726">芯声</a>完成融资</p>'
    )
    mention = ProjectMention.objects.get(article=article)
    assert (mention.project.name, mention.anchor_text, mention.href) == (
        "芯声智能",
        "芯声",
        "https://36kr.com/p/436726",
    )


def test_attributes_a_project_link_has_are_never_rewritten_even_when_empty_or_different():
    ProjectFactory(external_id="900101", name="云栖科技", logo_url="https://img.example.com/new.png")
    body = (
        '<p><a class="project-link" data-id="900101" data-name="云栖" data-logo="" data-refer-type="2" '
        'href="https://example.com/projects/900101" target="_blank">云栖</a></p>'
    )
    assert article_save(article=ArticleFactory.build(body=body)).body == body


def test_a_project_link_to_an_unknown_project_is_left_alone_and_makes_the_project():
    body = '<p><a class="project-link" data-id="777" href="https://example.com/777">新公司</a></p>'
    assert article_save(article=ArticleFactory.build(body=body)).body == body
    assert Project.objects.get(external_id="777").name == "新公司"


def test_a_draft_does_not_rename_a_public_project():
    ProjectFactory(external_id="9", name="公开名称", logo_url="https://img.example.com/9.png")
    draft = ArticleFactory.build(
        status=Article.Status.DRAFT, published_at=None, body=f"<p>{anchor('9', '草稿里的名字')}</p>"
    )
    article_save(article=draft)
    project = Project.objects.get(external_id="9")
    assert (project.name, project.logo_url) == ("公开名称", "https://img.example.com/9.png")
    assert draft.mentions.get().project == project


def test_an_empty_logo_in_a_newer_link_keeps_the_known_logo():
    ProjectFactory(external_id="9", name="甲", logo_url="https://img.example.com/9.png")
    body = '<p><a class="project-link" data-id="9" data-name="甲公司" data-logo="" href="https://e.example/9">甲</a></p>'
    article_save(article=ArticleFactory.build(body=body))
    project = Project.objects.get(external_id="9")
    assert (project.name, project.logo_url) == ("甲公司", "https://img.example.com/9.png")
