"""The curated front page: the editors' lead and featured stories, then a block per section.

Rules (``front_page``):

- The lead is the first active ``LEAD`` slot (by position, newest pin first); a slot is active
  while its article is public and its ``expires_at`` has not passed. Without one, the newest
  story leads.
- The featured row holds ``ARTICLES_FRONT_FEATURED_COUNT`` stories: the active ``FEATURED``
  slots first, in order, then the newest stories not shown already (an expired slot falls back
  to the newest story).
- Each section (``articles.site.sections``) gets a block of its ``ARTICLES_HOME_SECTION_SIZE``
  newest stories not shown above.
- 快讯 (flashes) have their own stream in the sidebar: they never lead, fill the featured row
  or join the latest list, unless an editor pins one.
- The latest list below leaves out the lead only (the featured row is a selection from it),
  so its pages do not shift when editors pin stories.

The whole front page costs a fixed number of queries, whatever the number of articles, slots
and sections: slots (3), newest stories (3), section blocks (1, then the rows of the cards not
cached: 3); the lead alone (``front_lead_pk``, later pages) one or two. Pages declare the keys
of what they show and the next slot expiry (``articles.caching.keys``), so a cached front page
never outlives a pin.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Now, RowNumber
from django.utils import timezone

from articles import selectors
from articles.caching import keys as surrogate
from articles.models import (
    Article,
    CategorizedArticle,
    Category,
    Credit,
    FrontPageSlot,
    published_lookups,
)
from articles.pagination import ArticleRows
from articles.prepared import PreparedRead
from articles.site.sections import NavSection, nav_sections


@dataclass(slots=True)
class FrontItem:
    """A story as the front page shows it: the editor's title and image when given."""

    article: Article
    title: str
    image_url: str = ""
    pinned: bool = False


class SectionRows(Sequence):
    """One section's articles, read (with every other section's) from one shared ``ArticleRows``
    only for the cards that are not cached."""

    def __init__(self, shared: ArticleRows, pks: list[int]) -> None:
        self.shared = shared
        self.pks = pks

    def rows_for(self, pks: list[int]) -> dict[int, Article]:
        self.shared.rows_for(self.shared.pks)  # one read for every section
        return self.shared.rows_for(pks)

    def __getitem__(self, index):
        rows = self.rows_for(self.pks)
        return [rows[pk] for pk in self.pks if pk in rows][index]

    def __len__(self) -> int:
        return len(self.pks)

    def __iter__(self) -> Iterator[Article]:
        rows = self.rows_for(self.pks)
        return iter([rows[pk] for pk in self.pks if pk in rows])


@dataclass(slots=True)
class SectionBlock:
    section: NavSection
    articles: SectionRows


@dataclass(slots=True)
class FrontPage:
    lead: FrontItem | None
    featured: list[FrontItem]
    blocks: list[SectionBlock] = field(default_factory=list)

    @property
    def shown_pks(self) -> list[int]:
        """The stories at the top (lead and featured): the section blocks leave them out."""
        items = ([self.lead] if self.lead else []) + self.featured
        return [item.article.pk for item in items]


def _card_prefetches() -> list:
    return [
        Prefetch(
            "article__credits", queryset=Credit.objects.select_related("author").order_by("order", "id")
        ),
        "article__renditions",
    ]


def slot_active_condition(now: datetime | Now) -> Q:
    """A slot shows while its article is public and until it expires."""
    return (Q(expires_at__isnull=True) | Q(expires_at__gt=now)) & Q(**published_lookups("article"))


def _active(now: datetime | Now):
    return FrontPageSlot.objects.filter(slot_active_condition(now))


def active_slots(*, now: datetime | None = None) -> list[FrontPageSlot]:
    """Slots whose article is public and whose expiry has not passed, lead first, in order
    (three queries)."""
    return list(
        _active(now or timezone.now())
        .select_related("article")
        .defer("article__body", "article__extra")
        .prefetch_related(*_card_prefetches())
        .order_by("kind", "position", "-created_at", "-pk")
    )


def _item(slot: FrontPageSlot) -> FrontItem:
    return FrontItem(
        article=slot.article,
        title=slot.title or slot.article.title,
        image_url=slot.image.url if slot.image else "",
        pinned=True,
    )


