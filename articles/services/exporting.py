"""Exporting articles as Hexo posts, so a newsroom can leave as easily as it came.

``articles_export`` writes each article as ``<key>.md`` (its import key when it has one,
``_posts/<id>.md`` otherwise): YAML front matter Hexo's own parser reads (title, ``date`` and
``updated`` with their offset, ``categories`` and ``tags`` in the article's own spelling,
``permalink`` when it was the post's own, ``headimg`` / ``thumbnail``, ``published: false`` for
anything not published and Masthead's ``status`` so that it comes back), then the credits as
byline paragraphs (``<p>文 | 苏建勋</p>``, one per credit, in credit order) and the cleaned body
as stored (``project-link`` anchors with their ``data-*`` attributes). Stored head images,
thumbnails and the logos of the projects it mentions are copied beside the post
(``<stem>/head.<ext>``, ``<stem>/thumbnail.<ext>``, ``<stem>/logos/<project id>.<ext>``, Hexo's
post asset folder) and named in the front matter (``headimg_file``, ``thumbnail_file``,
``project_logos``) while ``headimg`` / ``thumbnail`` keep the remote URLs. Importing the export
into an empty database gives the same articles, statuses, dates, credits, projects, mentions,
bodies and stored images (``importing.local_images``).
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from articles.hexo.frontmatter import front_matter_write
from articles.models import Article, Credit
from articles.selectors import article_categories, article_projects, article_tags, article_with_relations

# The byline label written for each credit role (read back by credits.BYLINE_ROLES).
ROLE_LABELS = {
    Credit.Role.WRITER: "文",
    Credit.Role.REPORTER: "记者",
    Credit.Role.EDITOR: "编辑",
    Credit.Role.PHOTO: "摄影",
    Credit.Role.SOURCE: "来源",
    Credit.Role.TRANSLATOR: "译者",
}


@dataclass(frozen=True, slots=True)
class ExportedFile:
    path: str  # relative, "/"-separated
    data: bytes


def _front_matter(article: Article, images: dict) -> str:
    data: dict = {"title": article.title}
    categories = [c.name for c in article_categories(article=article)]
    tags = [t.name for t in article_tags(article=article)]
    if categories:
        data["categories"] = categories
    if tags:
        data["tags"] = tags
    if article.status != Article.Status.PUBLISHED:
        data["published"] = False
    data["status"] = article.status
    if article.date_unverified:  # Masthead's own: its date still waits for an editor (日期待核实)
        data["date_unverified"] = True
    if article.legacy_permalink_own and article.legacy_permalink:
        data["permalink"] = article.legacy_permalink
    for key, value in (
        ("headimg", article.head_image_url),
        ("thumbnail", article.thumbnail_url),
        ("author", article.source),
        # Hexo's excerpt is HTML (and the importer reads it as such): text stays text.
        ("excerpt", html.escape(article.excerpt, quote=False)),
    ):
        if value:
            data[key] = value
    if not article.comments_enabled:
        data["comments"] = False
    data.update(images)  # headimg_file, thumbnail_file, project_logos: files beside the post
    timestamps = {"date": article.published_at} if article.published_at is not None else {}
    return front_matter_write(data=data, timestamps={**timestamps, "updated": article.updated_at})


def _bylines(article: Article) -> str:
    return "".join(
        f"<p>{ROLE_LABELS[credit.role]} | {html.escape(credit.author.name)}</p>"
        for credit in article.credits.all()
        if credit.role in ROLE_LABELS
    )


def article_key(article: Article) -> str:
    """Where the article's post goes in an export (its import key when it has one)."""
    key = article.legacy_path or f"_posts/{article.pk}.md"
    return key if key.lower().endswith((".md", ".markdown")) else key + ".md"


def _file(path: str, field_file) -> ExportedFile:
    with field_file.open("rb") as handle:
        return ExportedFile(path, handle.read())


def _image_files(article: Article, stem: PurePosixPath) -> tuple[dict, list[ExportedFile]]:
    """The stored images to write beside the post (``<stem>/head.<ext>``, ``<stem>/thumbnail.<ext>``,
    ``<stem>/logos/<project id>.<ext>``) and the front-matter keys naming them, relative to the
    post's folder (read back by ``importing.reading.image_files_read``)."""
    keys: dict = {}
    files: list[ExportedFile] = []

    def add(name: str, field_file) -> str:
        relative = f"{stem.name}/{name}{PurePosixPath(field_file.name).suffix}"
        files.append(_file(str(stem.parent / relative), field_file))
        return relative

    for key, name, field_file in (
        ("headimg_file", "head", article.head_image),
        ("thumbnail_file", "thumbnail", article.thumbnail),
    ):
        if field_file:
            keys[key] = add(name, field_file)
    projects = [project for project in article_projects(article=article) if project.logo]
    logos = {project.external_id: add(f"logos/{project.external_id}", project.logo) for project in projects}
    if logos:
        keys["project_logos"] = logos
    return keys, files


def article_export(*, article: Article) -> list[ExportedFile]:
    """The files of one article's Hexo post (the post, and its stored images beside it)."""
    key = article_key(article)
    images, files = _image_files(article, PurePosixPath(key).with_suffix(""))
    post = _front_matter(article, images) + _bylines(article) + article.body + "\n"
    return [ExportedFile(key, post.encode()), *files]


def articles_export(*, articles: Iterable[Article] | None = None) -> Iterable[ExportedFile]:
    """Every file of an export of ``articles`` (default: all), article by article."""
    queryset = (
        Article.objects.all() if articles is None else Article.objects.filter(pk__in=[a.pk for a in articles])
    )
    for article in article_with_relations(
        queryset.order_by("pk"), relations={"credits", "categories", "tags", "mentions"}
    ):
        yield from article_export(article=article)


def articles_export_zip(*, articles: Iterable[Article]) -> bytes:
    """An export of ``articles`` as a ``.zip`` archive (the admin action)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in articles_export(articles=articles):
            archive.writestr(file.path, file.data)
    return buffer.getvalue()
