"""Every image that enters the system goes through the one pipeline: the bytes stored for head
images and their renditions, editor uploads, author avatars and any file saved into an image
field are read back and hold pixels only (no EXIF or GPS, XMP, ICC, JPEG comments, PNG text,
GIF comments, nothing after the image's end) under a random name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article, Author
from articles.services.images import image_normalize
from tests.image_files import SECRET, TRAILER, dirty, leftovers

pytestmark = pytest.mark.django_db

FORMATS = {"JPEG": ("photo.jpg", "image/jpeg"), "PNG": ("photo.png", "image/png"),
           "WEBP": ("photo.webp", "image/webp"), "GIF": ("photo.gif", "image/gif")}  # fmt: skip
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp|gif)")


def upload(image_format: str, name: str | None = None) -> SimpleUploadedFile:
    default_name, content_type = FORMATS[image_format]
    return SimpleUploadedFile(name or default_name, dirty(image_format), content_type=content_type)


def assert_clean(path: Path) -> None:
    data = path.read_bytes()
    assert leftovers(data) == [], path
    assert SECRET.encode() not in data and TRAILER not in data


def media_files() -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


@pytest.mark.parametrize("image_format", FORMATS)
def test_the_dirty_test_images_really_carry_what_must_go(image_format):
    found = leftovers(dirty(image_format))
    assert any("after the end" in item for item in found)
    assert len(found) >= (2 if image_format == "GIF" else 4)


@pytest.mark.parametrize("image_format", FORMATS)
def test_normalising_keeps_only_the_pixels_under_a_random_name(image_format):
    normalized = image_normalize(upload(image_format, name="张三 在 北京.jpg"))
    data = normalized.read()
    assert leftovers(data) == []
    assert SECRET.encode() not in data and TRAILER not in data
    assert RANDOM_NAME.fullmatch(normalized.name)


def test_colours_survive_the_profile_being_applied_and_dropped():
    with Image.open(image_normalize(upload("JPEG"))) as stored:
        red, green, blue = stored.convert("RGB").getpixel((10, 10))
    assert abs(red - 200) <= 4 and abs(green - 40) <= 4 and abs(blue - 90) <= 4


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_a_head_image_and_all_its_renditions_are_stored_clean(admin_client, image_format):
    from tests.articles.test_admin_editorial import form_data

    response = admin_client.post(
        "/admin/articles/article/add/", {**form_data(), "head_image": upload(image_format, "现场.jpg")}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert RANDOM_NAME.fullmatch(Path(article.head_image.name).name)
    renditions = list(article.renditions.all())
    assert len(renditions) == 6
    stored = media_files()
    assert len(stored) == 7
    for path in stored:
        assert_clean(path)


@pytest.mark.parametrize("image_format", FORMATS)
def test_editor_uploads_are_stored_clean(admin_client, image_format):
    response = admin_client.post("/admin/articles/article/editor/upload/", {"upload": upload(image_format)})
    assert response.status_code == 200
    [path] = media_files()
    assert_clean(path)
    assert RANDOM_NAME.fullmatch(path.name)


@pytest.mark.parametrize("image_format", FORMATS)
def test_an_author_avatar_uploaded_in_the_admin_is_stored_clean_under_a_random_name(
    admin_client, image_format
):
    response = admin_client.post(
        "/admin/articles/author/add/",
        {"name": "苏建勋", "slug": "sujianxun", "bio": "", "avatar": upload(image_format, "苏建勋 家里.jpg")},
    )
    assert response.status_code == 302
    author = Author.objects.get()
    assert author.avatar.name.startswith("authors/") and "苏建勋" not in author.avatar.name
    assert RANDOM_NAME.fullmatch(Path(author.avatar.name).name)
    assert_clean(Path(author.avatar.path))


def test_an_avatar_that_is_not_an_image_is_a_form_error(admin_client):
    response = admin_client.post(
        "/admin/articles/author/add/",
        {
            "name": "甲",
            "slug": "jia",
            "bio": "",
            "avatar": SimpleUploadedFile("a.jpg", b"<svg onload=alert(1)>"),
        },
    )
    assert response.status_code == 200 and "不是可识别的图片" in response.content.decode()
    assert not Author.objects.exists() and media_files() == []


def test_any_file_saved_into_an_image_field_goes_through_the_pipeline():
    """Not only forms: a service or the shell saving straight into the field gets the same."""
    author = Author.objects.create(name="乙", slug="yi")
    author.avatar.save("乙的照片.gif", ContentFile(dirty("GIF")))
    assert_clean(Path(author.avatar.path))
    assert RANDOM_NAME.fullmatch(Path(author.avatar.name).name)
    article = Article.objects.create(title="缩略图")
    article.thumbnail.save("thumb.webp", ContentFile(dirty("WEBP")))
    assert_clean(Path(article.thumbnail.path))
