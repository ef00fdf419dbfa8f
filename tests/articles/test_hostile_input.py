"""Hostile input gets a 400, a 404 or a form error, never a 500: NUL in paths and queries,
out-of-range archive months and publication dates, project ids that cannot be URL segments,
bodies nested thousands deep, autosaves and version numbers that are not what they claim."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, Project
from articles.publication_dates import validate_publication_date
from articles.services.articles import article_save
from articles.services.dates import parse_date
from articles.services.mentions import project_links_extract
from articles.services.project_ids import validate_logo_url, validate_project_id
from tests.articles.test_admin_editorial import form_data
from tests.factories import ArticleFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DEEP_BODY = "<div>" * 3000 + "深" + "</div>" * 3000


@pytest.mark.parametrize(
    "url",
    [
        "/%00",
        "/tags/%00/",
        "/categories/a%00b/feed/",
        "/p/1/?page=%00",
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/article/?q=%00",
        "/admin/articles/article/editor/projects/?q=%00",
    ],
)
def test_nul_and_control_characters_in_a_path_or_query_are_a_400(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/articles?category=%01", "/api/v1/authors/%00", "/api/v1/articles?cursor=%00"])
def test_the_api_answers_nul_with_its_own_422_naming_the_parameter(client, db, settings, url):
    settings.ARTICLES_API_ANONYMOUS = True
    response = client.get(url)
    assert response.status_code in (401, 404, 422), url
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/archive/9999/12/", "/archive/0000/01/", "/archive/0001/01/", "/archive/2024/13/"])
def test_out_of_range_archive_months_are_404(client, db, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01 00:00:00", "9999-12-31", "1899-12-31T23:00:00Z"])
def test_the_importers_date_parser_refuses_dates_outside_the_range(value):
    assert parse_date(value) is None


def test_the_range_is_one_validator_the_model_and_article_save_use():
    with pytest.raises(ValidationError):
        validate_publication_date(datetime(1, 1, 1, tzinfo=timezone.get_current_timezone()))
    validate_publication_date(datetime(1950, 12, 31, tzinfo=timezone.get_current_timezone()))
    article = ArticleFactory.build(published_at=datetime(1, 1, 1, tzinfo=timezone.get_current_timezone()))
    with pytest.raises(ValidationError):
        article_save(article=article)
    assert not Article.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_admin_form_refuses_a_publication_date_outside_the_range(admin_client, day):
    data = form_data(status=Article.Status.PUBLISHED, published_at_0=day, published_at_1="10:00:00")
    response = admin_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "发布时间须在 1900-01-01 到 2100-12-31 之间" in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_api_refuses_a_publication_date_outside_the_range(client, editor_user):
    from articles.services.api_access import staff_token_create

    token = staff_token_create(user=editor_user, name="tool")[1]
    article = article_save(article=ArticleFactory.build(status="draft", published_at=None), by=editor_user)
    response = client.post(
        f"/api/v1/admin/articles/{article.pk}/publish",
        json.dumps({"published_at": "0001-01-01T00:00:00+08:00"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (400, 422)
    article.refresh_from_db()
    assert article.status == "draft"


def test_a_body_nested_thousands_deep_is_a_form_error_in_the_admin(admin_client):
    response = admin_client.post("/admin/articles/article/add/", form_data(body=DEEP_BODY))
    assert response.status_code == 200
    assert "正文嵌套过深" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"body": DEEP_BODY}, "正文嵌套过深"),
        ({"title": "a\x00b"}, "NUL"),
        ({"body": ["not", "a", "string"]}, "必须是文本"),
        ({"body": {"a": 1}}, "必须是文本"),
        ({"base_version": 10**30}, "base_version"),
        ({"base_version": -1}, "base_version"),
        ({"base_version": "3"}, "base_version"),
        (["a list"], "数据格式不对"),
    ],
)
def test_autosave_refuses_what_it_cannot_keep_with_a_400_saying_why(admin_client, payload, message):
    article = article_save(article=ArticleFactory.build(status="draft"))
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/autosave/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize("loaded_version", ["1" + "0" * 30, "-5", "abc"])
def test_a_huge_or_negative_loaded_version_is_a_form_error(admin_client, loaded_version):
    article = article_save(article=ArticleFactory.build(title="原来的标题", status="draft"))
    data = form_data(article, title="新标题", loaded_version=loaded_version)
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "原来的标题"


BAD_IDS = ["a/b", "../x", "a b", "名字", "x" * 65, "a?b", "a#b", "a\\b", "."]


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_a_project_link_whose_data_id_is_not_a_url_segment_is_not_a_mention(client, bad_id):
    body = f'<p><a class="project-link" data-id="{bad_id}" href="https://e.com/p">坏编号</a></p>'
    links, unidentified = project_links_extract(body)
    assert links == [] and unidentified == ["坏编号"]
    article = article_save(article=ArticleFactory.build(body=body))
    assert not Project.objects.exists() and not article.mentions.exists()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/sitemap-projects.xml").status_code == 200
    article_save(article=article)  # a later save naming it still works
    with pytest.raises(ValidationError):
        validate_project_id(bad_id)


def test_project_logos_and_links_are_http_or_site_relative_where_projects_are_stored(client):
    body = (
        '<p><a class="project-link" data-id="900777" data-name="坏项目" data-logo="javascript:alert(1)"'
        ' href="https://e.com/p">坏项目</a></p>'
    )
    article_save(article=ArticleFactory.build(body=body))
    project = Project.objects.get(external_id="900777")
    assert project.logo_url == ""
    from articles.services.mentions import ProjectLink, projects_upsert

    link = ProjectLink(
        external_id="900778", name="n", logo_url="data:image/svg+xml,x", refer_type="", href="vbscript:x", text="n"
    )
    stored = projects_upsert(links=[link], seen_at=timezone.now())["900778"]
    assert stored.logo_url == "" and stored.url == ""
    for bad in ("javascript:alert(1)", "data:image/png;base64,AA", "vbscript:x", " java\tscript:x"):
        with pytest.raises(ValidationError):
            validate_logo_url(bad)
    validate_logo_url("https://img.example.com/a.png")
    validate_logo_url("/media/logos/a.png")
    good = ProjectFactory(external_id="900779", logo_url="https://img.example.com/a.png")
    good.full_clean()


def test_rows_stored_before_the_bounds_are_brought_within_them_and_pages_work(client):
    import importlib

    from django.apps import apps

    from articles.models import ProjectMention

    migration = importlib.import_module("articles.migrations.0009_security_bounds")
    ancient = article_save(article=ArticleFactory.build(title="很久以前"))
    far = article_save(article=ArticleFactory.build(title="很久以后"))
    Article.objects.filter(pk=ancient.pk).update(published_at=datetime(1, 1, 2, tzinfo=timezone.UTC))
    Article.objects.filter(pk=far.pk).update(published_at=datetime(9999, 12, 30, tzinfo=timezone.UTC))
    bad = Project.objects.bulk_create([Project(external_id="a/b", name="斜杠", logo_url="javascript:alert(1)")])[0]
    ProjectMention.objects.create(article=ancient, project=bad, position=0)
    unsafe_logo = ProjectFactory(external_id="900800", logo_url="javascript:alert(1)", url="vbscript:x")

    migration.bring_within_bounds(apps, None)

    ancient.refresh_from_db()
    far.refresh_from_db()
    assert timezone.localtime(ancient.published_at).date().isoformat() == "1900-01-01"
    assert timezone.localtime(far.published_at).date().isoformat() == "2100-12-31"
    assert not Project.objects.filter(external_id="a/b").exists()
    unsafe_logo.refresh_from_db()
    assert (unsafe_logo.logo_url, unsafe_logo.url) == ("", "")
    for url in ["/", "/feed/", "/sitemap-articles.xml", "/archive/", ancient.get_absolute_url()]:
        assert client.get(url).status_code == 200, url
