"""The editors' dashboard on the admin index: what needs them today, with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from articles.selectors import article_list_for_staff

LIST_SIZE = 8
CALENDAR_DAYS = 7


@dataclass(slots=True)
class DashboardList:
    title: str
    count: int
    articles: list[Article]
    more_url: str = ""


@dataclass(slots=True)
class CalendarDay:
    day: date
    articles: list[Article] = field(default_factory=list)


@dataclass(slots=True)
class Dashboard:
    lists: list[DashboardList]
    calendar: list[CalendarDay]
    scheduled_count: int


def _list(title: str, queryset: QuerySet[Article], order: str, more_url: str) -> DashboardList:
    queryset = queryset.order_by(order, "-id").defer("body", "extra")
    articles = list(queryset[:LIST_SIZE])
    return DashboardList(title=title, count=queryset.count(), articles=articles, more_url=more_url)


def dashboard_for(*, user, base_url: str) -> Dashboard:
    """What ``user`` sees on the admin index (two queries a list, one for the calendar):
    their drafts, stories waiting for review, the next seven days' schedule, what was published
    recently and imported stories with problems. Writers see their own stories only."""
    mine = article_list_for_staff(user=user)
    status = Article.Status
    lists = [
        _list(
            _("我的草稿"),
            mine.filter(created_by=user, status=status.DRAFT),
            "-updated_at",
            f"{base_url}?status__exact=draft&created_by__id__exact={user.pk}",
        ),
        _list(
            _("等待审核"),
            mine.filter(status=status.REVIEW),
            "-updated_at",
            f"{base_url}?status__exact=review",
        ),
        _list(
            _("最近发布"),
            mine.filter(status=status.PUBLISHED, published_at__lte=Now()),
            "-published_at",
            f"{base_url}?schedule=live",
        ),
        _list(
            _("导入有问题（缺少日期）"),
            mine.filter(legacy_path__isnull=False, published_at__isnull=True),
            "-updated_at",
            f"{base_url}?published_at__isnull=True",
        ),
    ]
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    end = start + timedelta(days=CALENDAR_DAYS)
    scheduled = list(
        mine.filter(status=status.PUBLISHED, published_at__gt=timezone.now(), published_at__lt=end)
        .defer("body", "extra")
        .order_by("published_at", "id")
    )
    calendar = [CalendarDay(day=today + timedelta(days=offset)) for offset in range(CALENDAR_DAYS)]
    for article in scheduled:
        offset = (timezone.localtime(article.published_at).date() - today).days
        if 0 <= offset < CALENDAR_DAYS:
            calendar[offset].articles.append(article)
    return Dashboard(lists=lists, calendar=calendar, scheduled_count=len(scheduled))
