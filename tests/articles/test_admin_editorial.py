"""The editorial admin without a browser: conflicts, uploads, roles, lists, preview, autosave,
revisions. (The browser tests drive the same through CKEditor 5.)"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAutosave
from articles.revisions import article_versions
from articles.services.articles import article_save
from tests.factories import ArticleFactory, CreditFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(article: Article | None = None, **overrides) -> dict:
    data = {
        "title": article.title if article else "后台写的文章",
        "body": article.body if article else "<p>正文</p>",
        "excerpt": article.excerpt if article else "",
        "kind": "article",
        "status": article.status if article else Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "head_image_alt": "",
        "head_image_focal_x": "",
        "head_image_focal_y": "",
        "categories": "",
        "tags": "",
        "comments_enabled": "on",
        "source": "",
        "loaded_version": article.version if article else "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "mentions-TOTAL_FORMS": "0",
        "mentions-INITIAL_FORMS": "0",
    }
    if article is not None and article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"], data["published_at_1"] = (
            local.strftime("%Y-%m-%d"),
            local.strftime("%H:%M:%S"),
        )
    data.update(overrides)
    return data


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def saved(**fields) -> Article:
    return article_save(article=ArticleFactory.build(**fields))


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def text_of(response) -> str:
    """The page as a reader sees it: tags (such as diff highlights) removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def media_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


# --- edit conflicts ---------------------------------------------------------------------------


def test_saving_against_an_older_version_is_a_conflict_that_overwrites_nothing(admin_client):
    article = saved(title="原标题", body="<p>第一版。</p>")
    stale = form_data(article)
    first = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/", form_data(article, body="<p>甲的版本。</p>")
    )
    assert first.status_code == 302
    second = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {**stale, "title": "乙的标题", "body": "<p>乙的版本。</p>"},
    )
    assert second.status_code == 200
    page = text_of(second)
    assert "保存冲突" in page and "甲的版本。" in page and "乙的版本。" in page
    article.refresh_from_db()
    assert (article.title, article.body) == ("原标题", "<p>甲的版本。</p>")
    kept = ArticleAutosave.objects.get(article=article)  # the refused text is offered on reopening
    assert (kept.title, kept.body) == ("乙的标题", "<p>乙的版本。</p>")
    assert (
        "masthead-autosave-banner"
        in admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    )


def test_the_service_refuses_a_stale_version_too():
    from articles.services.articles import ArticleVersionConflict

    article = saved()
    with pytest.raises(ArticleVersionConflict):
        article_save(article=article, expected_version=article.version - 1)


def test_an_unchanged_save_keeps_what_a_browser_cannot_send_back(admin_client):
    when = timezone.now().replace(microsecond=123456) - timedelta(days=3)
    article = saved(title="标题\n第二行", excerpt="摘要\n两行", published_at=when)
    data = form_data(
        article, title="标题第二行", excerpt="摘要\r\n两行"
    )  # what the browser sends for what it was shown
    assert admin_client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.excerpt, article.published_at) == ("标题\n第二行", "摘要\n两行", when)


