"""The admin's "Import legacy posts" (导入旧文章) page."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/articles/import/"
REPORT_URL = "/admin/articles/import/report.json"


def md(name, title="导入的文章", date="2022-05-01 10:00:00"):
    return SimpleUploadedFile(name, f"---\ntitle: {title}\ndate: {date}\n---\n文 | 林晓\n\n正文。\n".encode())


def zipped(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def importer(client):
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="import_articles"), Permission.objects.get(codename="view_article")
    )
    client.force_login(user)
    return client


def test_staff_with_the_permission_upload_markdown_files_and_see_the_report(importer):
    page = importer.get(URL)
    assert page.status_code == 200 and "导入旧文章" in page.content.decode()
    response = importer.post(URL, {"files": [md("一.md", "第一篇"), md("二.md", "第二篇")]})
    assert response.status_code == 200
    report = response.context["report"]
    assert report["summary"]["created"] == 2
    assert sorted(Article.objects.values_list("title", flat=True)) == ["第一篇", "第二篇"]
    html = response.content.decode()
    assert '<table id="import-files">' in html
    for article in Article.objects.all():  # titles linked to their change pages
        assert f'<a href="/admin/articles/article/{article.pk}/change/">{article.title}</a>' in html
    assert html.count('<td class="import-status">新建</td>') == 2
    assert article.credits.get().author.name == "林晓"


def test_the_page_is_laid_out_like_the_admins_own_forms_and_tables(importer):
    page = importer.get(URL).content.decode()
    assert '<div class="breadcrumbs">' in page and 'href="/admin/articles/article/"' in page
    assert page.count('<fieldset class="module aligned') == 2
    for option in ("dry_run", "overwrite", "fetch_images", "publish_undated"):
        assert f'name="{option}"' in page
    assert page.count("checkbox-row") == 4
    response = importer.post(URL, {"files": [md("一.md", "第一篇")], "dry_run": "on"})
    html = response.content.decode()
    assert '<div class="module import-results">' in html and "articles/admin/import.css" in html
    assert '<th scope="col" class="import-status">结果</th>' in html
    assert "/admin/articles/article/" not in html.split('id="import-files"')[1]  # a dry run links nothing
    css = (Path(settings.BASE_DIR) / "static/articles/admin/import.css").read_text()
    assert ".import-status { white-space: nowrap; }" in css


def test_a_zip_upload_imports_its_posts_and_reports_failures(importer):
    archive = zipped(
        "site.zip",
        {
            "posts/好.md": "---\ntitle: 好文章\ndate: 2022-05-01\n---\n正文\n",
            "posts/坏.md": "---\ntitle: [坏\n---\n",
            "../escape.md": "---\ntitle: 越界\n---\n",
        },
    )
    response = importer.post(URL, {"files": [archive]})
    files = {f["path"]: f for f in response.context["report"]["files"]}
    assert files["posts/好.md"]["status"] == "created"
    assert files["posts/坏.md"]["status"] == "failed" and "YAML" in files["posts/坏.md"]["error"]
    assert files["../escape.md"]["status"] == "failed"
    assert list(Article.objects.values_list("title", flat=True)) == ["好文章"]
    assert "越出了导入目录" in response.content.decode()


def test_a_dry_run_writes_nothing(importer):
    response = importer.post(URL, {"files": [md("一.md")], "dry_run": "on"})
    assert response.context["report"]["summary"]["created"] == 1
    assert response.context["report"]["files"][0]["article_url"] is None
    assert Article.objects.count() == 0
    assert "预演结果（未写入任何内容）" in response.content.decode()


def test_the_report_downloads_as_json(importer):
    importer.post(URL, {"files": [md("一.md"), md("坏.md", title="[x")]})
    response = importer.get(REPORT_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="import-report.json"'
    report = json.loads(response.content)
    assert set(report) == {"summary", "files"}
    assert report["summary"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "failed": 1,
        "warnings": 0,
        "date_unverified": 0,
    }
    assert [f["path"] for f in report["files"]] == ["一.md", "坏.md"]


def test_there_is_no_report_to_download_before_an_import(importer):
    assert importer.get(REPORT_URL).status_code == 404


def test_other_file_types_are_refused(importer):
    response = importer.post(URL, {"files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert response.context["report"] is None
    assert "a.exe 不是 .md 或 .zip 文件。" in response.content.decode()


def test_staff_without_the_permission_are_denied(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": [md("一.md")]}).status_code == 403
    assert client.get(REPORT_URL).status_code == 403
    assert Article.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_article_list_links_to_the_import_page_for_importers_only(importer, client):
    assert f'href="{URL}"' in importer.get("/admin/articles/article/").content.decode()
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    assert f'href="{URL}"' not in client.get("/admin/articles/article/").content.decode()


def test_a_zip_member_name_with_nul_or_a_lying_utf8_flag_is_a_failed_row_not_a_500(importer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("好.md", "---\ntitle: 好文章\n---\n正文\n")
        for placeholder in ("QQQQQQ", "RRRRR"):  # as long as the names that replace them
            info = zipfile.ZipInfo(placeholder)
            info.flag_bits |= 0x800
            archive.writestr(info, "---\ntitle: 坏\n---\n正文\n")
    data = buffer.getvalue().replace(b"QQQQQQ", b"a\x00b.md").replace(b"RRRRR", b"\xff\xfe.md")
    response = importer.post(URL, {"files": [SimpleUploadedFile("h.zip", data)]})
    assert response.status_code == 200
    files = {f["path"]: f for f in response.context["report"]["files"]}
    assert files["好.md"]["status"] == "created"
    assert "NUL" in files["a\\x00b.md"]["error"]
    assert "编码无法识别" in files["\\xff\\xfe.md"]["error"]
    assert "a\\x00b.md" in response.content.decode()
