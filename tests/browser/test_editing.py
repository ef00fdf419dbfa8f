"""An editor's day in a real browser: write in CKEditor 5, reference a project, upload images,
publish and read it on the site; autosave; inline image uploads."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAutosave, Category, ProjectMention
from tests.browser.conftest import csp_violations, editor_data, save_and_continue, wait_for_editor
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def image_bytes(image_format: str = "JPEG", size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, image_format)
    return buffer.getvalue()


def select_text_in_first_paragraph(page, text: str) -> None:
    page.evaluate(
        """text => {
            const editor = window.editors['id_body'];
            editor.model.change(writer => {
                const paragraph = editor.model.document.getRoot().getChild(0);
                let data = '';
                for (const item of paragraph.getChildren()) { data += item.data || ''; }
                const start = data.indexOf(text);
                writer.setSelection(writer.createRange(
                    writer.createPositionAt(paragraph, start), writer.createPositionAt(paragraph, start + text.length)));
            });
        }""",
        text,
    )


def test_editor_writes_references_a_project_uploads_a_head_image_publishes_and_readers_see_it(
    open_page, editor_user
):
    ProjectFactory(
        external_id="436726",
        name="芯声智能",
        logo_url="https://img.example.com/xinsheng.png",
        url="https://36kr.com/projectDetails/436726",
        refer_type="2",
    )
    Category.objects.create(name="资讯")
    page = open_page()
    page.goto("/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.click("input[type=submit]")
    wait_for_editor(page)

    page.fill("#id_title", "芯声智能完成A轮融资")
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("36氪获悉，芯声智能完成数千万元A轮融资。")
    page.keyboard.press("Enter")
    page.keyboard.type("本轮资金将用于芯片研发。")
    select_text_in_first_paragraph(page, "芯声智能")
    page.fill(".masthead-project-q", "芯声")
    page.click(".masthead-project-choice[data-project-id='436726']")
    assert 'data-id="436726"' in editor_data(page)

    page.set_input_files(
        "#id_head_image", files=[{"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}]
    )
    page.fill("#id_head_image_alt", "芯声智能的芯片")
    page.select_option("#id_status", "published")
    published_at = timezone.localtime() - timedelta(minutes=5)
    page.fill("#id_published_at_0", published_at.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", published_at.strftime("%H:%M:%S"))
    page.select_option("#id_categories", label="资讯")
    assert csp_violations(page) == []  # CKEditor 5 runs under the site's strict policy
    save_and_continue(page)

    assert page.locator(".messagelist .success").count() == 1, page.locator(
        ".errornote, .errorlist"
    ).all_inner_texts()
    assert csp_violations(page) == [] and page.errors == []
    article = Article.objects.get(title="芯声智能完成A轮融资")
    assert article.status == Article.Status.PUBLISHED and article.created_by == editor_user
    # The server filled what the picker left out, from the Project record.
    assert (
        '<a class="project-link" data-id="436726" data-name="芯声智能" '
        'data-logo="https://img.example.com/xinsheng.png" data-refer-type="2" '
        'href="https://36kr.com/projectDetails/436726">芯声智能</a>'
    ) in article.body
    assert ProjectMention.objects.get(article=article).project.name == "芯声智能"
    assert re.fullmatch(r"heads/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.head_image.name)
    assert article.renditions.count() == 6

    page.goto(article.get_absolute_url())
    assert page.locator("h1").inner_text() == "芯声智能完成A轮融资"
    link = page.locator("a.project-link[data-id='436726']")
    assert link.get_attribute("data-name") == "芯声智能"
    assert page.locator(".head-image picture source[type='image/webp']").count() == 1
    head = page.locator(".head-image picture img")
    assert head.get_attribute("alt") == "芯声智能的芯片"
    page.wait_for_function("() => document.querySelector('.head-image img').complete")
    assert head.evaluate("img => img.naturalWidth") > 0
    assert "芯声智能" in page.locator(".project-cards").inner_text()
    assert csp_violations(page) == []


def test_images_put_in_the_body_are_checked_stored_under_random_names_or_refused(open_page, editor_user):
    page = open_page(editor_user)
    page.goto("/admin/articles/article/add/")
    wait_for_editor(page)
    page.locator(".ck-editor__editable").click()
    upload = page.locator(".ck-toolbar input[type=file]").first
    upload.set_input_files(
        files=[{"name": "我的照片.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (640, 480))}]
    )
    page.wait_for_function("() => window.editors['id_body'].getData().includes('/media/uploads/')")
    src = re.search(r'<img\b[^>]*\ssrc="([^"]+)"', editor_data(page)).group(1)  # any attribute order
    assert re.fullmatch(r"/media/uploads/\d{4}/\d{2}/[0-9a-f]{32}\.png", src)
    assert (Path(settings.MEDIA_ROOT) / src.removeprefix("/media/")).is_file()

    with page.expect_event("dialog") as refused:
        upload.set_input_files(
            files=[
                {
                    "name": "page.png",
                    "mimeType": "image/png",
                    "buffer": b"<html><script>alert(1)</script></html>",
                }
            ]
        )
    message = refused.value.message
    refused.value.dismiss()
    assert csp_violations(page) == [] and page.errors == []
    assert "不是可识别的图片" in message
    stored = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert len(stored) == 1


def test_autosave_brings_back_what_was_typed_after_the_tab_was_closed(open_page, editor_user):
    page = open_page(editor_user)
    page.goto("/admin/articles/article/add/")
    wait_for_editor(page)
    page.fill("#id_title", "还没保存的稿子")
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("这一段写完就关了标签页。")
    page.wait_for_selector(".masthead-autosave-status:has-text('已自动保存')")
    page.close()

    page = open_page(editor_user)
    page.goto("/admin/articles/article/add/")
    wait_for_editor(page)
    assert page.locator(".masthead-autosave-banner").is_visible()
    page.click("[data-autosave-restore]")
    assert page.input_value("#id_title") == "还没保存的稿子"
    assert "这一段写完就关了标签页。" in editor_data(page)
    save_and_continue(page)
    assert Article.objects.get(title="还没保存的稿子").body == "<p>这一段写完就关了标签页。</p>"
    assert not ArticleAutosave.objects.exists()