# --- head image uploads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"plain text is not an image", "不是可识别的图片"),
        ("page.jpg", b"<html><body><script>alert(1)</script></body></html>", "不是可识别的图片"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "不是可识别的图片",
        ),
        ("bomb.png", None, "像素"),
    ],
    ids=["non-image", "html-renamed-jpg", "svg", "20000x20000-png"],
)
def test_a_rejected_head_image_upload_says_why_and_stores_nothing(admin_client, name, data, message):
    if data is None:
        buffer = io.BytesIO()
        Image.new("1", (20000, 20000), 0).save(buffer, "PNG")
        data = buffer.getvalue()
    response = admin_client.post(
        "/admin/articles/article/add/",
        {**form_data(), "head_image": SimpleUploadedFile(name, data, content_type="image/jpeg")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()
    assert media_files() == []


def test_an_accepted_head_image_is_stored_normalised_under_a_random_name(admin_client):
    response = admin_client.post(
        "/admin/articles/article/add/",
        {**form_data(), "head_image": SimpleUploadedFile("报道 现场.png", png((900, 600)), "image/png")},
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.head_image.name.startswith("heads/") and "现场" not in article.head_image.name
    assert article.renditions.count() == 6


# --- roles in the admin ------------------------------------------------------------------------


def test_writer_sees_only_draft_and_review_and_a_crafted_publish_is_refused(writer_user):
    client = client_for(writer_user)
    page = client.get("/admin/articles/article/add/").content.decode()
    assert 'value="published"' not in page and 'value="review"' in page
    response = client.post("/admin/articles/article/add/", form_data(status=Article.Status.PUBLISHED))
    assert response.status_code == 200 and not Article.objects.exists()
    article = article_save(article=ArticleFactory.build(status="draft", published_at=None), by=writer_user)
    crafted = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        form_data(
            article, status=Article.Status.PUBLISHED, published_at_0="2024-01-01", published_at_1="08:00:00"
        ),
    )
    assert crafted.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.published_at is None


def test_writer_bulk_publish_is_not_offered_and_posting_it_publishes_nothing(writer_user):
    article = article_save(article=ArticleFactory.build(status="draft", published_at=None), by=writer_user)
    client = client_for(writer_user)
    assert "publish_selected" not in client.get("/admin/articles/article/").content.decode()
    client.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_writer_works_on_own_stories_only(writer_user, editor_user):
    own = article_save(
        article=ArticleFactory.build(title="我的稿子", status="draft", published_at=None), by=writer_user
    )
    theirs = article_save(article=ArticleFactory.build(title="别人的稿子", status="draft"), by=editor_user)
    client = client_for(writer_user)
    listing = client.get("/admin/articles/article/").content.decode()
    assert "我的稿子" in listing and "别人的稿子" not in listing
    assert client.get(f"/admin/articles/article/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/articles/article/{theirs.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(f"/admin/articles/article/{theirs.pk}/preview/").status_code == 404


def test_editor_bulk_publishes(editor_user):
    drafts = [saved(status="draft", published_at=None) for _ in range(2)]
    client_for(editor_user).post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]}
    )
    assert Article.objects.published().count() == 2


# --- the article list --------------------------------------------------------------------------


def test_the_list_shows_status_schedule_thumbnail_and_credits_and_filters_scheduled(admin_client):
    scheduled = saved(title="明早发布", published_at=timezone.now() + timedelta(hours=10))
    CreditFactory(article=scheduled, author__name="苏建勋")
    saved(title="已经上线", thumbnail_url="https://img.example.com/t.jpg")
    page = admin_client.get("/admin/articles/article/").content.decode()
    assert "status-published" in page and "定时" in page and "苏建勋" in page
    assert 'src="https://img.example.com/t.jpg"' in page
    filtered = admin_client.get("/admin/articles/article/?schedule=scheduled").content.decode()
    assert "明早发布" in filtered and "已经上线" not in filtered


# --- preview -----------------------------------------------------------------------------------


def test_staff_preview_renders_a_draft_with_the_real_article_template(admin_client, client):
    draft = saved(title="还在写的稿子", status="draft", published_at=None)
    response = admin_client.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert "还在写的稿子" in response.content.decode() and "预览" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]
    assert client.get(f"/admin/articles/article/{draft.pk}/preview/").status_code == 302  # to the login
    assert client.get(f"/p/{draft.pk}/").status_code == 404


# --- editor endpoints --------------------------------------------------------------------------


def test_project_search_finds_projects_by_name_or_id(admin_client):
    ProjectFactory(external_id="436726", name="芯声智能")
    ProjectFactory(external_id="8301", name="钉钉")
    by_name = admin_client.get("/admin/articles/article/editor/projects/?q=芯声").json()["results"]
    by_id = admin_client.get("/admin/articles/article/editor/projects/?q=8301").json()["results"]
    assert [p["id"] for p in by_name] == ["436726"] and [p["name"] for p in by_id] == ["钉钉"]


def test_autosave_keeps_cleaned_text_per_user_and_saving_the_article_removes_it(admin_client, admin_user):
    article = saved(title="原来的标题")
    url = f"/admin/articles/article/{article.pk}/autosave/"
    payload = {
        "title": "写到一半",
        "body": "<p>未保存<script>x()</script></p>",
        "excerpt": "",
        "base_version": 1,
    }
    assert admin_client.post(url, json.dumps(payload), content_type="application/json").status_code == 200
    stored = ArticleAutosave.objects.get()
    assert (stored.user, stored.article, stored.body) == (admin_user, article, "<p>未保存</p>")
    assert admin_client.get(url).json()["autosave"]["title"] == "写到一半"
    assert (
        "masthead-autosave-banner"
        in admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    )
    admin_client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article))
    assert not ArticleAutosave.objects.exists()