def _section_blocks(sections: list[NavSection], exclude: list[int]) -> list[SectionBlock]:
    if not sections:
        return []
    size = settings.ARTICLES_HOME_SECTION_SIZE
    ranked = (
        CategorizedArticle.objects.filter(
            tag_id__in=[section.pk for section in sections],
            **published_lookups("content_object"),
        )
        .exclude(content_object_id__in=exclude)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("tag_id")],
                order_by=[F("content_object__published_at").desc(), F("content_object_id").desc()],
            )
        )
        .filter(rank__lte=size)
        .order_by("tag_id", "rank")
        .values_list("tag_id", "content_object_id")
    )
    by_section: dict[int, list[int]] = {}
    for tag_id, article_id in ranked:
        by_section.setdefault(tag_id, []).append(article_id)
    every_pk = list(dict.fromkeys(pk for pks in by_section.values() for pk in pks))
    shared = ArticleRows(selectors.article_list_published(), every_pk)
    return [
        SectionBlock(section=section, articles=SectionRows(shared, by_section[section.pk]))
        for section in sections
        if by_section.get(section.pk)
    ]


def _pinned_lead() -> QuerySet:
    # The database's clock, as ``published_lookups`` uses: one SQL text for every request.
    return (
        _active(Now())
        .filter(kind=FrontPageSlot.Kind.LEAD)
        .order_by("position", "-created_at", "-pk")
        .values_list("article_id", "expires_at")[:1]
    )


def _newest_story() -> QuerySet:
    return selectors.story_list_published().values_list("pk", flat=True)[:1]


# Read on every front page after the first (compiled once: ``articles.prepared``).
_PINNED_LEAD = PreparedRead(_pinned_lead, model=FrontPageSlot, arguments={})
_NEWEST_STORY = PreparedRead(_newest_story, model=Article, arguments={})


def front_lead_pk() -> int | None:
    """The lead story's id as ``front_page`` would choose it (one or two queries)."""
    surrogate.declare(surrogate.FRONT_PAGE, surrogate.ARTICLES)
    pinned = _PINNED_LEAD.rows()
    if pinned:
        ((article_id, expires_at),) = pinned
        if expires_at is not None:
            surrogate.declare_expiry(expires_at.timestamp())
        return article_id
    newest = _NEWEST_STORY.rows()
    return newest[0][0] if newest else None


def front_page(*, now: datetime | None = None, with_sections: bool = True) -> FrontPage:
    """What the front page shows (see the module docstring), its keys declared."""
    now = now or timezone.now()
    slots = active_slots(now=now)
    leads = [slot for slot in slots if slot.kind == FrontPageSlot.Kind.LEAD]
    lead = _item(leads[0]) if leads else None
    featured: list[FrontItem] = []
    shown = {lead.article.pk} if lead else set()
    for slot in slots:
        room = len(featured) < settings.ARTICLES_FRONT_FEATURED_COUNT
        if room and slot.kind == FrontPageSlot.Kind.FEATURED and slot.article_id not in shown:
            featured.append(_item(slot))
            shown.add(slot.article_id)
    used = [slot for slot in slots if slot.article_id in shown]
    for slot in used:
        if slot.expires_at is not None:
            surrogate.declare_expiry(slot.expires_at.timestamp())
    wanted = (0 if lead else 1) + settings.ARTICLES_FRONT_FEATURED_COUNT - len(featured)
    newest = list(selectors.story_list_published().exclude(pk__in=shown)[:wanted]) if wanted > 0 else []
    if lead is None and newest:
        first = newest.pop(0)
        lead = FrontItem(article=first, title=first.title)
    featured += [FrontItem(article=article, title=article.title) for article in newest]
    page = FrontPage(lead=lead, featured=featured)
    surrogate.declare(surrogate.FRONT_PAGE, surrogate.ARTICLES)
    for item in ([lead] if lead else []) + featured:
        # As a card would: the story and its credited authors' names.
        surrogate.declare_objects(item.article, *(credit.author for credit in item.article.credits.all()))
    if with_sections:
        sections = nav_sections()
        page.blocks = _section_blocks(sections, exclude=page.shown_pks)
        surrogate.declare(*(surrogate.owner_list_key(Category, section.pk) for section in sections))
    return page
