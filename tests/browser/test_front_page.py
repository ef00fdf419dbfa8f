"""The newsroom's front page in a real browser: an editor pins a story and it leads the home
page; a reader on a phone opens the section menu and reaches a section."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Category
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_pins_a_story_and_sees_it_lead_the_home_page(open_page, editor_user):
    older = ArticleFactory(title="三天前的深度报道", published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(title="刚刚发布的消息", published_at=timezone.now() - timedelta(minutes=5))
    reader = open_page()
    reader.goto("/")
    assert reader.locator(".lead .lead-title").inner_text() == "刚刚发布的消息"

    page = open_page(editor_user)
    page.goto("/admin/articles/article/")
    page.check(f"input[name=_selected_action][value='{older.pk}']")
    page.select_option("select[name=action]", "pin_as_lead")
    with page.expect_navigation():
        page.click("button[name=index]")
    assert page.locator(".messagelist .success").count() == 1
    page.goto("/admin/articles/frontpageslot/")
    with page.expect_navigation():
        page.click("#result_list tbody tr th a")
    page.fill("#id_title", "编辑改写：三天前的深度报道")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert page.locator(".messagelist .success").count() == 1

    reader.goto("/")
    lead = reader.locator(".lead .lead-title a")
    assert lead.inner_text() == "编辑改写：三天前的深度报道"
    lead.click()
    reader.wait_for_url(f"**{older.get_absolute_url()}")
    assert reader.locator("h1.article-title").inner_text() == "三天前的深度报道"


def test_a_reader_on_a_phone_opens_the_menu_and_reaches_a_section(open_page):
    section = Category.objects.create(name="科技", nav_position=1, description="科技公司与产品")
    article = ArticleFactory(title="芯片公司完成融资")
    article.categories.add(section)
    page = open_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert not page.locator(".nav-wide").is_visible()
    menu_link = page.locator(".nav-menu a", has_text="科技")
    assert not menu_link.is_visible()
    page.click(".nav-menu summary")
    menu_link.wait_for(state="visible")
    # One column: the main column is as wide as the page allows.
    main_width = page.locator(".home-main").bounding_box()["width"]
    assert main_width > 330
    menu_link.click()
    page.wait_for_url("**/categories/**")
    assert page.locator("h1.page-title").inner_text() == "科技"
    assert "芯片公司完成融资" in page.locator("main").inner_text()
    assert page.errors == []