def test_autosave_of_someone_elses_article_is_refused(writer_user, editor_user):
    theirs = article_save(article=ArticleFactory.build(status="draft"), by=editor_user)
    response = client_for(writer_user).post(
        f"/admin/articles/article/{theirs.pk}/autosave/", "{}", content_type="application/json"
    )
    assert response.status_code == 404 and not ArticleAutosave.objects.exists()


def test_inline_image_upload_is_staff_only_csrf_protected_checked_and_randomly_named(admin_user):
    url = "/admin/articles/article/editor/upload/"
    anonymous = Client().post(url, {"upload": SimpleUploadedFile("a.png", png(), "image/png")})
    assert anonymous.status_code == 302 and media_files() == []
    not_staff = client_for(UserFactory(is_staff=False)).post(
        url, {"upload": SimpleUploadedFile("a.png", png())}
    )
    assert not_staff.status_code == 302 and media_files() == []

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url, {"upload": SimpleUploadedFile("a.png", png())}).status_code == 403
    assert media_files() == []

    client = client_for(admin_user)
    refused = client.post(url, {"upload": SimpleUploadedFile("x.png", b"<html></html>", "image/png")})
    assert refused.status_code == 400 and "不是可识别的图片" in refused.json()["error"]["message"]
    assert media_files() == []
    accepted = client.post(url, {"upload": SimpleUploadedFile("我的图.png", png(), "image/png")})
    assert accepted.status_code == 200
    stored = media_files()
    assert len(stored) == 1 and accepted.json()["url"].endswith(stored[0].name) and len(stored[0].stem) == 32


def test_inline_image_upload_over_the_size_limit_is_refused(admin_client, settings):
    settings.ARTICLES_IMAGE_MAX_BYTES = 100
    response = admin_client.post(
        "/admin/articles/article/editor/upload/", {"upload": SimpleUploadedFile("a.png", png((300, 300)))}
    )
    assert response.status_code in (400, 413) and "太大" in response.json()["error"]["message"]
    assert media_files() == []


def test_the_old_ckeditor_upload_url_is_gone(admin_client):
    assert admin_client.post("/ckeditor5/image_upload/").status_code == 404


# --- revisions ---------------------------------------------------------------------------------


def test_every_admin_save_keeps_a_revision_with_who_and_what(admin_client, admin_user):
    admin_client.post("/admin/articles/article/add/", form_data(title="第一版"))
    article = Article.objects.get()
    admin_client.post(f"/admin/articles/article/{article.pk}/change/", form_data(article, title="第二版"))
    versions = list(article_versions(article))
    assert [v.field_dict["title"] for v in versions] == ["第二版", "第一版"]
    assert all(v.revision.user == admin_user for v in versions)
    history = admin_client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert "查看差异" in history and "admin" in history


def test_the_revision_page_shows_the_diff_and_restores_the_content_as_a_new_version(admin_client):
    article = saved(title="旧标题", body="<p>旧的正文。</p>")
    old = article_versions(article).first()
    article.title, article.body = "新标题", "<p>新的正文。</p>"
    article_publish_time = article.published_at
    article_save(article=article)
    response = admin_client.get(f"/admin/articles/article/{article.pk}/history/{old.pk}/diff/")
    assert "旧的正文。" in text_of(response) and "新的正文。" in text_of(response)
    assert 'value="恢复这个版本"' in response.content.decode()

    response = admin_client.post(f"/admin/articles/article/{article.pk}/history/{old.pk}/diff/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("旧标题", "<p>旧的正文。</p>")
    assert article.version == 3 and article.published_at == article_publish_time
    assert article_versions(article).first().revision.get_comment().startswith("恢复到")


def test_reversions_own_revert_page_leads_to_the_diff_page(admin_client):
    article = saved()
    version = article_versions(article).first()
    response = admin_client.get(f"/admin/articles/article/{article.pk}/history/{version.pk}/")
    assert response.status_code == 302 and response["Location"].endswith(f"/history/{version.pk}/diff/")


def test_only_the_article_editor_pages_allow_inline_style_attributes(admin_client, client):
    article = saved()
    editor = admin_client.get(f"/admin/articles/article/{article.pk}/change/")["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in editor and "script-src 'self'" in editor
    assert "unsafe-inline" not in editor.replace("style-src-attr 'unsafe-inline'", "")
    for url in ("/", f"/p/{article.pk}/", "/admin/articles/article/"):
        policy = (client if not url.startswith("/admin") else admin_client).get(url)[
            "Content-Security-Policy"
        ]
        assert "unsafe-inline" not in policy and "style-src 'self'" in policy
