"""The admin pages for content keys, staff tokens and webhooks: secrets shown once, revoking,
delivery logs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.api.models import ContentKey, StaffToken
from articles.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


def shown_secret(response) -> str:
    match = re.search(r'id="created-secret"[^>]*value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_an_editor_makes_a_content_key_sees_it_once_and_revokes_it(client, editor_user, reader_site):
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:articles_contentkey_add"), {"name": "iOS App", "rate_limit": "120", "notes": "移动组"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = shown_secret(response)
    key = ContentKey.objects.get(name="iOS App")
    assert key.created_by == editor_user and key.rate_limit == 120 and secret not in key.digest
    assert client.get("/api/v1/articles", {"key": secret}).status_code == 200
    assert (
        secret not in client.get(reverse("admin:articles_contentkey_change", args=[key.pk])).content.decode()
    )
    assert secret not in client.get(reverse("admin:articles_contentkey_changelist")).content.decode()
    client.post(
        reverse("admin:articles_contentkey_changelist"),
        {"action": "revoke_selected", "_selected_action": [key.pk]},
    )
    assert ContentKey.objects.get(pk=key.pk).revoked_at is not None
    assert client.get("/api/v1/articles", {"key": secret}).status_code == 401


def test_a_writer_makes_a_token_for_themselves_only(client, writer_user, editor_user):
    client.force_login(writer_user)
    add = reverse("admin:articles_stafftoken_add")
    assert 'name="user"' not in client.get(add).content.decode()
    secret = shown_secret(client.post(add, {"name": "我的脚本", "user": editor_user.pk}))
    token = StaffToken.objects.get(name="我的脚本")
    assert token.user == writer_user  # not the editor named in a crafted form
    response = client.get("/api/v1/admin/articles", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    other = StaffToken.objects.create(user=editor_user, name="编辑的", prefix="x", digest="0" * 64)
    assert client.get(reverse("admin:articles_stafftoken_change", args=[other.pk])).status_code == 302
    assert "编辑的" not in client.get(reverse("admin:articles_stafftoken_changelist")).content.decode()


def test_a_writer_cannot_manage_keys_or_webhooks(client, writer_user):
    client.force_login(writer_user)
    assert client.get(reverse("admin:articles_contentkey_changelist")).status_code == 403
    assert client.get(reverse("admin:articles_webhookendpoint_add")).status_code == 403


def test_an_editor_registers_a_webhook_endpoint_and_sees_its_secret_once(client, editor_user, settings):
    client.force_login(editor_user)
    add = reverse("admin:articles_webhookendpoint_add")
    data = {
        "name": "合作方",
        "url": "https://hooks.example.com/masthead",
        "events": ["article.published", "article.scheduled_went_live"],
        "is_active": "on",
    }
    settings.ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    refused = client.post(add, {**data, "url": "http://127.0.0.1:8080/hook"})
    assert refused.status_code == 200 and "不能接收 Webhook" in refused.content.decode()
    settings.ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # no DNS for example.com here
    secret = shown_secret(client.post(add, data))
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and secret.startswith("whsec_")
    assert endpoint.events == ["article.published", "article.scheduled_went_live"]
    assert (
        secret
        not in client.get(
            reverse("admin:articles_webhookendpoint_change", args=[endpoint.pk])
        ).content.decode()
    )


def test_the_delivery_log_shows_attempts_and_can_resend(client, editor_user):
    from django.utils import timezone

    endpoint = WebhookEndpoint.objects.create(
        name="合作方", url="https://hooks.example.com/", events=[], secret="s"
    )
    event = WebhookEvent.objects.create(
        kind="article.published",
        key="k",
        article_id=1,
        due_at=timezone.now(),
        status="dispatched",
        payload={},
    )
    delivery = WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, status="failed", attempts=8, last_status_code=500, last_response_ms=31
    )
    WebhookAttempt.objects.create(
        delivery=delivery, number=1, started_at=timezone.now(), status_code=500, response_ms=31
    )
    client.force_login(editor_user)
    listing = client.get(reverse("admin:articles_webhookdelivery_changelist")).content.decode()
    assert "文章发布" in listing and "500" in listing
    page = client.get(reverse("admin:articles_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "投递记录" in page and "31" in page
    client.post(
        reverse("admin:articles_webhookdelivery_changelist"),
        {"action": "resend_selected", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0
    assert client.get(reverse("admin:articles_webhookevent_change", args=[event.pk])).status_code == 200
