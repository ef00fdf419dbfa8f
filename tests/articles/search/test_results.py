"""The search page's results (``articles.site.search_results``): the byline made in Python is
the one ``articles/_byline.html`` renders, and a cached search page is purged by every change
a byline shows (the article's time, its credits, an author's name)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.caching import invalidation
from articles.models import Article, Author, Category, Credit
from articles.services.articles import article_save
from articles.site.search_results import byline_html
from articles.views_search import category_options
from tests.articles.search.test_page import results

pytestmark = pytest.mark.django_db

# Names with what HTML escapes, CJK and full-width characters.
_names = st.text(alphabet=st.sampled_from("苏建勋林小雨ＡＢab <>&\"'|（）·"), min_size=1, max_size=12)
_times = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)


class _Credit:
    def __init__(self, role: str, name: str) -> None:
        self.role = role
        self.author = Author(name=name)


class _Credits:
    def __init__(self, credits: list[_Credit]) -> None:
        self._credits = credits

    def all(self) -> list[_Credit]:
        return self._credits


@settings(max_examples=200, deadline=None)
@given(
    published_at=_times,
    credited=st.lists(st.tuples(st.sampled_from(list(Credit.Role.values)), _names), max_size=4),
)
def test_the_byline_is_what_the_byline_template_renders(published_at, credited):
    article = SimpleNamespace(
        published_at=published_at, credits=_Credits([_Credit(role, name) for role, name in credited])
    )
    expected = get_template("articles/_byline.html").render({"article": article})
    writers = [name for role, name in credited if role == Credit.Role.WRITER]
    assert byline_html(published_at, writers) == expected


# The search page's category filter as its template's loop rendered it.
_OPTIONS_LOOP = Template(
    '{% for category in categories %}<option value="{{ category.slug }}"'
    "{% if category.slug == selected %} selected{% endif %}>{{ category.name }}</option>\n"
    "      {% endfor %}"
)


@settings(max_examples=200, deadline=None)
@given(
    categories=st.lists(st.tuples(st.sampled_from(["zixun", "ai", "a&b", '"q"', "<x>"]), _names), max_size=6),
    selected=st.sampled_from(["", "zixun", "ai", "a&b", '"q"', "<x>"]),
)
def test_the_category_options_are_what_the_template_loop_rendered(categories, selected):
    shown = [SimpleNamespace(slug=slug, name=name) for slug, name in categories]
    expected = _OPTIONS_LOOP.render(Context({"categories": shown, "selected": selected}))
    assert category_options(shown, selected=selected) == expected


def test_the_category_filter_keeps_the_chosen_category(client, write_article):
    write_article("储能电站投运", categories=["资讯", "深度"])
    html = _search(client, "储能")
    assert html.count(" selected>") == 0
    chosen = Category.objects.get(name="深度")
    html = client.get(f"/search/?q=储能&category={chosen.slug}").content.decode()
    assert f'<option value="{chosen.slug}" selected>深度</option>' in html
    assert html.count(" selected>") == 1


def _search(client, text: str) -> str:
    response = client.get(f"/search/?q={text}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def page_cache(settings):
    settings.ARTICLES_PAGE_CACHE_SECONDS = 600


def test_results_link_to_each_article(client, write_article):
    articles = [write_article(f"储能电站第{n}座", days_ago=n) for n in range(1, 4)]
    assert [result["href"] for result in results(client.get("/search/?q=储能"))] == [
        article.get_absolute_url() for article in articles
    ]


def test_a_renamed_author_reaches_a_cached_search_page(client, write_article, page_cache):
    write_article("储能电站投运", "<p>文 | 林小雨</p><p>正文。</p>")
    assert "林小雨" in _search(client, "储能")
    assert client.get("/search/?q=储能")["X-Cache"] == "hit"
    author = Author.objects.get(name="林小雨")
    author.name = "林小雨（特约）"
    author.save()
    assert "林小雨（特约）" in _search(client, "储能")


def test_new_credits_and_a_new_time_reach_a_cached_search_page(client, write_article, page_cache):
    article = write_article("储能电站投运", "<p>文 | 林小雨</p><p>正文。</p>")
    assert "林小雨" in _search(client, "储能")
    article.body = "<p>文 | 韩梅梅</p><p>正文。</p>"
    article.published_at = timezone.now() - timedelta(days=3)
    article_save(article=article)
    html = _search(client, "储能")
    assert "韩梅梅" in html  # credited now (a save adds bylines to the credits)
    assert timezone.localtime(article.published_at).strftime("%H:%M") in html


def test_bylines_show_writers_only_in_credit_order(client, write_article):
    article = write_article("储能电站投运", "<p>文 | 林小雨、韩梅梅</p><p>正文。</p>")
    Credit.objects.create(article=article, author=Author.objects.create(name="李编辑", slug="li"), role="editor")
    html = _search(client, "储能")
    assert "李编辑" not in html
    assert html.index("林小雨") < html.index("韩梅梅")


def test_the_category_filter_follows_new_categories_and_renames(client, write_article, settings):
    settings.ARTICLES_PAGE_CACHE_SECONDS = 0  # every page rendered: the filter's own entry is cached
    write_article("储能电站投运", categories=["资讯"])
    assert ">资讯</option>" in _search(client, "储能")
    write_article("储能行业报告", categories=["深度"])
    html = _search(client, "储能")
    assert ">资讯</option>" in html and ">深度</option>" in html
    category = Category.objects.get(name="深度")
    category.name = "深度报道"
    category.save()
    assert ">深度报道</option>" in _search(client, "储能")


def test_the_category_filter_follows_a_scheduled_article_falling_due(
    client, write_article, settings, monkeypatch
):
    settings.ARTICLES_PAGE_CACHE_SECONDS = 0
    write_article("储能电站投运", categories=["资讯"])
    scheduled = write_article("储能行业报告", categories=["深度"], days_ago=-1)  # due tomorrow
    assert ">深度</option>" not in _search(client, "储能")
    # Time passes: the row is now due (moved without signals, as the clock would) and this
    # process's clock is past the moment the cache remembered.
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    real_clock = invalidation._clock
    monkeypatch.setattr(invalidation, "_clock", lambda: real_clock() + 2 * 86400)
    assert ">深度</option>" in _search(client, "储能")
