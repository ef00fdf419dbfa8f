"""Reads shared by pages, feeds and sitemaps. Each selector owns its ``select_related`` /
``prefetch_related`` so a page costs the same few queries however many rows exist.

Every selector that returns articles for readers starts from ``Article.objects.published()``:
drafts, articles in review, unpublished and scheduled articles never leave this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Now, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles.hexo.permalinks import legacy_permalink_candidates
from articles.list_ids import owner_article_ids, story_ids  # noqa: F401  (re-exported)
from articles.models import (
    Article,
    Author,
    CategorizedArticle,
    Category,
    Credit,
    Project,
    ProjectMention,
    Tag,
    TaggedArticle,
)
from articles.public_names import (  # noqa: F401  (selectors re-exported: one place to read from)
    author_get_published,
    author_list_published,
    category_get_published,
    category_list_published,
    project_get_published,
    project_list_published,
    tag_get_published,
    tag_list_published,
)
from articles.services.workflow import user_can_publish


def credits_prefetch() -> Prefetch:
    return Prefetch("credits", queryset=Credit.objects.select_related("author").order_by("order", "id"))


def article_list_published() -> QuerySet[Article]:
    """Published, due articles, newest first, with what a list card shows (no body)."""
    return (
        Article.objects.published()
        .defer("body", "extra")
        .prefetch_related(credits_prefetch(), "renditions")
        .order_by("-published_at", "-id")
    )


def story_list_published() -> QuerySet[Article]:
    """Published stories (everything but 快讯), newest first, as list cards need them."""
    return article_list_published().filter(kind=Article.Kind.ARTICLE)


def flash_list_published(*, with_body: bool = True) -> QuerySet[Article]:
    """Published 快讯, newest first: title, time and the few sentences of the body (no
    relations: a flash shows none)."""
    queryset = Article.objects.published().flashes().defer("extra").order_by("-published_at", "-id")
    return queryset if with_body else queryset.defer("body")


def flash_list_for_feed() -> QuerySet[Article]:
    """Published 快讯 with what a feed item shows (credits, categories, tags)."""
    return article_list_for_feed().filter(kind=Article.Kind.FLASH)


def article_list_for_feed() -> QuerySet[Article]:
    """Published, due articles with their bodies, credits, categories and tags (feeds)."""
    return article_with_relations(
        Article.objects.published().defer("extra").order_by("-published_at", "-id"),
        relations={"credits", "categories", "tags"},
    )


def article_get_published(*, pk: int) -> Article:
    """A published, due article with everything its page shows. Raises ``Http404``."""
    return get_object_or_404(_article_detail_queryset(Article.objects.published()), pk=pk)


def article_get_published_light(*, pk: int) -> Article:
    """A published, due article with only its id, title and dates (one query). Raises ``Http404``."""
    return get_object_or_404(Article.objects.published().only("id", "title", "published_at"), pk=pk)


def article_get_for_preview(*, pk: int) -> Article:
    """Any article, whatever its status (staff preview). Raises ``Http404``."""
    return get_object_or_404(_article_detail_queryset(Article.objects.all()), pk=pk)


# What an article can carry along, each one query for a whole page of articles.
ARTICLE_RELATIONS = frozenset({"credits", "categories", "tags", "renditions", "mentions"})


def article_with_relations(
    queryset: QuerySet[Article], *, relations: Iterable[str] = ARTICLE_RELATIONS
) -> QuerySet[Article]:
    """``queryset`` with the named ``ARTICLE_RELATIONS`` prefetched: one query per relation,
    however many articles. Categories come in the order they were given (see
    ``article_categories``), credits in credit order with their authors, mentions with their
    projects."""
    wanted = set(relations)
    lookups: list = []
    if "credits" in wanted:
        lookups.append(credits_prefetch())
    if "categories" in wanted:
        # Through the link table, in the order the categories were given (an editor's order,
        # Hexo's outermost first), not alphabetically: the first one is the article's section.
        lookups.append(
            Prefetch(
                "categorizedarticle_set",
                queryset=CategorizedArticle.objects.select_related("tag").order_by("position", "id"),
                to_attr="category_links",
            )
        )
    if "tags" in wanted:
        lookups.append(
            Prefetch(
                "taggedarticle_set",
                queryset=TaggedArticle.objects.select_related("tag").order_by("id"),
                to_attr="tag_links",
            )
        )
    if "renditions" in wanted:
        lookups.append("renditions")
    if "mentions" in wanted:
        lookups.append(Prefetch("mentions", queryset=ProjectMention.objects.select_related("project")))
    return queryset.prefetch_related(*lookups)


def _article_detail_queryset(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return article_with_relations(queryset)


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """What a list of published articles may be narrowed to. Slugs and identifiers that name
    nothing public simply match no article (a filter never tells whether a draft uses a name)."""

    category: str | None = None  # Category.slug (a section)
    tag: str | None = None  # Tag.slug
    author: str | None = None  # Author.slug, credited in any role
    project: str | None = None  # Project.external_id, mentioned in the body
    published_after: datetime | None = None  # inclusive
    published_before: datetime | None = None  # exclusive
    updated_after: datetime | None = None  # exclusive: what changed since a sync client's last run


def article_list_filtered(*, filters: ArticleFilters, with_body: bool = False) -> QuerySet[Article]:
    """Published, due articles matching ``filters``, unordered (the caller orders and pages).

    Each filter is an indexed range or an EXISTS probe per article (no join, so no duplicates
    and no DISTINCT): the database walks the ordering index and stops at the page's end.
    """
    queryset = Article.objects.published().defer("extra")
    if not with_body:
        queryset = queryset.defer("body")
    if filters.category is not None:
        queryset = queryset.filter(
            Exists(
                CategorizedArticle.objects.filter(content_object=OuterRef("pk"), tag__slug=filters.category)
            )
        )
    if filters.tag is not None:
        queryset = queryset.filter(
            Exists(TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag__slug=filters.tag))
        )
    if filters.author is not None:
        queryset = queryset.filter(
            Exists(Credit.objects.filter(article=OuterRef("pk"), author__slug=filters.author))
        )
    if filters.project is not None:
        queryset = queryset.filter(
            Exists(
                ProjectMention.objects.filter(article=OuterRef("pk"), project__external_id=filters.project)
            )
        )
    if filters.published_after is not None:
        queryset = queryset.filter(published_at__gte=filters.published_after)
    if filters.published_before is not None:
        queryset = queryset.filter(published_at__lt=filters.published_before)
    if filters.updated_after is not None:
        queryset = queryset.filter(updated_at__gt=filters.updated_after)
    return queryset


def _spelled(links) -> list:
    # Each link row has a label instance of its own (select_related), which takes the
    # article's own spelling: "Hadoop" on one article, "hadoop" on another, one tag page.
    labels = []
    for link in links:
        if link.name:
            link.tag.name = link.name
        labels.append(link.tag)
    return labels


def article_categories(*, article: Article) -> list[Category]:
    """The article's categories in the order they were given, each named as the article spells
    it (no query after the detail selector; one query otherwise)."""
    links = getattr(article, "category_links", None)
    if links is None:
        links = (
            CategorizedArticle.objects.filter(content_object=article)
            .select_related("tag")
            .order_by("position", "id")
        )
    return _spelled(links)


def article_tags(*, article: Article) -> list[Tag]:
    """The article's tags in the order they were given, each named as the article spells it
    (no query after ``article_with_relations``; one query otherwise)."""
    links = getattr(article, "tag_links", None)
    if links is None:
        links = TaggedArticle.objects.filter(content_object=article).select_related("tag").order_by("id")
    return _spelled(links)


def article_projects(*, article: Article) -> list[Project]:
    """The distinct projects an article mentions, in order of first mention (no query)."""
    seen: dict[int, Project] = {}
    for mention in article.mentions.all():
        seen.setdefault(mention.project_id, mention.project)
    return list(seen.values())


# How many of the newest articles sharing a category are ranked for "related articles": enough
# for relevance, few enough that an article page stays cheap in a 100,000-article archive.
RELATED_CANDIDATES = 200


def article_related(*, article: Article, limit: int) -> list[Article]:
    """Up to ``limit`` published articles sharing the most categories with ``article``, newest
    first among equals, chosen among the ``RELATED_CANDIDATES`` newest that share any. One
    query after the detail selector."""
    category_ids = [category.pk for category in article_categories(article=article)]
    if not category_ids or limit <= 0:
        return []
    # EXISTS, not IN: the database walks the newest published articles by index and probes
    # each one's categories, stopping after RELATED_CANDIDATES, instead of reading every
    # article of a large category.
    shares_a_category = Exists(
        CategorizedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=category_ids)
    )
    candidates = (
        Article.objects.published()
        .filter(shares_a_category)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-id")
        .values("pk")[:RELATED_CANDIDATES]
    )
    return list(
        Article.objects.filter(pk__in=candidates)
        .annotate(
            shared_categories=Count(
                "categorizedarticle", filter=Q(categorizedarticle__tag_id__in=category_ids)
            )
        )
        .defer("body", "extra", "excerpt")
        .order_by("-shared_categories", "-published_at", "-id")[:limit]
    )


def section_list() -> list[Category]:
    """The site's sections: categories with a navigation position, in that order (one query)."""
    return list(Category.objects.filter(nav_position__isnull=False).order_by("nav_position", "name", "pk"))


