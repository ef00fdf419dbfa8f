"""Uploaded images: refused before anything is stored when they are not acceptable, normalised
(orientation, metadata, random names) when they are, and resized once into renditions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import timezone
from PIL import Image

from articles.models import Article, Rendition
from articles.services.articles import article_save
from articles.services.images import ImageRejected, image_check, image_normalize
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def picture(image_format="JPEG", size=(1200, 800), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 0).save(buffer, image_format, **save)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def huge_png() -> bytes:
    """A real 20000x20000 PNG (400 megapixels) that is small on disk: a decompression bomb."""
    return picture("PNG", (20000, 20000), mode="1")


def media_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just some text, not an image", "notes.jpg", "不是可识别的图片"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "page.jpg", "不是可识别的图片"),
        (SVG, "logo.svg", "不是可识别的图片"),
        (picture("BMP", (10, 10)), "old.bmp", "不支持 BMP 格式"),
        (picture("PNG", (600, 600), mode="RGB")[:-200], "cut.png", "已损坏"),
    ],
)
def test_what_is_not_an_acceptable_image_is_refused_with_a_clear_message(data, name, message):
    with pytest.raises(ImageRejected, match=message):
        image_check(upload(data, name))


def test_a_20000_by_20000_png_is_refused_before_its_pixels_are_decoded():
    with pytest.raises(ImageRejected, match="像素"):
        image_check(upload(huge_png(), "bomb.png", "image/png"))


def test_too_many_pixels_below_pillows_own_limit_are_refused_too(settings):
    settings.ARTICLES_IMAGE_MAX_PIXELS = 1000
    with pytest.raises(ImageRejected, match="尺寸过大（100×20 像素）"):
        image_check(upload(picture("PNG", (100, 20)), "wide.png"))


def test_too_many_bytes_are_refused(settings):
    settings.ARTICLES_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ImageRejected, match="图片太大"):
        image_check(upload(picture("PNG", (300, 300), mode="RGB") + b"\0" * 2000, "big.png"))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_the_four_formats_are_accepted(image_format):
    checked = image_check(upload(picture(image_format, (40, 30))))
    assert (checked.format, checked.width, checked.height) == (image_format, 40, 30)


def test_normalising_applies_the_exif_orientation_and_drops_the_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS latitude
    normalized = image_normalize(upload(picture("JPEG", (120, 60), exif=exif.tobytes())))
    with Image.open(normalized) as result:
        assert result.size == (60, 120)
        assert not result.getexif()
        assert "exif" not in result.info


def test_normalising_drops_png_text_and_gives_a_random_name():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret person")
    first = image_normalize(upload(picture("PNG", (20, 20), pnginfo=info), "我的 照片.png"))
    second = image_normalize(upload(picture("PNG", (20, 20)), "我的 照片.png"))
    with Image.open(first) as result:
        assert "Author" not in result.info
    assert first.name != second.name
    assert len(first.name) == len("0123456789abcdef0123456789abcdef.png") and first.name.endswith(".png")


def head_image_article(**fields) -> Article:
    article = ArticleFactory.build(**fields)
    article.head_image = image_normalize(upload(picture("JPEG", (2000, 1000))))
    return article_save(article=article)


def test_renditions_are_made_in_webp_and_the_original_format_at_three_sizes():
    article = head_image_article()
    shapes = sorted((r.spec, r.format, r.width, r.height) for r in article.renditions.all())
    assert shapes == [
        ("fill-400x300", "JPEG", 400, 300),
        ("fill-400x300", "WEBP", 400, 300),
        ("width-1600", "JPEG", 1600, 800),
        ("width-1600", "WEBP", 1600, 800),
        ("width-800", "JPEG", 800, 400),
        ("width-800", "WEBP", 800, 400),
    ]
    for rendition in article.renditions.all():
        with Image.open(rendition.file.path) as image:
            assert image.format == rendition.format and image.size == (rendition.width, rendition.height)


def test_renditions_are_made_once_and_reused_and_a_moved_focal_point_remakes_only_the_crops(
    django_capture_on_commit_callbacks,
):
    article = head_image_article()
    before = {(r.spec, r.format): (r.pk, r.file.name) for r in article.renditions.all()}
    article.title = "改了标题"
    article_save(article=article)
    assert {(r.spec, r.format): (r.pk, r.file.name) for r in article.renditions.all()} == before

    article.head_image_focal_x, article.head_image_focal_y = 0.9, 0.5
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=article)
    after = {(r.spec, r.format): (r.pk, r.file.name) for r in article.renditions.all()}
    assert after[("width-800", "WEBP")] == before[("width-800", "WEBP")]
    assert after[("fill-400x300", "JPEG")] != before[("fill-400x300", "JPEG")]
    assert not Path(settings.MEDIA_ROOT, before[("fill-400x300", "JPEG")][1]).exists()


def test_the_crop_follows_the_focal_point():
    article = ArticleFactory.build(head_image_focal_x=1.0, head_image_focal_y=0.5)
    image = Image.new("RGB", (2000, 1000), "white")
    image.paste((255, 0, 0), (1600, 0, 2000, 1000))  # the right edge is red
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    article.head_image = image_normalize(upload(buffer.getvalue(), "edge.png"))
    article_save(article=article)
    crop = article.renditions.get(spec="fill-400x300", format="PNG")
    with Image.open(crop.file.path) as result:
        assert result.convert("RGB").getpixel((399, 150)) == (255, 0, 0)


def test_removing_the_head_image_removes_its_renditions_and_their_files(django_capture_on_commit_callbacks):
    article = head_image_article()
    files = [Path(r.file.path) for r in article.renditions.all()]
    article.head_image = ""
    with django_capture_on_commit_callbacks(execute=True):
        article_save(article=article)
    assert not Rendition.objects.exists()
    assert not any(path.exists() for path in files)


def test_pages_show_a_picture_with_webp_srcset_and_sizes_or_the_remote_image():
    article = head_image_article(head_image_alt="现场")
    html = Template(
        "{% load article_images %}{% article_head_picture article %}|{% article_card_picture article %}"
    ).render(Context({"article": Article.objects.prefetch_related("renditions").get(pk=article.pk)}))
    head, card = html.split("|")
    assert '<source type="image/webp" srcset="' in head and " 800w, " in head and " 1600w" in head
    assert 'sizes="(min-width: 860px) 800px, 100vw"' in head and 'alt="现场"' in head
    assert "fill-400x300.webp" in card and "fill-400x300.jpg" in card and 'width="200" height="150"' in card

    imported = ArticleFactory(
        head_image_url="https://img.36krcdn.com/a.jpg", thumbnail_url="https://img.36krcdn.com/t.jpg"
    )
    html = Template(
        "{% load article_images %}{% article_head_picture article %}|{% article_card_picture article %}"
    ).render(Context({"article": imported}))
    assert 'src="https://img.36krcdn.com/a.jpg"' in html and 'src="https://img.36krcdn.com/t.jpg"' in html


def test_renditions_cost_no_query_on_list_pages(client, django_assert_max_num_queries):
    for _ in range(3):
        head_image_article()
    now = timezone.localtime()
    with django_assert_max_num_queries(9):  # the list's reads and the header's sections
        response = client.get(f"/archive/{now.year}/{now.month:02d}/")
    assert response.content.decode().count('type="image/webp"') == 3
