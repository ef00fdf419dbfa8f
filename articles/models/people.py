"""Authors and projects (the companies articles reference), and the state of their fetched
images."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.fields import CleanImageField
from articles.services.project_ids import validate_logo_url, validate_project_id


class Author(models.Model):
    name = models.CharField(_("姓名"), max_length=100, unique=True)
    slug = models.SlugField(_("网址别名"), max_length=100, unique=True, allow_unicode=True)
    bio = models.TextField(_("简介"), blank=True)
    avatar = CleanImageField(_("头像"), upload_to="authors/%Y/%m/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("后台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )

    class Meta:
        verbose_name = _("作者")
        verbose_name_plural = _("作者")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})


class ReferType(models.TextChoices):
    """What a ``project-link``'s ``data-refer-type`` says the linked thing is (36kr's codes)."""

    INVESTOR = "1", _("投资机构")
    COMPANY = "2", _("公司/项目")


class Project(models.Model):
    """A company or product that stories reference through ``project-link`` anchors."""

    external_id = models.CharField(_("项目 ID"), max_length=64, unique=True, validators=[validate_project_id])
    name = models.CharField(_("名称"), max_length=200)
    logo_url = models.URLField(_("Logo 地址"), max_length=1000, blank=True, validators=[validate_logo_url])
    # The logo brought home by ``images_fetch`` (articles.services.remote_images).
    logo = CleanImageField(_("Logo"), upload_to="logos/%Y/%m/", blank=True)
    # {"logo": {"url", "state": "fetched" | "failed", "error", "attempts"}}: see remote_images.
    image_fetch = models.JSONField(default=dict, blank=True, editable=False)
    url = models.URLField(_("链接"), max_length=1000, blank=True)
    refer_type = models.CharField(_("引用类型"), max_length=16, blank=True, choices=ReferType.choices)
    # Publication time of the newest article that described this project; its anchor's
    # name and logo win over older ones.
    last_seen_at = models.DateTimeField(_("最近提及"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:project", kwargs={"external_id": self.external_id})

    @property
    def logo_src(self) -> str:
        """The stored logo, else the remote one unless fetching it failed ("" then: pages show
        a lettered badge instead of a broken box)."""
        if self.logo:
            return self.logo.url
        return "" if remote_failed(self.image_fetch, "logo", self.logo_url) else self.logo_url


def remote_failed(state: dict, field: str, url: str) -> bool:
    """Whether the last ``images_fetch`` of ``url`` into ``field`` failed."""
    entry = (state or {}).get(field) or {}
    return bool(url) and entry.get("url") == url and entry.get("state") == "failed"
