"""The article editor speaks a Chinese newsroom's language: it counts 字数, its headings and
project links look like what readers will see."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_editor
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_counts_characters_and_styles_headings_and_project_links(open_page, editor_user):
    article = ArticleFactory(
        body=(
            '<h2>行业观察</h2><p>芯片公司 ABC 完成融资，'
            '<a class="project-link" data-id="8301" data-name="青松数据" href="https://36kr.com/p/8301">青松数据</a>领投。</p>'
        )
    )
    page = open_page(editor_user)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    wait_for_editor(page)
    count = page.locator(".masthead-character-count")
    # 行业观察 4 + 芯片公司 4 + ABC 1 + 完成融资 4 + 青松数据 4 + 领投 2 = 19
    page.wait_for_function("() => document.querySelector('.masthead-character-count').textContent.includes('19')")
    assert count.inner_text() == "字数：19"
    assert page.locator(".word-count").inner_text() == ""  # no word count: Chinese has no words
    sizes = page.evaluate(
        """() => ['h2', 'p'].map(tag => parseFloat(getComputedStyle(
               document.querySelector('.ck-content ' + tag)).fontSize))"""
    )
    assert sizes[0] > sizes[1] * 1.2
    link = page.locator(".ck-content a.project-link")
    assert link.evaluate("a => getComputedStyle(a).borderBottomStyle") == "solid"
    link.hover()
    label = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "青松数据" in label
    page.locator(".ck-content p").first.click()
    page.keyboard.press("End")
    page.keyboard.type("新增五个字")
    page.wait_for_function("() => document.querySelector('.masthead-character-count').textContent === '字数：24'")
