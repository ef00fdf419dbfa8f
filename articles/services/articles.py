"""Writing articles one by one (admin, API, actions, restores): ``article_save``.

The rules it applies (version, labels, credits, mentions, revision, webhook events) live in
``articles.services.writes``, which the importer applies to batches (``importing.writing``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import reversion
from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import Article, Category, Tag
from articles.publication_dates import validate_publication_date
from articles.sanitize import clean_html, clean_html_cut
from articles.services.categories import article_categories_set
from articles.services.credits import Byline, bylines_cut
from articles.services.images import image_check, image_normalize, renditions_ensure
from articles.services.mentions import project_links_complete, project_links_extract
from articles.services.workflow import article_check_write
from articles.services.writes import (
    ArticleWrite,
    derived_after_write,
    labels_get_or_create,
    labels_spelled,
    version_next,
)
from articles.text import excerpt_from_html
from articles.webhooks.events import article_events_record


class ArticleVersionConflict(Exception):
    """The article changed since the editor loaded it: saving would overwrite someone's work."""

    def __init__(self, *, current: Article, expected: int) -> None:
        self.current = current
        self.expected = expected
        super().__init__(f"article {current.pk} is at version {current.version}, not {expected}")


@dataclass(slots=True)
class PreparedBody:
    html: str
    bylines: list[Byline] = field(default_factory=list)


def body_prepare(html: str) -> PreparedBody:
    """Clean ``html`` with the one allowlist and take its bylines out. Pure.

    The same as cleaning again once the bylines are out, without doing it when taking them
    out cannot change the clean form (``clean_html_cut``)."""
    cleaned = clean_html(html)
    without_bylines, bylines, cuts = bylines_cut(cleaned)
    if bylines:
        without_bylines = clean_html_cut(cleaned, cut=without_bylines, cuts=cuts)
    return PreparedBody(html=without_bylines, bylines=bylines)


def article_derive(*, article: Article, bylines: list[Byline]) -> None:
    """Derive what the body implies: credits from its bylines, mentions from its project links
    (``writes.derived_after_write``, as the importer does for a batch; categories and tags are
    set by the caller).

    Runs inside the saving transaction, after the article row is written.
    """
    links, _unidentified = project_links_extract(article.body)
    derived_after_write(writes=[ArticleWrite(article=article, bylines=bylines, links=links)], replaced=[])


def _tags_set(article: Article, names: Iterable[str]) -> None:
    """The article's tags, in the order given, each keeping the article's own spelling."""
    model, attribute = Tag, "tags"
    names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    labels = labels_get_or_create(model=model, names=names)
    spelled = labels_spelled(labels, names)
    # Through taggit, one by one: its signals mark the label pages stale.
    manager = getattr(article, attribute)
    by_pk = {label.pk: label for label in labels.values()}
    manager.set([by_pk[pk] for pk in spelled])
    links = manager.through.objects.filter(content_object=article)
    for tag_id, spelling in spelled.items():
        links.filter(tag_id=tag_id).exclude(name=spelling).update(name=spelling)


def _describe(previous: Article | None, article: Article) -> str:
    if previous is None:
        return _("创建")
    if previous.status != article.status:
        return _("状态：%(old)s → %(new)s") % {
            "old": Article.Status(previous.status).label,
            "new": Article.Status(article.status).label,
        }
    return _("修改")


@transaction.atomic
def article_save(
    *,
    article: Article,
    categories: Iterable[Category | str] | None = None,
    tags: Iterable[str] | None = None,
    by=None,
    expected_version: int | None = None,
    comment: str = "",
) -> Article:
    """Clean, save and derive an article in one transaction, keeping a revision.

    The body is cleaned, ``project-link`` anchors get what they leave out from their Project,
    bylines become credits and leave the body, mentions are rebuilt from the body's project
    links, the search index is updated (through ``writes.derived_after_write``), the
    excerpt defaults to the body's opening text, and ``version`` goes up by one on
    every save of an existing article. ``categories``/``tags``, when given, replace the
    article's current ones; categories (objects, or names looked up and created when missing)
    keep their order, the first being the article's section. Every save is a django-reversion
    revision (who: ``by``, what: ``comment`` or the status change). The head image's renditions
    are made when missing.

    Webhook events (published, updated, unpublished, scheduled) are recorded with the save and
    sent after it commits, by the background worker (``articles.webhooks.events``).

    ``by`` is the user saving (``None``: the system, e.g. the importer). Raises
    ``PermissionDenied`` when ``by`` may not make this change (see
    ``articles.services.workflow.article_check_write``), and ``ArticleVersionConflict`` when
    ``expected_version`` is given and the stored article has moved on since, and
    ``ValidationError`` for a publication date outside ``articles.publication_dates``.
    """
    validate_publication_date(article.published_at)
    previous = None
    if article.pk is not None:
        previous = Article.objects.select_for_update().filter(pk=article.pk).first()
    if expected_version is not None and previous is not None and previous.version != expected_version:
        raise ArticleVersionConflict(current=previous, expected=expected_version)
    if by is not None:
        article_check_write(user=by, previous=previous, article=article)
        if previous is None and article.created_by_id is None:
            article.created_by = by

    prepared = body_prepare(article.body)
    completed = project_links_complete(prepared.html)
    article.body = clean_html(completed) if completed != prepared.html else prepared.html
    if not article.excerpt.strip():
        article.excerpt = excerpt_from_html(article.body)
    article.version = version_next(previous=previous)

    with reversion.create_revision():
        article.save()
        if categories is not None:
            article_categories_set(article=article, categories=categories)
        if tags is not None:
            _tags_set(article, tags)
        article_derive(article=article, bylines=prepared.bylines)
        renditions_ensure(article=article)
        article_events_record(previous=previous, article=article)
        if by is not None:
            reversion.set_user(by)
        reversion.set_comment(comment or _describe(previous, article))
    return article


def article_head_image_set(
    *,
    article: Article,
    upload,
    alt: str | None = None,
    focal: tuple[float, float] | None = None,
    by=None,
    expected_version: int | None = None,
) -> Article:
    """Give ``article`` a new head image from ``upload`` through the one image pipeline
    (checked, oriented, metadata dropped, random name; renditions made by ``article_save``).

    Raises ``ImageRejected`` (with the reason, for the editor) before anything is stored, and
    whatever ``article_save`` raises (``PermissionDenied``, ``ArticleVersionConflict``).
    """
    article.head_image = image_normalize(upload, checked=image_check(upload))
    if alt is not None:
        article.head_image_alt = alt
    if focal is not None:
        article.head_image_focal_x, article.head_image_focal_y = focal
    return article_save(article=article, by=by, expected_version=expected_version, comment=_("更换题图"))
