"""Credentials for the API: content keys (apps and partners) and staff tokens (the admin API).

Both are random secrets shown once when made; only their SHA-256 digest is stored (they are
long random strings, so a plain digest is enough: there is nothing to guess). ``prefix`` keeps
the first characters so people can tell keys apart in the admin. Revoking sets ``revoked_at``.
Made and checked by ``articles.services.api_access``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CredentialQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class Credential(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16, editable=False)
    digest = models.CharField(_("摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ContentKey(Credential):
    """A key an app or partner sends with every content API request (``?key=`` or a header)."""

    rate_limit = models.PositiveIntegerField(
        _("每分钟请求上限"), default=600, help_text=_("超过后返回 429，下一分钟恢复。")
    )
    notes = models.TextField(_("备注"), blank=True, help_text=_("谁在用这把密钥、联系人等。"))
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
        verbose_name = _("内容 API 密钥")
        verbose_name_plural = _("内容 API 密钥")
        ordering = ["-created_at"]


class StaffToken(Credential):
    """A token for the admin API, acting as ``user`` with exactly that user's permissions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True, help_text=_("留空表示不过期。"))

    class Meta:
        verbose_name = _("后台 API 令牌")
        verbose_name_plural = _("后台 API 令牌")
        ordering = ["-created_at"]
