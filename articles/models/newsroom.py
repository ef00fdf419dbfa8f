"""The newsroom around the articles: front-page picks, page-view counts, import runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.fields import CleanImageField
from articles.models.content import Article


class FrontPageSlot(models.Model):
    """A story an editor pinned to the front page: the lead, or one of the featured row.

    A slot shows while its article is public and until ``expires_at``; then the front page
    falls back to the newest stories (``articles.site.front_page``).
    """

    class Kind(models.TextChoices):
        LEAD = "lead", _("头条")
        FEATURED = "featured", _("推荐")

    kind = models.CharField(_("位置"), max_length=16, choices=Kind.choices, default=Kind.FEATURED)
    position = models.PositiveSmallIntegerField(
        _("顺序"), default=0, help_text=_("同一位置的多篇按数字从小到大排列。")
    )
    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="front_page_slots"
    )
    title = models.CharField(_("替换标题"), max_length=200, blank=True, help_text=_("留空则用文章标题。"))
    image = CleanImageField(
        _("替换图片"), upload_to="front/%Y/%m/", blank=True, help_text=_("留空则用文章题图。")
    )
    expires_at = models.DateTimeField(
        _("到期时间"), null=True, blank=True, help_text=_("到期后此位置自动换成最新的文章；留空则一直有效。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("首页推荐位")
        verbose_name_plural = _("首页推荐位")
        ordering = ["kind", "position", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title or self.article.title}"


class ArticleViewCount(models.Model):
    """Page views of one article in one hour (the hour's start): counted without cookies or
    anything about the reader, and written in batches (``articles.site.most_read``)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_counts")
    hour = models.DateTimeField(_("小时"))
    count = models.PositiveIntegerField(_("阅读数"), default=0)

    class Meta:
        verbose_name = _("阅读数")
        verbose_name_plural = _("阅读数")
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="view_count_unique_hour")]
        indexes = [models.Index(fields=["hour"], name="view_count_hour_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}: {self.count}"


class ImportRun(models.Model):
    """One import of legacy posts (the admin's import page or ``manage.py import_markdown``),
    kept so the editors' dashboard can show imports with problems after the report is gone.
    Written by ``articles.services.importing.runs.import_run_record``; dry runs are not kept."""

    class Source(models.TextChoices):
        ADMIN = "admin", _("后台导入页")
        COMMAND = "command", _("导入命令")

    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    finished_at = models.DateTimeField(_("结束时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    inputs = models.CharField(_("导入的文件"), max_length=500, blank=True)
    # The report's summary: files per status, warnings, date_unverified.
    counts = models.JSONField(_("统计"), default=dict)
    failed_count = models.PositiveIntegerField(_("失败数"), default=0)
    # [{"path": ..., "reason": ...}] for every file that failed.
    failures = models.JSONField(_("失败的文件"), default=list)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.inputs}"


# Models that live with their own concern; imported here so Django registers them with the app.
from articles.api.models import ContentKey, StaffToken  # noqa: E402,F401
from articles.search.models import SearchDocument  # noqa: E402,F401
from articles.webhooks.models import (  # noqa: E402,F401
    EventKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
