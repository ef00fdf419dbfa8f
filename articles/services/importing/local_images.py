"""Images an export wrote beside its posts, brought back as stored files.

An export (``articles.services.exporting``) copies an article's stored head image, thumbnail and
the logos of the projects it mentions beside its post and names them in the front matter
(``headimg_file``, ``thumbnail_file``, ``project_logos``: ``reading.image_files_read``). After a
batch is written, ``post_images_attach`` reads those files from the same directory or archive
(``PostSource.beside`` / ``read_beside``: relative to the post's folder, never out of it, at most
the image byte limit) and stores them through the one image pipeline
(``articles.services.images``: format, bytes and pixels checked, decoded whole; a file that is
nothing but pixels keeps its bytes, anything else is re-encoded and stripped). The remote URLs
stay as the post gives them (``headimg``), so ``images_fetch`` sees the image as stored and
does not fetch it again. A file that is missing or not an acceptable image is a warning with
its path and reason; the rest of the post and of the import goes on.

Only the image columns are written (``update``): the article's version, and so an editor's
claim on it, stays as the import left it. A field that already holds the same bytes is left
alone; a project that already has a logo keeps it (projects are shared by many posts).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from articles.models import Article, Project
from articles.services.images import (
    ImageRejected,
    image_check,
    image_max_bytes,
    image_normalize,
    renditions_ensure,
)
from articles.services.importing.reading import LegacyPost
from articles.services.importing.results import PostError
from articles.services.importing.source_types import PostSource, path_display

_KEYS = {"head_image": "headimg_file", "thumbnail": "thumbnail_file"}


def _warning(key: str, path: str, reason: object) -> str:
    return _("%(key)s 图片 %(path)s 未能导入（%(reason)s）：保留远程地址") % {
        "key": key,
        "path": path_display(path),
        "reason": reason,
    }


def _same_bytes(field_file, data: bytes) -> bool:
    if not field_file:
        return False
    try:
        with field_file.open("rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def _store(owner, field_name: str, data: bytes) -> bool:
    """Store ``data`` into ``owner``'s image field unless it holds those bytes already."""
    field_file = getattr(owner, field_name)
    if _same_bytes(field_file, data):
        return False
    upload = ContentFile(data)
    image = image_normalize(upload, checked=image_check(upload), keep_pixels_only=True)
    field_file.save(image.name, image, save=False)
    type(owner).objects.filter(pk=owner.pk).update(**{field_name: field_file.name})
    return True


def post_images_attach(*, article_id: int, post: LegacyPost, source: PostSource) -> tuple[list[str], bool]:
    """Store the image files ``post`` names beside it into its article and its projects.

    Returns the warnings (one per file that could not be used) and whether anything was stored.
    Never raises for a file."""
    if not post.image_files:
        return [], False
    article = Article.objects.get(pk=article_id)
    projects = {
        project.external_id: project
        for project in Project.objects.filter(
            external_id__in=[t.removeprefix("logo:") for t, _n in post.image_files if t.startswith("logo:")]
        )
    }
    warnings: list[str] = []
    stored: set[str] = set()
    for target, name in post.image_files:
        owner, field_name = article, target
        key = _KEYS.get(target, "project_logos")
        if target.startswith("logo:"):
            owner, field_name = projects.get(target.removeprefix("logo:")), "logo"
            if owner is None or owner.logo:  # not mentioned by the body, or already has its logo
                continue
        path = name
        try:
            path = source.beside(name)
            if _store(owner, field_name, source.read_beside(path, image_max_bytes())):
                stored.add(target)
        except (PostError, ImageRejected, OSError) as error:
            warnings.append(_warning(key, path, error))
    if "head_image" in stored:
        renditions_ensure(article=article)
    return warnings, bool(stored)


def post_images_check(*, post: LegacyPost, source: PostSource) -> list[str]:
    """The warnings ``post_images_attach`` would give for the files themselves (the dry run):
    each named file is read and checked as an image; nothing is stored."""
    warnings: list[str] = []
    for target, name in post.image_files:
        path = name
        try:
            path = source.beside(name)
            image_check(ContentFile(source.read_beside(path, image_max_bytes())))
        except (PostError, ImageRejected, OSError) as error:
            warnings.append(_warning(_KEYS.get(target, "project_logos"), path, error))
    return warnings
