"""Articles and what hangs off them: credits, project mentions, renditions, autosaves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from articles.fields import CleanImageField
from articles.models.labels import CategorizedArticle, TaggedArticle
from articles.models.people import Author, Project, ReferType, remote_failed
from articles.publication_dates import validate_publication_date


def published_lookups(prefix: str = "") -> dict:
    """The lookups that make an article public (published, and due: scheduling is this
    query), for ``Article`` itself or, with ``prefix``, through a relation to it."""
    path = f"{prefix}__" if prefix else ""
    return {f"{path}status": Article.Status.PUBLISHED, f"{path}published_at__lte": Now()}


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles a reader may see: published, and due (scheduling is this query)."""
        return self.filter(**published_lookups())

    def flashes(self) -> ArticleQuerySet:
        return self.filter(kind=Article.Kind.FLASH)

    def stories(self) -> ArticleQuerySet:
        """Everything but flashes (the front page's lead, featured row and latest list)."""
        return self.exclude(kind=Article.Kind.FLASH)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        UNPUBLISHED = "unpublished", _("已撤回")

    class Kind(models.TextChoices):
        ARTICLE = "article", _("文章")
        # A short, time-stamped item: a title and a few sentences, no head image needed.
        FLASH = "flash", _("快讯")

    kind = models.CharField(
        _("类型"), max_length=16, choices=Kind.choices, default=Kind.ARTICLE
    )
    title = models.CharField(_("标题"), max_length=500)
    body = models.TextField(_("正文"), blank=True)
    excerpt = models.TextField(_("摘要"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("发布时间"), null=True, blank=True, db_index=True, validators=[validate_publication_date]
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Incremented on every save; a form saved against an older version is a conflict.
    version = models.PositiveIntegerField(_("版本"), default=1)

    head_image = CleanImageField(_("题图"), upload_to="heads/%Y/%m/", blank=True)
    head_image_alt = models.CharField(_("题图说明"), max_length=300, blank=True)
    # Focal point as fractions of width and height (0..1); crops keep it in frame.
    head_image_focal_x = models.FloatField(_("焦点 X"), null=True, blank=True)
    head_image_focal_y = models.FloatField(_("焦点 Y"), null=True, blank=True)
    head_image_url = models.URLField(_("题图原地址"), max_length=1000, blank=True)
    thumbnail = CleanImageField(_("缩略图"), upload_to="thumbs/%Y/%m/", blank=True)
    thumbnail_url = models.URLField(_("缩略图原地址"), max_length=1000, blank=True)

    comments_enabled = models.BooleanField(_("允许评论"), default=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    categories = TaggableManager(
        verbose_name=_("分类"), through=CategorizedArticle, blank=True, related_name="articles"
    )
    tags = TaggableManager(
        verbose_name=_("标签"), through=TaggedArticle, blank=True, related_name="tagged_articles"
    )

    legacy_path = models.CharField(
        _("导入路径"), max_length=1000, null=True, blank=True, unique=True, editable=False
    )
    legacy_hash = models.CharField(
        _("导入内容哈希"), max_length=64, blank=True, db_index=True, editable=False
    )
    legacy_permalink = models.CharField(
        _("旧版链接"), max_length=1000, blank=True, db_index=True, editable=False
    )
    # The permalink came from the post's own front matter (so it identifies the post).
    legacy_permalink_own = models.BooleanField(default=False, editable=False)
    # The post's own title and date (articles.services.importing.identity.post_fingerprint).
    legacy_fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The legacy post had no usable date: published_at is the file's time until an editor checks it.
    date_unverified = models.BooleanField(
        _("日期待核实"),
        default=False,
        db_index=True,
        help_text=_("导入的旧文章没有可用的日期，发布时间取自文件修改时间：核实后取消勾选。"),
    )
    # The version the last import wrote; a higher version means an editor changed it since.
    legacy_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    extra = models.JSONField(_("其他字段"), default=dict, blank=True)
    # {"head_image" | "thumbnail": {"url", "state", "error", "attempts"}}: see remote_images.
    image_fetch = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_feed_idx"),
            # The 快讯 stream (and the front page's stories, which leave flashes out).
            models.Index(fields=["kind", "status", "-published_at", "-id"], name="article_kind_feed_idx"),
            # "When did published content last change" (sitemaps' lastmod) without a table scan.
            models.Index(fields=["status", "-updated_at"], name="article_updated_idx"),
        ]
        permissions = [
            ("publish_article", _("可以发布文章")),
            ("import_articles", _("可以导入旧文章")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk})

    @property
    def head_image_src(self) -> str:
        """The stored head image if there is one, else the imported remote URL unless fetching
        it failed (then none: a missing head image is omitted, never a broken box)."""
        if self.head_image:
            return self.head_image.url
        return (
            "" if remote_failed(self.image_fetch, "head_image", self.head_image_url) else self.head_image_url
        )

    @property
    def thumbnail_src(self) -> str:
        if self.thumbnail:
            return self.thumbnail.url
        if self.thumbnail_url and not remote_failed(self.image_fetch, "thumbnail", self.thumbnail_url):
            return self.thumbnail_url
        return self.head_image_src


class Credit(models.Model):
    class Role(models.TextChoices):
        WRITER = "writer", _("文")
        EDITOR = "editor", _("编辑")
        PHOTO = "photo", _("题图")
        SOURCE = "source", _("来源")
        REPORTER = "reporter", _("采访")
        TRANSLATOR = "translator", _("翻译")

    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="credits"
    )
    author = models.ForeignKey(
        Author, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="credits"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.WRITER)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("署名")
        verbose_name_plural = _("署名")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author", "role"], name="credit_unique_role")
        ]

    def __str__(self) -> str:
        # As get_role_display(), which rebuilds its choices on every call (revisions name
        # thousands of credits per import batch).
        try:
            role = self.Role(self.role).label
        except ValueError:
            role = self.role
        return f"{role} | {self.author.name}"


