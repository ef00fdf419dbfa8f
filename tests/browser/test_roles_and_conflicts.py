"""Roles and concurrent editing in a real browser: a Writer cannot publish by any route, and
two editors saving the same article get a conflict instead of a silent overwrite."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.services.articles import article_save
from tests.browser.conftest import editor_data, save_and_continue, wait_for_editor
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_writer_cannot_publish_through_the_form_a_crafted_form_or_a_bulk_action(open_page, writer_user):
    page = open_page(writer_user)
    page.goto("/admin/articles/article/add/")
    wait_for_editor(page)
    options = page.eval_on_selector_all("#id_status option", "options => options.map(o => o.value)")
    assert options == ["draft", "review"]
    assert page.locator("#id_published_at_0").count() == 0  # scheduling is for editors
    page.fill("#id_title", "记者的稿子")
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("写好了，请编辑审核。")
    page.select_option("#id_status", "review")
    save_and_continue(page)
    article = Article.objects.get(title="记者的稿子")
    assert article.status == Article.Status.REVIEW and article.created_by == writer_user

    # A crafted form: the writer adds a "published" option to the page and submits it.
    page.evaluate(
        """() => { const status = document.getElementById('id_status');
                   status.add(new Option('已发布', 'published')); status.value = 'published'; }"""
    )
    save_and_continue(page)
    assert page.locator(".errorlist").count() >= 1
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW

    # A crafted bulk action: the publish action is not offered, and posting it does nothing.
    page.goto("/admin/articles/article/")
    actions = page.eval_on_selector_all("select[name=action] option", "options => options.map(o => o.value)")
    assert "publish_selected" not in actions and "submit_selected" in actions
    token = page.input_value("input[name=csrfmiddlewaretoken]")
    response = page.request.post(
        "/admin/articles/article/",
        form={
            "action": "publish_selected",
            "_selected_action": str(article.pk),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status in (200, 302)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.published_at is None


def test_two_editors_saving_the_same_article_get_a_conflict_and_nothing_is_overwritten(
    open_page, editor_user
):
    other = UserFactory(username="editor2", is_staff=True)
    other.groups.add(*editor_user.groups.all())
    article = ArticleFactory.build(
        title="两位编辑同时修改", body="<p>原来的第一段。</p><p>原来的第二段。</p>"
    )
    article_save(article=article)
    first, second = open_page(editor_user), open_page(other)
    for page in (first, second):
        page.goto(f"/admin/articles/article/{article.pk}/change/")
        wait_for_editor(page)

    first.locator(".ck-editor__editable p").first.click()
    first.keyboard.press("End")
    first.keyboard.type("甲补充的一句。")
    save_and_continue(first)
    assert first.locator(".messagelist .success").count() == 1

    second.fill("#id_title", "乙改的标题")
    second.locator(".ck-editor__editable p").last.click()
    second.keyboard.press("End")
    second.keyboard.type("乙补充的一句。")
    save_and_continue(second)

    conflict = second.locator(".masthead-conflict")
    assert conflict.is_visible()
    text = conflict.inner_text()
    assert "保存冲突" in text and "editor" in text
    assert "甲补充的一句。" in text  # what the other editor changed
    assert "乙补充的一句。" in text  # and what this editor would have changed
    assert "乙补充的一句。" in editor_data(second)  # the editor's own text is still in the form
    article.refresh_from_db()
    assert article.title == "两位编辑同时修改"
    assert article.body == "<p>原来的第一段。甲补充的一句。</p><p>原来的第二段。</p>"
