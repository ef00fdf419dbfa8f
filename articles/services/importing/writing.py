"""Writing parsed legacy posts in batches: a handful of queries per batch, not per post.

``posts_write`` writes a batch inside the caller's transaction: articles with ``bulk_create``,
then their categories, tags, credits and mentions, each kind in one or two statements. What it
writes is what ``article_save`` would derive from the same body, because the posts were
prepared by the same pure functions (``body_prepare``, ``project_links_extract``) and projects
go through the same ``projects_upsert`` rules; ``bulk_create`` sends no signals, so the caller
calls ``articles.caching.content_changed()`` once at the end.

Version semantics match ``article_save``: a new article is version 1; an update adds one; the
import records the version it wrote in ``legacy_version``, so a later editor save (which bumps
``version``) marks the article as changed by an editor, and the next import leaves it alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from taggit.models import TagBase

from articles.models import (
    Article,
    CategorizedArticle,
    Category,
    Credit,
    ProjectMention,
    Tag,
    TaggedArticle,
)
from articles.services.credits import authors_get_or_create, credits_build
from articles.services.flashes import kind_for_legacy_categories
from articles.services.importing.reading import LegacyPost
from articles.services.importing.results import ImportResult
from articles.services.mentions import mentions_build, projects_upsert


def skipped_warning() -> str:
    return _("导入后编辑改动过这篇文章：未覆盖（需要覆盖请加 --overwrite）")


def labels_get_or_create(*, model: type[TagBase], names: Iterable[str]) -> dict[str, TagBase]:
    """Categories or tags by lower-cased name, creating the missing ones.

    Names match case-insensitively, as django-taggit does with ``TAGGIT_CASE_INSENSITIVE``; new
    ones get the model's own unique slugs (CJK kept, never empty).
    """
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    found: dict[str, TagBase] = {}
    for label in model.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(wanted)):
        found.setdefault(label.name.lower(), label)
    missing = [name for key, name in wanted.items() if key not in found]
    if not missing:
        return found
    maker = model()
    bases = {name: maker.slugify(name) for name in missing}
    taken = set(model.objects.filter(slug__in=bases.values()).values_list("slug", flat=True))
    new = []
    for name in missing:
        slug, attempt = bases[name], 0
        while slug in taken:
            attempt += 1
            slug = maker.slugify(name, attempt)
        taken.add(slug)
        new.append(model(name=name, slug=slug))
    model.objects.bulk_create(new, ignore_conflicts=True)
    for label in model.objects.filter(name__in=missing):
        found[label.name.lower()] = label
    for name in missing:
        # Lost a race for the slug or a differently cased name: taggit's own path settles it.
        if name.lower() not in found:
            found[name.lower()] = model.objects.filter(name__iexact=name).first() or model.objects.create(
                name=name
            )
    return found


def _apply(article: Article, post: LegacyPost) -> None:
    # A stored copy of an image the post no longer names is stale: the new URL takes over.
    if article.head_image and article.head_image_url != post.head_image_url:
        article.head_image = ""
    if article.thumbnail and article.thumbnail_url != post.thumbnail_url:
        article.thumbnail = ""
    article.kind = kind_for_legacy_categories(post.categories)  # 快讯 posts become flashes
    article.title = post.title
    article.body = post.body
    article.excerpt = post.excerpt
    article.status = Article.Status.DRAFT if post.is_draft else Article.Status.PUBLISHED
    article.published_at = post.published_at
    article.source = post.source
    article.head_image_url = post.head_image_url
    article.thumbnail_url = post.thumbnail_url
    article.comments_enabled = post.comments_enabled
    article.extra = post.extra
    article.legacy_path = post.path
    article.legacy_hash = post.digest
    article.legacy_permalink = post.permalink


def _labels_write(written: list[tuple[LegacyPost, Article]], replaced: list[int]) -> None:
    for model, through, attribute in (
        (Category, CategorizedArticle, "categories"),
        (Tag, TaggedArticle, "tags"),
    ):
        if replaced:
            through.objects.filter(content_object_id__in=replaced).delete()
        labels = labels_get_or_create(
            model=model, names=(name for post, _a in written for name in getattr(post, attribute))
        )
        rows = []
        for post, article in written:
            ids = dict.fromkeys(labels[name.lower()].pk for name in getattr(post, attribute))
            rows.extend(through(content_object_id=article.pk, tag_id=tag_id) for tag_id in ids)
        through.objects.bulk_create(rows)


def _credits_write(written: list[tuple[LegacyPost, Article]], replaced: list[int]) -> None:
    if replaced:
        Credit.objects.filter(article_id__in=replaced).delete()
    authors = authors_get_or_create(names=[b.name for post, _a in written for b in post.bylines])
    rows = []
    for post, article in written:
        rows.extend(credits_build(article=article, bylines=post.bylines, authors=authors))
    Credit.objects.bulk_create(rows)


def _mentions_write(written: list[tuple[LegacyPost, Article]], replaced: list[int]) -> None:
    if replaced:
        ProjectMention.objects.filter(article_id__in=replaced).delete()
    rows = []
    # Oldest first, so a project ends up named as its newest mention describes it.
    for post, article in sorted(
        ((p, a) for p, a in written if p.links), key=lambda pair: pair[0].published_at
    ):
        projects = projects_upsert(links=post.links, seen_at=post.published_at, refresh=not post.is_draft)
        rows.extend(mentions_build(article=article, links=post.links, projects=projects))
    ProjectMention.objects.bulk_create(rows)


def _permalink_warnings(written: list[tuple[LegacyPost, Article]], results: dict[str, ImportResult]) -> None:
    permalinks = {post.permalink for post, _a in written}
    claimed: dict[str, list[int]] = {}
    for pk, permalink in (
        Article.objects.filter(legacy_permalink__in=permalinks)
        .order_by("pk")
        .values_list("pk", "legacy_permalink")
    ):
        claimed.setdefault(permalink, []).append(pk)
    for post, article in written:
        others = [pk for pk in claimed.get(post.permalink, []) if pk != article.pk]
        if others:
            results[post.path].warnings.append(
                _("旧链接 %(permalink)s 也属于 /p/%(other)d/：重定向到其中编号最小的已发布文章")
                % {"permalink": post.permalink, "other": others[0]}
            )


def posts_write(*, posts: list[LegacyPost], overwrite: bool) -> list[ImportResult]:
    """Create or update the articles for ``posts`` (distinct paths) in the caller's transaction.

    Returns one result per post, in order: ``created``, ``updated``, ``unchanged`` (same content
    as the last import) or ``skipped`` (an editor changed the article since its import and
    ``overwrite`` is false). Raises ``DatabaseError`` if the batch cannot be written; the caller
    rolls back and retries post by post.
    """
    existing = {
        article.legacy_path: article
        for article in Article.objects.select_for_update().filter(legacy_path__in=[p.path for p in posts])
    }
    results: dict[str, ImportResult] = {}
    created: list[tuple[LegacyPost, Article]] = []
    updated: list[tuple[LegacyPost, Article]] = []
    for post in posts:
        article = existing.get(post.path)
        result = ImportResult(path=post.path, status="created", warnings=list(post.warnings))
        results[post.path] = result
        if article is None:
            article = Article(version=1, legacy_version=1)
            _apply(article, post)
            created.append((post, article))
            continue
        result.article_id = article.pk
        if article.legacy_hash == post.digest:
            result.status = "unchanged"
        elif article.version != article.legacy_version and not overwrite:
            result.status = "skipped"
            result.warnings.append(skipped_warning())
        else:
            result.status = "updated"
            _apply(article, post)
            updated.append((post, article))

    Article.objects.bulk_create([article for _p, article in created])
    for post, article in created:
        results[post.path].article_id = article.pk
    for _post, article in updated:
        article.version += 1
        article.legacy_version = article.version
        article.save()

    written = created + updated
    if written:
        replaced = [article.pk for _p, article in updated]
        _labels_write(written, replaced)
        _credits_write(written, replaced)
        _mentions_write(written, replaced)
        modified = []
        for post, article in written:
            if post.modified_at is not None:
                article.updated_at = post.modified_at
                modified.append(article)
        if modified:
            Article.objects.bulk_update(modified, ["updated_at"])
        _permalink_warnings(written, results)
    return [results[post.path] for post in posts]
