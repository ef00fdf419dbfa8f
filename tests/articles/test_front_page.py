"""The curated front page: pinned lead and featured stories, expiry, section blocks, cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, Category, FrontPageSlot
from articles.services.front_page import front_page_pin
from articles.site.front_page import front_page
from tests.factories import ArticleFactory
from tests.image_files import dirty

pytestmark = pytest.mark.django_db


def story(title: str, hours_ago: float, **fields) -> Article:
    return ArticleFactory(title=title, published_at=timezone.now() - timedelta(hours=hours_ago), **fields)


def region(html: str, css_class: str) -> str:
    match = re.search(rf'<section class="{css_class}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="[a-z-]*title"[^>]*><a href="[^"]*">([^<]+)</a>', html)


@pytest.fixture
def stories() -> list[Article]:
    return [story(f"新闻{n}", hours_ago=n) for n in range(8)]


def test_without_picks_the_newest_story_leads_and_the_next_are_featured(client, stories):
    html = client.get("/").content.decode()
    assert titles(region(html, "lead")) == ["新闻0"]
    assert titles(region(html, "featured")) == ["新闻1", "新闻2", "新闻3", "新闻4"]
    latest = html[html.index('id="latest-title"') :]
    assert "新闻0" not in latest and "新闻1" in latest


def test_a_pinned_lead_with_its_own_title_and_image_leads(client, stories, editor_user):
    slot = front_page_pin(
        article=stories[6], kind=FrontPageSlot.Kind.LEAD, by=editor_user, title="编辑改写的头条标题"
    )
    slot.image = SimpleUploadedFile("front.jpg", dirty("JPEG"), content_type="image/jpeg")
    slot.save()
    html = client.get("/").content.decode()
    lead = region(html, "lead")
    assert titles(lead) == ["编辑改写的头条标题"]
    assert f'href="{stories[6].get_absolute_url()}"' in lead
    assert re.search(r'<img src="/media/front/\d{4}/\d{2}/[0-9a-f]{32}\.jpg"', lead)
    # The newest story is no longer the lead: it is featured, and in the latest list.
    assert titles(region(html, "featured"))[0] == "新闻0"


def test_featured_picks_come_first_in_order_then_the_newest_fill_the_row(client, stories, editor_user):
    second = FrontPageSlot.objects.create(article=stories[7], kind="featured", position=2)
    FrontPageSlot.objects.create(article=stories[5], kind="featured", position=1)
    assert second.pk
    html = client.get("/").content.decode()
    assert titles(region(html, "featured")) == ["新闻5", "新闻7", "新闻1", "新闻2"]


def test_an_expired_or_hidden_pick_falls_back_to_the_newest_story(client, stories):
    past = timezone.now() - timedelta(minutes=1)
    FrontPageSlot.objects.create(article=stories[6], kind="lead", expires_at=past)
    FrontPageSlot.objects.create(article=stories[7], kind="featured", expires_at=past)
    draft = story("还在草稿里", hours_ago=0, status=Article.Status.DRAFT)
    FrontPageSlot.objects.create(article=draft, kind="lead")
    html = client.get("/").content.decode()
    assert titles(region(html, "lead")) == ["新闻0"]
    assert "新闻7" not in region(html, "featured") and "还在草稿里" not in html


def test_a_pick_is_cached_no_longer_than_until_it_expires(client, stories, settings):
    settings.ARTICLES_CDN_CACHE_SECONDS = 3600
    FrontPageSlot.objects.create(
        article=stories[6], kind="lead", expires_at=timezone.now() + timedelta(minutes=5)
    )
    response = client.get("/")
    max_age = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
    assert 0 < max_age <= 300
    assert "front-page" in response["Surrogate-Key"].split()


def test_pinning_empties_the_cached_front_page_at_once(client, stories, editor_user):
    client.get("/")
    assert client.get("/")["X-Cache"] == "hit"
    front_page_pin(article=stories[3], kind="lead", by=editor_user)
    html = client.get("/").content.decode()
    assert titles(region(html, "lead")) == ["新闻3"]


def test_writers_cannot_pin(stories, writer_user):
    with pytest.raises(PermissionDenied):
        front_page_pin(article=stories[0], kind="lead", by=writer_user)


def test_the_admin_action_pins_the_chosen_story_as_lead(admin_client, client, stories):
    response = admin_client.post(
        "/admin/articles/article/", {"action": "pin_as_lead", "_selected_action": [stories[5].pk]}
    )
    assert response.status_code == 302
    assert titles(region(client.get("/").content.decode(), "lead")) == ["新闻5"]
    assert admin_client.get("/admin/articles/frontpageslot/").status_code == 200


def test_the_admin_list_says_which_slots_show_now(admin_client, stories):
    past = timezone.now() - timedelta(hours=1)
    showing = FrontPageSlot.objects.create(article=stories[1], kind="featured", title="在显示")
    expired = FrontPageSlot.objects.create(article=stories[2], kind="featured", title="已到期", expires_at=past)
    html = admin_client.get("/admin/articles/frontpageslot/").content.decode()
    rows = {pk: row for pk, row in re.findall(r'<tr[^>]*>(?:(?!</tr>).)*?value="(\d+)"((?:(?!</tr>).)*)</tr>', html, re.S)}
    assert "icon-yes" in rows[str(showing.pk)] and "icon-no" in rows[str(expired.pk)]


def test_each_section_gets_a_block_of_its_newest_stories_not_shown_above(client, stories):
    tech = Category.objects.create(name="科技", nav_position=1)
    for article in stories[:7]:
        article.categories.add(tech)
    Category.objects.create(name="空栏目", nav_position=2)
    html = client.get("/").content.decode()
    block = region(html, "section-block")
    assert ">科技</a></h2>" in block
    assert [t for t in re.findall(r'class="card-title"><a href="[^"]*">([^<]+)<', block)] == [
        "新闻5",
        "新闻6",
    ]
    assert "空栏目" not in html.split('id="main"')[1]


@override_settings(ARTICLES_PAGE_SIZE=5)
def test_the_front_page_costs_the_same_queries_however_many_stories_picks_and_sections(
    client, django_assert_max_num_queries
):
    def grow(count: int) -> None:
        section = Category.objects.create(name=f"栏目{Category.objects.count()}", nav_position=1)
        for n in range(count):
            article = story(f"故事{n}", hours_ago=n)
            article.categories.add(section)
            FrontPageSlot.objects.create(article=article, kind="featured" if n % 2 else "lead")

    grow(3)
    with django_assert_max_num_queries(16) as few:
        assert client.get("/").status_code == 200
    grow(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get("/?page=2").status_code == 200


def test_the_front_page_selector_reads_fixed_queries(stories, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = front_page()
    assert page.lead.article == stories[0] and len(page.featured) == 4


@pytest.fixture
def page_cache_off(settings):
    settings.ARTICLES_PAGE_CACHE_SECONDS = 0  # every request renders: the fragments are what is cached


def test_the_cached_top_and_sidebar_cost_no_query_of_their_own(
    client, stories, page_cache_off, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16) as cold:
        first = client.get("/").content.decode()
    with django_assert_max_num_queries(len(cold.captured_queries) - 4):
        assert client.get("/").content.decode() == first


def test_edits_show_at_once_on_the_front_page_made_of_cached_fragments(
    client, stories, editor_user, page_cache_off
):
    tech = Category.objects.create(name="科技", nav_position=1)
    for article in stories:
        article.categories.add(tech)
    client.get("/")
    lead = stories[0]
    lead.title = "改过的头条"
    lead.save()
    html = client.get("/").content.decode()
    assert titles(region(html, "lead")) == ["改过的头条"]
    front_page_pin(article=stories[4], kind="featured", by=editor_user)
    assert titles(region(client.get("/").content.decode(), "featured"))[0] == "新闻4"
    in_block = stories[7]
    in_block.title = "栏目里改过的标题"
    in_block.save()
    assert "栏目里改过的标题" in region(client.get("/").content.decode(), "section-block")
    story("刚到的快讯", hours_ago=0.1, kind=Article.Kind.FLASH)
    assert "刚到的快讯" in client.get("/").content.decode().split('class="home-aside"')[1]


def test_a_cached_front_page_fragment_is_not_used_once_a_pick_expires(
    client, stories, page_cache_off, monkeypatch
):
    FrontPageSlot.objects.create(
        article=stories[6], kind="lead", expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert titles(region(client.get("/").content.decode(), "lead")) == ["新闻6"]
    assert titles(region(client.get("/").content.decode(), "lead")) == ["新闻6"]  # cached
    later = timezone.now() + timedelta(minutes=6)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    monkeypatch.setattr("time.time", lambda: later.timestamp())
    assert titles(region(client.get("/").content.decode(), "lead")) == ["新闻0"]
