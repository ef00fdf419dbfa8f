"""Categories and tags: labels with Unicode slugs, and the link rows that keep each
article's order and spelling."""

from __future__ import annotations

import hashlib

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.models import ItemBase, TagBase


def unicode_slug(value: str, *, fallback_prefix: str) -> str:
    """A slug that keeps Chinese characters and is never empty.

    Names made only of punctuation (``—``) slugify to nothing; they get a short, stable hash of
    the name instead so two such names never collide on an empty slug.
    """
    slug = slugify(value, allow_unicode=True)
    if slug:
        return slug[:90]
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]
    return f"{fallback_prefix}-{digest}"


class UnicodeSlugTagBase(TagBase):
    """Tag base whose slugs keep CJK characters and are never empty."""

    slug_fallback_prefix = "tag"

    class Meta:
        abstract = True

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = unicode_slug(tag, fallback_prefix=self.slug_fallback_prefix)
        if i is not None:
            slug += f"-{i}"
        return slug


class Category(UnicodeSlugTagBase):
    """A category; with a navigation position it is one of the site's sections (in the header)."""

    slug_fallback_prefix = "category"

    description = models.TextField(_("简介"), blank=True)
    nav_position = models.PositiveSmallIntegerField(
        _("导航位置"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("填写后作为栏目显示在网站导航和首页，数字小的在前；留空则不显示。"),
    )

    class Meta:
        verbose_name = _("分类")
        verbose_name_plural = _("分类")
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


class Tag(UnicodeSlugTagBase):
    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})


# ``published_at`` on a link row: the article's publication time while it is published (NULL
# while it is not), so a label's page walks its own newest links by index instead of every
# article. Derived data, kept in step by ``articles.services.link_dates`` on every write; the
# article's own status and date stay the authority for what is public (selectors check both).
LINK_DATE_HELP = "articles.services.link_dates"


class CategorizedArticle(ItemBase):
    tag = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="items")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    # The article's own spelling when it differs from the category's (Hexo keeps each post's
    # "Hadoop" or "hadoop"; the category page groups them). Blank: the category's name.
    name = models.CharField(_("本文写法"), max_length=100, blank=True)
    # The order the editor gave the categories in; the first is the article's primary section.
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)  # see LINK_DATE_HELP

    class Meta:
        unique_together = [("content_object", "tag")]
        ordering = ["position", "id"]
        indexes = [
            # Whether a category is public (EXISTS probes) and its article count.
            models.Index(fields=["tag", "content_object"], name="categorized_list_idx"),
            # A category page's newest articles: an index range scan, whatever the category's size.
            models.Index(fields=["tag", "-published_at", "-content_object"], name="categorized_newest_idx"),
        ]


class TaggedArticle(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="items")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    name = models.CharField(_("本文写法"), max_length=100, blank=True)  # as CategorizedArticle.name
    published_at = models.DateTimeField(null=True, blank=True, editable=False)  # see LINK_DATE_HELP

    class Meta:
        unique_together = [("content_object", "tag")]
        indexes = [
            models.Index(fields=["tag", "content_object"], name="tagged_list_idx"),
            models.Index(fields=["tag", "-published_at", "-content_object"], name="tagged_newest_idx"),
        ]
