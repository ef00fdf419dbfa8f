"""An export's images come back: export -> import into an empty database stores the same head
images, thumbnails and project logos (same bytes), from a directory and from a zip, and keeps
the remote URLs so images_fetch does not fetch them again."""

import io
import json
import shutil
import subprocess
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Project
from articles.services.articles import article_save
from articles.services.exporting import articles_export_zip
from articles.services.importing import posts_import
from articles.services.remote_images import remote_images_pending
from tests.articles.test_exporting import ORACLE, empty_database, snapshot

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ANCHOR = (
    '<a class="project-link" data-id="8301" data-name="星河" data-logo="https://img.example.com/8301.png" '
    'href="https://example.com/8301">星河</a>'
)


def picture(image_format: str, size=(64, 48), colour=(200, 40, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, image_format)
    return buffer.getvalue()


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def articles_with_images(editor_user):
    """An imported story with its remote head image brought home (PNG), a JPEG thumbnail and a
    project logo; and an editor's story with an uploaded head image and no remote URL."""
    imported = article_save(
        article=Article(
            title="带题图的稿子",
            body=f"<p>文 | 林晓</p><p>提到{ANCHOR}。</p>",
            status=Article.Status.PUBLISHED,
            published_at=datetime(2022, 5, 1, 9, 30, tzinfo=SHANGHAI),
            head_image_url="https://img.example.com/head.png",
            thumbnail_url="https://img.example.com/thumb.jpg",
        ),
        categories=["科技"],
        by=editor_user,
    )
    imported.head_image.save("h.png", ContentFile(picture("PNG")), save=False)
    imported.thumbnail.save("t.jpg", ContentFile(picture("JPEG", (40, 30), (10, 120, 200))), save=False)
    Article.objects.filter(pk=imported.pk).update(
        head_image=imported.head_image.name, thumbnail=imported.thumbnail.name
    )
    project = Project.objects.get(external_id="8301")
    project.logo.save("l.png", ContentFile(picture("PNG", (24, 24), (0, 0, 0))), save=True)
    uploaded = article_save(
        article=Article(
            title="编辑上传的题图",
            body="<p>正文</p>",
            status=Article.Status.REVIEW,
            published_at=datetime(2023, 1, 2, 3, 4, 5, tzinfo=SHANGHAI),
        ),
        by=editor_user,
    )
    uploaded.head_image.save("u.jpg", ContentFile(picture("JPEG", (80, 60))), save=False)
    Article.objects.filter(pk=uploaded.pk).update(head_image=uploaded.head_image.name)


def images():
    """Each article's stored image bytes and remote URLs, by key; each project's logo bytes."""
    found = {}
    for article in Article.objects.order_by("pk"):
        found[article.legacy_path or f"_posts/{article.pk}.md"] = {
            "head_image": read(article.head_image) if article.head_image else None,
            "thumbnail": read(article.thumbnail) if article.thumbnail else None,
            "head_image_url": article.head_image_url,
            "thumbnail_url": article.thumbnail_url,
        }
    logos = {p.external_id: read(p.logo) if p.logo else None for p in Project.objects.all()}
    return found, logos


def export(tmp_path, route):
    if route == "dir":
        call_command("export_markdown", str(tmp_path / "export"), stdout=io.StringIO())
        return tmp_path / "export"
    archive = tmp_path / "export.zip"
    archive.write_bytes(articles_export_zip(articles=Article.objects.all()))
    if route == "zip":
        return archive
    return SimpleUploadedFile("export.zip", archive.read_bytes(), "application/zip")  # the admin page


@pytest.mark.parametrize("route", ["dir", "zip", "upload"])
def test_an_export_imported_into_an_empty_database_brings_its_images_back(
    articles_with_images, tmp_path, route, client
):
    articles_before, images_before = snapshot(), images()
    assert all(values["head_image"] for values in images_before[0].values())
    given = export(tmp_path, route)
    empty_database()
    results = list(posts_import(inputs=[given]))
    assert [(r.status, r.warnings, r.error) for r in results] == [("created", [], None)] * 2
    assert snapshot() == articles_before
    assert images() == images_before  # the same bytes, so the same pixels
    story = Article.objects.get(title="带题图的稿子")
    assert story.head_image_url == "https://img.example.com/head.png"
    assert {r.format for r in story.renditions.all()} == {"WEBP", "PNG"}
    assert remote_images_pending() == []  # images_fetch has nothing to fetch again
    page = client.get(f"/p/{story.pk}/").content.decode()
    logo = Project.objects.get().logo
    assert f'src="{logo.url}"' in page and 'src="https://img.example.com/8301.png"' not in page


def test_the_export_names_its_image_files_in_the_front_matter(articles_with_images, tmp_path):
    root = export(tmp_path, "dir")
    story = Article.objects.get(title="带题图的稿子")
    text = (root / f"_posts/{story.pk}.md").read_text()
    assert "headimg: https://img.example.com/head.png\nthumbnail: https://img.example.com/thumb.jpg\n" in text
    assert f"headimg_file: {story.pk}/head.png\nthumbnail_file: {story.pk}/thumbnail.jpg\n" in text
    assert f"project_logos:\n  '8301': {story.pk}/logos/8301.png\n" in text
    assert (root / f"_posts/{story.pk}/head.png").read_bytes() == read(story.head_image)
    if not ORACLE.exists() or shutil.which("node") is None:
        return  # ../shared/tools/hexo-oracle is test data outside the repository
    hexo = json.loads(
        subprocess.run([str(ORACLE), str(root)], capture_output=True, text=True, check=True).stdout
    )
    assert hexo[f"_posts/{story.pk}.md"]["headimg_file"] == f"{story.pk}/head.png"
    assert hexo[f"_posts/{story.pk}.md"]["project_logos"] == {"8301": f"{story.pk}/logos/8301.png"}


def test_an_image_file_that_is_missing_unsafe_or_not_an_image_is_a_warning(write_post, tmp_path):
    write_post("a/head.png", picture("PNG"))
    write_post("a/thumbnail.jpg", b"<html>not an image</html>")
    write_post(
        "a.md",
        "---\ntitle: 图片\ndate: 2022-05-01\nheadimg: https://img.example.com/h.png\n"
        "headimg_file: a/head.png\nthumbnail_file: a/thumbnail.jpg\n---\n<p>正文</p>\n",
    )
    write_post(
        "b.md",
        "---\ntitle: 另一篇\ndate: 2022-05-02\nheadimg_file: b/missing.png\n"
        "thumbnail_file: ../../outside.png\n---\n<p>正文</p>\n",
    )
    (tmp_path / "outside.png").write_bytes(picture("PNG"))
    first, second = posts_import(inputs=[write_post.root])
    assert (first.status, second.status) == ("created", "created")
    assert len(first.warnings) == 1
    assert "thumbnail_file 图片 a/thumbnail.jpg 未能导入（这不是可识别的图片文件" in first.warnings[0]
    assert len(second.warnings) == 2
    assert "headimg_file 图片 b/missing.png 未能导入（文件不存在）" in second.warnings[0]
    assert "thumbnail_file 图片 ../../outside.png 未能导入（路径越出了文章所在的目录）" in second.warnings[1]
    a, b = Article.objects.get(pk=first.article_id), Article.objects.get(pk=second.article_id)
    assert a.head_image and not a.thumbnail and a.head_image_url == "https://img.example.com/h.png"
    assert not b.head_image and not b.thumbnail


def test_a_zip_member_beside_the_post_is_read_and_a_dirty_image_is_cleaned(tmp_path):
    from tests.image_files import dirty, leftovers

    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "source/_posts/a.md", "---\ntitle: 图片\ndate: 2022-05-01\nheadimg_file: a/h.jpg\n---\n"
        )
        zipped.writestr("source/_posts/a/h.jpg", dirty("JPEG"))
    (result,) = posts_import(inputs=[archive])
    assert (result.status, result.warnings) == ("created", [])
    stored = read(Article.objects.get().head_image)
    assert stored != dirty("JPEG") and leftovers(stored) == []


