"""Webhook endpoints, the events sent to them, and a log of every delivery attempt."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    PUBLISHED = "article.published", _("文章发布")
    UPDATED = "article.updated", _("已发布文章更新")
    UNPUBLISHED = "article.unpublished", _("文章撤回")
    DELETED = "article.deleted", _("文章删除")
    SCHEDULED_WENT_LIVE = "article.scheduled_went_live", _("定时文章上线")


class WebhookEndpoint(models.Model):
    """A URL that receives the events it subscribes to, signed with its own secret."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=1000)
    events = models.JSONField(_("订阅事件"), default=list)
    # Needed in clear to sign each delivery; shown to the editor once, when it is made.
    secret = models.CharField(_("签名密钥"), max_length=128, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Webhook 接收端")
        verbose_name_plural = _("Webhook 接收端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, kind: str) -> bool:
        return kind in (self.events or [])


class WebhookEvent(models.Model):
    """Something that happened to an article, recorded in the transaction that made it happen.

    ``key`` makes an event happen once: a new UUID for ordinary events, the article and its
    publication time for a scheduled article going live (saving a scheduled article twice
    schedules one event, not two). ``due_at`` is when the event may be sent (now, or the
    scheduled publication time). ``payload`` is filled when the event is dispatched and never
    changes after, so every retry sends the same bytes.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("等待发送")
        DISPATCHED = "dispatched", _("已分发")
        CANCELLED = "cancelled", _("已取消")

    id = models.UUIDField(_("事件 ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("事件"), max_length=40, choices=EventKind.choices)
    key = models.CharField(_("去重键"), max_length=200, unique=True)
    article_id = models.BigIntegerField(_("文章 ID"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.WAITING)
    occurred_at = models.DateTimeField(_("发生时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("发送时间"))
    payload = models.JSONField(_("内容"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 事件")
        verbose_name_plural = _("Webhook 事件")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="webhook_event_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.article_id}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent at most until it succeeds, never twice after that."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败（不再重试）")

    event = models.ForeignKey(
        WebhookEvent, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("接收端"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近状态码"), null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(_("最近响应时间（毫秒）"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("投递"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    started_at = models.DateTimeField(_("时间"))
    status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("响应时间（毫秒）"))
    error = models.CharField(_("错误"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("响应内容（节选）"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
