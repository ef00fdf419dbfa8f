"""The admin API: staff tokens, and writes through the same services and rules as the admin."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.api.models import StaffToken
from articles.models import Article
from articles.services.api_access import credentials_revoke, staff_token_create
from tests.articles.api.conftest import png_upload
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "星河机器人发布新一代仓储机器人",
    "body": (
        '<p>文 | 苏建勋</p><p onclick="steal()">星河机器人今天发布新品，'
        '<a class="project-link" data-id="5566" data-name="星河机器人" href="https://36kr.com/projectDetails/5566">星河机器人</a>'
        "表示产能翻倍。</p><script>alert(1)</script>"
    ),
    "categories": ["资讯", "机器人"],
    "tags": ["仓储"],
}


def call(client, method: str, path: str, token: str | None, data=None, headers: dict | None = None):
    headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    kwargs = {"content_type": "application/json"} if data is not None else {}
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(f"/api/v1/admin{path}", body, headers=headers, **kwargs)


def create(client, token, **overrides):
    response = call(client, "post", "/articles", token, {**DRAFT, **overrides})
    assert response.status_code == 201, response.content
    return response.json()


def test_requests_without_a_valid_token_are_refused(client, writer_user, writer_token):
    assert call(client, "get", "/articles", None).status_code == 401
    assert "Bearer" in call(client, "get", "/articles", None).json()["detail"]
    assert call(client, "get", "/articles", "mhs_wrong").status_code == 401
    assert (
        client.get("/api/v1/admin/articles", headers={"Authorization": f"Token {writer_token}"}).status_code
        == 401
    )
    credentials_revoke(credentials=StaffToken.objects.filter(user=writer_user))
    assert call(client, "get", "/articles", writer_token).status_code == 401


def test_tokens_are_hashed_at_rest_and_die_with_their_user(client, writer_user):
    token, secret = staff_token_create(user=writer_user, name="手机")
    assert (
        secret.startswith("mhs_")
        and secret not in StaffToken.objects.filter(pk=token.pk).values_list("digest", "prefix")[0]
    )
    assert call(client, "get", "/articles", secret).status_code == 200
    writer_user.is_active = False
    writer_user.save()
    assert call(client, "get", "/articles", secret).status_code == 401


def test_an_expired_token_is_refused(client, writer_user):
    _token, secret = staff_token_create(
        user=writer_user, name="临时", expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert call(client, "get", "/articles", secret).status_code == 401


def test_a_writer_creates_a_draft_through_the_one_write_path(client, writer_user, writer_token):
    data = create(client, writer_token)
    article = Article.objects.get(pk=data["id"])
    assert article.status == "draft" and article.created_by == writer_user
    assert "<script" not in article.body and "onclick" not in article.body  # cleaned
    assert "文 | 苏建勋" not in article.body  # the byline became a credit
    assert [(c.role, c.author.name) for c in article.credits.all()] == [("writer", "苏建勋")]
    assert [m.project.external_id for m in article.mentions.all()] == ["5566"]
    assert [c["name"] for c in data["categories"]] == ["资讯", "机器人"]  # in the order given
    assert Version.objects.get_for_object(article).count() == 1  # a revision, by the writer
    assert Version.objects.get_for_object(article).first().revision.user == writer_user
    assert data["version"] == 1 and data["status"] == "draft" and data["created_by"] == "writer"
    assert data["body"] == article.body


def test_edits_need_the_version_they_were_based_on(client, writer_token):
    data = create(client, writer_token)
    path = f"/articles/{data['id']}"
    response = call(client, "patch", path, writer_token, {"title": "改标题"})
    assert response.status_code == 428
    response = call(client, "patch", path, writer_token, {"title": "改标题"}, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response["ETag"] == '"2"'
    # Someone else's save in between: a stale version is a conflict, and nothing is written.
    stale = call(client, "patch", path, writer_token, {"title": "又改", "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert Article.objects.get(pk=data["id"]).title == "改标题"
    assert (
        call(client, "patch", path, writer_token, {"title": None, "expected_version": 2}).status_code == 422
    )
    assert (
        call(client, "patch", path, writer_token, {"title": "x"}, headers={"If-Match": "abc"}).status_code
        == 400
    )


def test_a_writers_token_cannot_publish_schedule_or_unpublish(client, writer_token, editor_token):
    data = create(client, writer_token)
    path = f"/articles/{data['id']}"
    response = call(client, "post", f"{path}/publish", writer_token, {})
    assert response.status_code == 403
    assert response.json()["detail"]
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert call(client, "post", f"{path}/publish", writer_token, {"published_at": later}).status_code == 403
    assert (
        call(client, "patch", path, writer_token, {"status": "published", "expected_version": 1}).status_code
        == 422
    )
    assert Article.objects.get(pk=data["id"]).status == "draft"
    assert call(client, "post", f"{path}/submit", writer_token).json()["status"] == "review"
    published = call(client, "post", f"{path}/publish", editor_token, {})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert call(client, "post", f"{path}/unpublish", writer_token).status_code == 403
    # Published, it is no longer the writer's to edit.
    assert (
        call(client, "patch", path, writer_token, {"title": "偷改", "expected_version": 3}).status_code == 403
    )


def test_an_editor_schedules_and_unpublishes(client, editor_token):
    data = create(client, editor_token)
    path = f"/articles/{data['id']}"
    later = timezone.now() + timedelta(days=1)
    response = call(client, "post", f"{path}/publish", editor_token, {"published_at": later.isoformat()})
    assert response.json()["scheduled"] is True
    assert not Article.objects.published().filter(pk=data["id"]).exists()
    response = call(client, "post", f"{path}/unpublish", editor_token, headers={"If-Match": '"2"'})
    assert response.json()["status"] == "unpublished"
    assert call(client, "post", f"{path}/publish", editor_token, {"expected_version": 1}).status_code == 409


def test_writers_see_only_their_own_articles(client, writer_token, editor_token):
    theirs = ArticleFactory(status=Article.Status.DRAFT)
    assert call(client, "get", f"/articles/{theirs.pk}", writer_token).status_code == 404
    assert call(client, "get", f"/articles/{theirs.pk}", editor_token).status_code == 200
    mine = create(client, writer_token)
    listed = call(client, "get", "/articles", writer_token).json()["items"]
    assert [item["id"] for item in listed] == [mine["id"]]
    assert call(client, "get", "/articles?status=review", writer_token).json()["items"] == []


def test_head_image_upload_goes_through_the_image_pipeline(client, writer_token):
    data = create(client, writer_token)
    path = f"/api/v1/admin/articles/{data['id']}/head-image"
    headers = {"Authorization": f"Bearer {writer_token}"}
    response = client.post(
        path,
        {"file": png_upload(), "alt": "新品", "focal_x": "0.3", "focal_y": "0.6", "expected_version": "1"},
        headers=headers,
    )
    assert response.status_code == 200, response.content
    image = response.json()["head_image"]
    assert image["alt"] == "新品" and image["focal_point"] == {"x": 0.3, "y": 0.6}
    assert len(image["renditions"]) == 6
    article = Article.objects.get(pk=data["id"])
    assert (
        article.head_image.name.startswith("heads/") and "head.png" not in article.head_image.name
    )  # random name
    bad = client.post(path, {"file": png_upload(), "expected_version": "1"}, headers=headers)
    assert bad.status_code == 409
    not_an_image = client.post(
        path,
        {
            "file": png_upload().__class__("x.png", b"not an image", content_type="image/png"),
            "expected_version": "2",
        },
        headers=headers,
    )
    assert not_an_image.status_code == 422
    assert "图片" in not_an_image.json()["detail"]


def test_bad_input_is_a_clear_error_not_a_500(client, writer_token):
    assert call(client, "post", "/articles", writer_token, {"title": ""}).status_code == 422
    assert call(client, "post", "/articles", writer_token, {"title": "a\x00b"}).status_code == 422
    assert call(client, "post", "/articles", writer_token, {"title": "x" * 501}).status_code == 422
    assert (
        call(client, "post", "/articles", writer_token, {"title": "ok", "status": "published"}).status_code
        == 422
    )
    response = client.post(
        "/api/v1/admin/articles",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {writer_token}"},
    )
    assert response.status_code in (400, 422)
    assert call(client, "get", f"/articles/{2**64}", writer_token).status_code == 422