def change_page(admin_client, article) -> str:
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_shows_a_remote_head_image_its_url_and_its_state(admin_client, write_post):
    url = "https://img.example.com/far-away.png"
    write_post("a.md", f"---\ntitle: 远程题图\ndate: 2022-05-01\nheadimg: '{url}'\n---\n<p>正文</p>\n")
    (result,) = posts_import(inputs=[write_post.root])
    article = Article.objects.get(pk=result.article_id)

    page = change_page(admin_client, article)  # not fetched yet: shown from its host, and said so
    assert f'<img src="{url}"' in page
    assert f'<a href="{url}" rel="noopener noreferrer">{url}</a><br>尚未下载（使用远程地址）' in page

    failed = {"url": url, "state": "failed", "error": "下载超时", "attempts": 2}
    Article.objects.filter(pk=article.pk).update(image_fetch={"head_image": failed})
    page = change_page(admin_client, article)  # failed: no broken box, the URL and the reason
    assert f'<img src="{url}"' not in page
    assert page.count("下载失败（第 2 次）：下载超时") == 2  # in the preview and beside its URL
    assert f'<a href="{url}" rel="noopener noreferrer">{url}</a>' in page

    article.head_image.save("h.png", ContentFile(picture("PNG")), save=False)
    Article.objects.filter(pk=article.pk).update(head_image=article.head_image.name)
    page = change_page(admin_client, article)  # stored: the copy, and the remote URL it came from
    assert f'<img src="{article.head_image.url}"' in page and f'<img src="{url}"' not in page
    assert f"{url}</a><br>已保存到本站" in page