class ProjectMention(models.Model):
    """One ``project-link`` anchor in an article body; derived from the body on every save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="mentions"
    )
    refer_type = models.CharField(_("引用类型"), max_length=16, blank=True, choices=ReferType.choices)
    href = models.URLField(_("链接"), max_length=1000, blank=True)
    anchor_text = models.CharField(_("锚文本"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("位置"))

    class Meta:
        verbose_name = _("项目提及")
        verbose_name_plural = _("项目提及")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="mention_unique_position")
        ]
        # A project page reads its article ids from this index alone (no table rows).
        indexes = [models.Index(fields=["project", "article"], name="mention_list_idx")]

    def __str__(self) -> str:
        return f"{self.project.name} @ {self.position}"


class Rendition(models.Model):
    """A resized copy of an article's uploaded head image, made once and reused.

    ``spec`` names the shape (``fill-400x300`` for the list thumbnail cropped at the focal point,
    ``width-800``/``width-1600`` for the article page); ``focal`` is the focal point the crop used,
    so moving it makes new crops. ``source`` is the head image file it was made from.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="renditions")
    source = models.CharField(_("原图"), max_length=255)
    spec = models.CharField(_("规格"), max_length=32)
    format = models.CharField(_("格式"), max_length=8)
    focal = models.CharField(_("焦点"), max_length=16, blank=True)
    file = CleanImageField(_("文件"), upload_to="renditions/%Y/%m/")
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("题图尺寸")
        verbose_name_plural = _("题图尺寸")
        ordering = ["spec", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source", "spec", "format", "focal"], name="rendition_unique_shape"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.spec}.{self.format}"


class ArticleAutosave(models.Model):
    """What an editor typed but has not saved yet, kept per user and article (or new article).

    Autosaves never touch the article itself (no version, no revision); saving the article
    removes them.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    title = models.CharField(_("标题"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True)
    excerpt = models.TextField(_("摘要"), blank=True)
    # The article version the editor was working from.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(_("自动保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("自动保存")
        verbose_name_plural = _("自动保存")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_one_per_article"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(article__isnull=True), name="autosave_one_new_article"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title or '—'}"
