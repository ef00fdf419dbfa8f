"""Writing articles: every write path (admin, importer, API) goes through ``article_save``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from articles.models import Article
from articles.sanitize import clean_html
from articles.services.credits import Byline, bylines_extract, credits_add
from articles.services.mentions import mentions_sync
from articles.text import excerpt_from_html


@dataclass(slots=True)
class PreparedBody:
    html: str
    bylines: list[Byline] = field(default_factory=list)


def body_prepare(html: str) -> PreparedBody:
    """Clean ``html`` with the one allowlist and take its bylines out. Pure."""
    cleaned = clean_html(html)
    without_bylines, bylines = bylines_extract(cleaned)
    if bylines:
        without_bylines = clean_html(without_bylines)
    return PreparedBody(html=without_bylines, bylines=bylines)


def article_derive(*, article: Article, bylines: list[Byline]) -> None:
    """Derive what the body implies: credits from its bylines, mentions from its project links.

    Runs inside the saving transaction, after the article row is written.
    """
    credits_add(article=article, bylines=bylines)
    mentions_sync(article=article)


@transaction.atomic
def article_save(
    *,
    article: Article,
    categories: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> Article:
    """Clean, save and derive an article in one transaction.

    The body is cleaned, bylines become credits and leave the body, mentions are rebuilt from
    the body's project links, the excerpt defaults to the body's opening text, and ``version``
    goes up by one on every save of an existing article. ``categories``/``tags``, when given,
    replace the article's current ones.
    """
    prepared = body_prepare(article.body)
    article.body = prepared.html
    if not article.excerpt.strip():
        article.excerpt = excerpt_from_html(article.body)
    if article.pk is not None:
        article.version = (article.version or 0) + 1
    article.save()
    if categories is not None:
        article.categories.set(list(dict.fromkeys(c.strip() for c in categories if c.strip())))
    if tags is not None:
        article.tags.set(list(dict.fromkeys(t.strip() for t in tags if t.strip())))
    article_derive(article=article, bylines=prepared.bylines)
    return article