def _article_list(with_body: bool) -> QuerySet[Article]:
    return article_list_for_feed() if with_body else article_list_published()


def _label_articles(queryset: QuerySet[Article], relation: str, label) -> QuerySet[Article]:
    # Walk the label's own links newest first (``(tag, published_at, content_object)`` index,
    # ``articles.services.link_dates``), not every newest article probing its links; the
    # article's own status and date still decide what is public. One link per article and
    # label: no duplicates.
    return queryset.filter(
        **{f"{relation}__tag": label, f"{relation}__published_at__lte": Now()}
    ).order_by(f"-{relation}__published_at", f"-{relation}__content_object_id")


def category_articles(*, category: Category, with_body: bool = False) -> QuerySet[Article]:
    """Published articles in ``category``, newest first; ``with_body`` for feeds."""
    return _label_articles(_article_list(with_body), "categorizedarticle", category)


def tag_articles(*, tag: Tag) -> QuerySet[Article]:
    return _label_articles(article_list_published(), "taggedarticle", tag)


def author_articles(*, author: Author, with_body: bool = False) -> QuerySet[Article]:
    """Published articles crediting ``author`` in any role, newest first."""
    # A subquery, not a join: an author credited twice on one article lists it once, and the
    # list needs no DISTINCT (which would defeat the keyed page reads of DeepPaginator).
    return _article_list(with_body).filter(pk__in=Credit.objects.filter(author=author).values("article_id"))


