"""The JSON body of each webhook event.

``{"id": <event id>, "event": "article.published", "created_at": <ISO 8601>, "data":
{"article": {...}}}``. For published, updated and went-live events the article is the content
API's full representation (``articles.api.representation``, every field); for unpublished and
deleted ones only its id and former URL (what is no longer public is not sent).
"""

from __future__ import annotations

from articles.api.representation import ARTICLE_DETAIL_FIELDS, article_dict, iso
from articles.jsonld import absolute_url
from articles.models import Article
from articles.webhooks.models import WebhookEvent


def article_gone(article_id: int) -> dict:
    """What is said about an article that is no longer public."""
    return {"id": article_id, "url": absolute_url(Article(pk=article_id).get_absolute_url())}


def event_payload(event: WebhookEvent, article_data: dict) -> dict:
    return {
        "id": str(event.pk),
        "event": event.kind,
        "created_at": iso(event.occurred_at),
        "data": {"article": article_data},
    }


def article_public(article: Article) -> dict:
    return article_dict(article, fields=ARTICLE_DETAIL_FIELDS)
