"""Writing parsed legacy posts in batches: a handful of queries per batch, not per post.

``posts_write`` writes a batch inside the caller's transaction: articles with ``rows_insert``,
then everything derived from them with the same rules ``article_save`` applies to one article
(``articles.services.writes``: ``derived_after_write`` for categories, tags, credits,
mentions and search documents, ``revisions_record`` for a revision per article, "从 <path>
导入", and webhook events through ``article_events_record``), each kind in one or two
statements per batch. The posts were prepared by the same pure functions (``body_prepare``,
``project_links_extract``) while reading. ``rows_insert`` sends no signals, so the caller calls
``articles.caching.content_changed()`` once the batch is committed.

Which article a post is and what writing it does is ``identity``'s decision (the dry run asks
it too). Versions follow ``writes.version_next``; the import records the version it wrote in
``legacy_version``, so a later editor save (which bumps ``version``) marks the article as
changed by an editor, and the next import leaves it alone.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext as _

from articles.models import Article
from articles.services.flashes import kind_for_legacy_categories
from articles.services.importing.identity import (
    ImportRun,
    Wanted,
    articles_match,
    import_action,
    skipped_warning,
)
from articles.services.importing.reading import LegacyPost
from articles.services.importing.results import ImportResult
from articles.services.versions import revisions_record
from articles.services.writes import (
    ArticleWrite,
    derived_after_write,
    events_record,
    rows_insert,
    version_next,
)


def imported_comment(path: str) -> str:
    return _("从 %(path)s 导入") % {"path": path}


def undated_warning() -> str:
    return _("日期待核实：没有可用的 date，按待审核导入，未发布（保留 Hexo 的做法请加 --publish-undated）")


def _status(post: LegacyPost, publish_undated: bool) -> str:
    if post.status:  # written by an export: the status it had, unless it would publish a
        # date nobody has checked
        if post.status == Article.Status.PUBLISHED and post.date_unverified and not publish_undated:
            return Article.Status.REVIEW
        return post.status
    if post.is_draft:
        return Article.Status.DRAFT
    if post.date_unverified and not publish_undated:
        # Hexo would publish it dated with the file's time (today, after a checkout): an editor
        # decides instead.
        return Article.Status.REVIEW
    return Article.Status.PUBLISHED


def _apply(article: Article, post: LegacyPost, publish_undated: bool) -> None:
    # A stored copy of an image the post no longer names is stale: the new URL takes over.
    if article.head_image and article.head_image_url != post.head_image_url:
        article.head_image = ""
    if article.thumbnail and article.thumbnail_url != post.thumbnail_url:
        article.thumbnail = ""
    article.kind = kind_for_legacy_categories(post.categories)  # 快讯 posts become flashes
    article.title = post.title
    article.body = post.body
    article.excerpt = post.excerpt
    article.status = _status(post, publish_undated)
    article.date_unverified = post.date_unverified
    article.published_at = post.published_at
    article.source = post.source
    article.head_image_url = post.head_image_url
    article.thumbnail_url = post.thumbnail_url
    article.comments_enabled = post.comments_enabled
    article.extra = post.extra
    # A post matched by content, title and date or permalink keeps the article's first key.
    article.legacy_path = article.legacy_path or post.key
    article.legacy_hash = post.digest
    article.legacy_permalink = post.permalink
    article.legacy_permalink_own = post.permalink_own
    article.legacy_fingerprint = post.fingerprint


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


def posts_write(
    *, posts: list[LegacyPost], overwrite: bool, run: ImportRun | None = None, publish_undated: bool = False
) -> list[ImportResult]:
    """Create or update the articles for ``posts`` (distinct keys) in the caller's transaction.

    Each post's article is found by ``identity.articles_match`` (key, content, title and date,
    permalink) and what happens to it is ``identity.import_action``'s decision: ``created``,
    ``updated``, ``unchanged`` (same bytes as its import) or ``skipped`` (an editor changed the
    article since its import and ``overwrite`` is false). A post without a date of its own is
    imported for review (``date_unverified``) unless ``publish_undated``. ``run`` collects what
    this import has keyed and matched (see ``identity``). Raises ``DatabaseError`` if the batch
    cannot be written; the caller rolls back and retries post by post.
    """
    run = run if run is not None else ImportRun(keys={post.key for post in posts})
    wanted = [
        Wanted(
            key=post.key,
            digest=post.digest,
            fingerprint=post.fingerprint,
            permalink=post.permalink if post.permalink_own else "",
        )
        for post in posts
    ]
    matches = articles_match(wanted=wanted, run=run, lock=True)
    results: dict[str, ImportResult] = {}
    previous: dict[int, Article] = {}  # updated articles as stored before this write
    created: list[tuple[LegacyPost, Article]] = []
    updated: list[tuple[LegacyPost, Article]] = []
    for post in posts:
        match = matches.get(post.key)
        article = match.article if match else None
        status = import_action(article=article, digest=post.digest, overwrite=overwrite)
        result = ImportResult(
            path=post.path,
            status=status,
            warnings=list(post.warnings),
            matched_by=match.matched_by if match else None,
            date_unverified=post.date_unverified,
        )
        results[post.path] = result
        if article is None:
            article = Article(version=1, legacy_version=1)
            _apply(article, post, publish_undated)
            created.append((post, article))
            continue
        result.article_id = article.pk
        run.claimed.add(article.pk)
        if status == "skipped":
            result.warnings.append(skipped_warning())
        elif status == "updated":
            previous[article.pk] = copy.copy(article)
            _apply(article, post, publish_undated)
            updated.append((post, article))

    rows_insert([article for _p, article in created])
    for post, article in created:
        results[post.path].article_id = article.pk
    for _post, article in updated:
        article.version = version_next(previous=previous[article.pk])
        article.legacy_version = article.version
        article.save()

    written = created + updated
    if written:
        writes = [
            ArticleWrite(
                article=article,
                previous=previous.get(article.pk),
                bylines=post.bylines,
                links=post.links,
                categories=post.categories,
                tags=post.tags,
                comment=imported_comment(post.path),
                search_text=post.search_text,
            )
            for post, article in written
        ]
        # Every article written here is new or rewritten from its source (``replaced``): the
        # rows derived for it are all it has, and its revision follows them.
        followed = derived_after_write(
            writes=writes,
            replaced=[article.pk for _p, article in updated],
            created=[article.pk for _p, article in created],
            purge_search=False,
        )
        modified = []
        for post, article in written:
            if post.modified_at is not None:
                article.updated_at = post.modified_at
                modified.append(article)
        if modified:
            Article.objects.bulk_update(modified, ["updated_at"])
        revisions_record(writes=writes, followed=followed)
        events_record(writes=writes)
        _permalink_warnings(written, results)
        for post, _article in written:
            if post.date_unverified and not publish_undated and not post.is_draft:
                results[post.path].warnings.append(undated_warning())
    return [results[post.path] for post in posts]