def project_articles(*, project: Project, with_body: bool = False) -> QuerySet[Article]:
    """Published articles mentioning ``project``, newest first."""
    return _article_list(with_body).filter(
        pk__in=ProjectMention.objects.filter(project=project).values("article_id")
    )


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of ``year``/``month`` and of the month after, in the site's zone."""
    start = timezone.make_aware(datetime(year, month, 1))
    following = (start.replace(tzinfo=None) + timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(following)


def archive_articles(*, year: int, month: int) -> QuerySet[Article]:
    """Published articles of one calendar month (Asia/Shanghai), newest first."""
    start, end = _month_bounds(year, month)
    return article_list_published().filter(published_at__gte=start, published_at__lt=end)


def archive_months() -> list[dict]:
    """``[{"month": aware datetime, "count": n}, ...]`` for every month with published
    articles, newest first (one query)."""
    return list(
        Article.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )


def article_list_recent(*, hours: int) -> QuerySet[Article]:
    """Published articles of the last ``hours`` hours, newest first (Google News sitemap)."""
    since = timezone.now() - timedelta(hours=hours)
    return Article.objects.published().filter(published_at__gte=since).order_by("-published_at", "-id")


def article_sitemap_items() -> QuerySet[Article]:
    """Every published article, oldest first so sitemap pages stay stable as new ones arrive."""
    return Article.objects.published().only("id", "updated_at", "published_at").order_by("published_at", "id")


def article_list_for_staff(*, user) -> QuerySet[Article]:
    """Articles ``user`` may open in the admin, whatever their status: all of them for editors,
    their own for writers (as the admin's list shows)."""
    queryset = Article.objects.all()
    if not user_can_publish(user):
        queryset = queryset.filter(created_by=user)
    return queryset


def article_get_for_staff(*, pk: int, user) -> Article:
    """One article ``user`` may open, with its relations (one query each). Raises ``Http404``."""
    return get_object_or_404(_article_detail_queryset(article_list_for_staff(user=user)), pk=pk)


def article_latest_update() -> datetime | None:
    """When a published article last changed (one aggregate)."""
    return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def article_id_for_legacy_url(*, path: str) -> int | None:
    """The published article an old Hexo URL ``path`` stood for, if any: one indexed query.

    ``path`` is the decoded request path; the forms Hexo served (``a/``, ``a/index.html``,
    ``a.html``, ``a``) all match. When several articles claim a permalink, the oldest wins.
    """
    candidates = legacy_permalink_candidates(path)
    if not candidates:
        return None
    return (
        Article.objects.published()
        .filter(legacy_permalink__in=candidates)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