def test_the_dry_run_reports_the_image_files_it_would_refuse_and_stores_nothing(write_post):
    write_post("a/head.png", picture("PNG"))
    write_post(
        "a.md",
        "---\ntitle: 图片\ndate: 2022-05-01\nheadimg_file: a/head.png\nthumbnail_file: a/no.jpg\n---\n",
    )
    (result,) = posts_import(inputs=[write_post.root], dry_run=True)
    assert result.status == "created"
    assert [w.split("（")[0] for w in result.warnings] == ["thumbnail_file 图片 a/no.jpg 未能导入"]
    assert not Article.objects.exists()


def test_an_updated_post_keeps_a_stored_image_with_the_same_bytes_and_takes_a_new_one(write_post):
    write_post("a/head.png", picture("PNG"))
    front = "---\ntitle: 图片\ndate: 2022-05-01\nheadimg_file: a/head.png\n---\n"
    write_post("a.md", front + "<p>一</p>\n")
    list(posts_import(inputs=[write_post.root]))
    first = Article.objects.get().head_image.name
    write_post("a.md", front + "<p>二</p>\n")
    (result,) = posts_import(inputs=[write_post.root])
    assert (result.status, Article.objects.get().head_image.name) == ("updated", first)
    write_post("a/head.png", picture("PNG", colour=(1, 2, 3)))
    write_post("a.md", front + "<p>三</p>\n")
    list(posts_import(inputs=[write_post.root]))
    article = Article.objects.get()
    assert article.head_image.name != first and read(article.head_image) == picture("PNG", colour=(1, 2, 3))
    assert {r.source for r in article.renditions.all()} == {article.head_image.name}


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_only_a_file_that_is_nothing_but_pixels_keeps_its_bytes(image_format):
    from articles.services.image_containers import pixels_only
    from articles.services.images import image_normalize
    from tests.image_files import dirty

    clean = image_normalize(ContentFile(dirty(image_format))).read()
    assert pixels_only(clean, image_format)
    for spoiled in (dirty(image_format), clean + b"PK\x03\x04", clean[:-1], clean[:20], b""):
        assert not pixels_only(spoiled, image_format)
    kept = image_normalize(ContentFile(clean), keep_pixels_only=True)
    assert kept.read() == clean
    recoded = image_normalize(ContentFile(dirty(image_format)), keep_pixels_only=True).read()
    assert recoded == clean  # a dirty file is re-encoded, as any upload is


def test_a_link_beside_the_post_that_leads_out_of_the_import_is_not_followed(write_post, tmp_path):
    (tmp_path / "outside.png").write_bytes(picture("PNG"))
    write_post("c.md", "---\ntitle: 链接\ndate: 2022-05-01\nheadimg_file: c/link.png\n---\n")
    (write_post.root / "c").mkdir()
    (write_post.root / "c" / "link.png").symlink_to(tmp_path / "outside.png")
    (result,) = posts_import(inputs=[write_post.root])
    assert result.status == "created" and "c/link.png 未能导入（路径越出了导入目录）" in result.warnings[0]
    assert not Article.objects.get().head_image
