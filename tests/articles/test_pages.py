"""Reader pages: what each page type shows, what it never shows, and what it costs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from articles.services.articles import article_save
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CreditFactory,
    ProjectFactory,
    ProjectMentionFactory,
)
from tests.reader_site import IMPORTED_TITLE

pytestmark = pytest.mark.django_db

HIDDEN_TITLES = ("草稿：", "待审：", "撤回：", "定时：")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def reader_urls(site) -> list[str]:
    return [
        "/",
        site.imported.get_absolute_url(),
        site.category.get_absolute_url(),
        "/tags/企业服务/",
        site.writer.get_absolute_url(),
        site.project.get_absolute_url(),
        "/archive/",
        "/archive/2022/03/",
    ]


def test_no_reader_page_shows_drafts_scheduled_or_unpublished_articles(client, reader_site):
    for url in reader_urls(reader_site):
        content = page(client, url)
        for title in HIDDEN_TITLES:
            assert title not in content, (url, title)


def test_hidden_articles_are_404_for_readers(client, reader_site):
    for article in reader_site.hidden.values():
        assert client.get(article.get_absolute_url()).status_code == 404


def test_home_shows_the_newest_article_as_lead_story_then_the_latest(client, reader_site):
    content = page(client, "/")
    lead = re.search(r'<section class="lead".*?</section>', content, re.S).group(0)
    assert "云栖科技发布边缘计算新品" in lead
    latest = content[content.index('id="latest-title"') :]
    assert "云栖科技发布边缘计算新品" not in latest  # not repeated below the lead
    positions = [
        latest.index(title)
        for title in ("工信部发布算力基础设施指引", "新能源汽车出口持续增长", IMPORTED_TITLE)
    ]
    assert positions == sorted(positions)


@override_settings(ARTICLES_PAGE_SIZE=2)
def test_home_is_paginated_with_prev_next_links(client, reader_site):
    first = page(client, "/")
    assert 'rel="next" href="?page=2"' in first and "第 1 / 2 页" in first
    second = page(client, "/?page=2")
    assert 'rel="prev" href="/"' in second
    # The latest list leaves out only the lead: three stories, two a page.
    assert "新能源汽车出口持续增长" not in second and IMPORTED_TITLE in second
    assert '<section class="lead"' not in second
    assert client.get("/?page=3").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_article_page_shows_title_credits_date_categories_image_body_and_project_cards(client, reader_site):
    content = page(client, reader_site.imported.get_absolute_url())
    assert f'<h1 class="article-title">{IMPORTED_TITLE}</h1>' in content
    assert ">苏建勋</a>" in content and ">杨轩</a>" in content and ">林晓</a>" in content
    assert (
        '<time class="meta-item" datetime="2022-03-18T09:23:51+08:00">2022年3月18日 09:23</time>' in content
    )
    for name in ("新媒体", "36kr", "资讯", "企业服务", "数据库"):
        assert f">{name}</a>" in content
    assert '<img src="https://img.example.com/qingsong-head.jpg"' in content
    assert "本文提及" in content
    assert 'href="/projects/8301/"' in content and 'src="https://img.example.com/qs.png"' in content
    assert 'href="/projects/373021/"' in content
    assert 'class="project-link" data-id="8301"' in content  # the body's anchors stay intact


def test_article_page_counts_characters_and_reading_time_for_chinese(client):
    article = ArticleFactory(body="<p>" + "字" * 900 + "</p>")
    content = page(client, article.get_absolute_url())
    assert "全文约 900 字，阅读约 3 分钟" in content


def test_related_articles_share_categories_most_shared_first_and_stop_at_five(client):
    base = ArticleFactory(title="主文章")
    base.categories.set(["人工智能", "芯片", "融资"])
    best = ArticleFactory(title="三类相同", published_at=timezone.now() - timedelta(days=5))
    best.categories.set(["人工智能", "芯片", "融资"])
    for n in range(6):
        other = ArticleFactory(title=f"一类相同{n}")
        other.categories.set(["人工智能"])
    unrelated = ArticleFactory(title="毫不相干")
    unrelated.categories.set(["汽车"])
    draft = ArticleFactory(title="相关草稿", status=Article.Status.DRAFT)
    draft.categories.set(["人工智能", "芯片", "融资"])

    content = page(client, base.get_absolute_url())
    related = re.search(r'<section class="related".*?</section>', content, re.S).group(0)
    titles = re.findall(r'<li><a href="/p/\d+/">([^<]+)</a>', related)
    assert len(titles) == 5
    assert titles[0] == "三类相同"
    assert "毫不相干" not in related and "相关草稿" not in related and "主文章" not in related


def test_category_tag_author_and_project_pages_list_only_their_articles(client, reader_site):
    cases = {
        reader_site.category.get_absolute_url(): {
            "云栖科技发布边缘计算新品",
            "新能源汽车出口持续增长",
            IMPORTED_TITLE,
        },
        "/tags/企业服务/": {IMPORTED_TITLE},
        reader_site.writer.get_absolute_url(): {IMPORTED_TITLE, "工信部发布算力基础设施指引"},
        reader_site.project.get_absolute_url(): {IMPORTED_TITLE, "工信部发布算力基础设施指引"},
    }
    all_titles = {a.title for a in reader_site.visible}
    for url, expected in cases.items():
        content = page(client, url)
        shown = {title for title in all_titles if title in content}
        assert shown == expected, url


def test_project_page_shows_logo_name_and_link(client, reader_site):
    content = page(client, "/projects/8301/")
    assert '<h1 class="page-title">青松数据</h1>' in content
    assert 'src="https://img.example.com/qs.png"' in content
    assert 'href="https://36kr.com/projectDetails/8301"' in content


def test_author_credited_twice_on_one_article_lists_it_once(client):
    article = ArticleFactory(title="双重署名")
    author = AuthorFactory()
    CreditFactory(article=article, author=author, role="writer")
    CreditFactory(article=article, author=author, role="editor")
    assert page(client, author.get_absolute_url()).count("双重署名") == 1


def test_month_archive_lists_that_month_in_shanghai_time(client):
    # 2022-02-28 16:30 UTC is already 1 March in Shanghai.
    ArticleFactory(
        title="三月第一篇", published_at=timezone.datetime(2022, 2, 28, 16, 30, tzinfo=timezone.UTC)
    )
    ArticleFactory(
        title="二月最后一篇", published_at=timezone.datetime(2022, 2, 28, 15, 30, tzinfo=timezone.UTC)
    )
    march = page(client, "/archive/2022/03/")
    assert "三月第一篇" in march and "二月最后一篇" not in march
    assert "二月最后一篇" in page(client, "/archive/2022/02/")
    index = page(client, "/archive/")
    assert 'href="/archive/2022/03/"' in index and 'href="/archive/2022/02/"' in index
    assert client.get("/archive/2022/13/").status_code == 404
    assert client.get("/archive/2019/01/").status_code == 404


def test_missing_pages_and_objects_are_proper_404s(client):
    for url in ("/p/999999/", "/categories/不存在/", "/authors/nobody/", "/projects/0/", "/nope/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.content.decode()
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "服务器出了点问题" in html and "/static/css/site.css" in html


def test_staff_see_an_edit_link_readers_do_not(client, admin_user, reader_site):
    url = reader_site.imported.get_absolute_url()
    assert "在后台编辑本文" not in page(client, url)
    client.force_login(admin_user)
    assert f'href="/admin/articles/article/{reader_site.imported.pk}/change/"' in page(client, url)


@pytest.fixture
def crowd():
    """``crowd(n)`` adds ``n`` published articles sharing one category, tag, writer and project."""
    author = AuthorFactory(slug="crowd")
    project = ProjectFactory(external_id="crowd")

    def grow(count: int) -> None:
        for _ in range(count):
            article = ArticleFactory(categories=["资讯"])
            article.tags.add("企业服务")
            CreditFactory(article=article, author=author)
            ProjectMentionFactory(article=article, project=project)

    return grow


# The home page has its own budget (the front page's picks and sections): test_front_page.py.
LIST_URLS = [
    "/categories/资讯/",
    "/tags/企业服务/",
    "/authors/crowd/",
    "/projects/crowd/",
    "/archive/",
    f"/archive/{timezone.localtime().year}/{timezone.localtime().month:02d}/",
]


@override_settings(ARTICLES_PAGE_SIZE=5)
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_cost_at_most_nine_queries_whatever_the_number_of_articles(
    client, django_assert_max_num_queries, crowd, url
):
    crowd(6)
    # The page's reads and the header's sections (one query, then cached).
    with django_assert_max_num_queries(9) as few:
        assert client.get(url).status_code == 200
    crowd(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_article_page_costs_at_most_ten_queries_with_many_credits_mentions_and_related(
    client, django_assert_max_num_queries
):
    article = ArticleFactory.build(
        body="<p>文 | 甲</p><p>编辑 | 乙、丙、丁</p>"
        + "".join(
            f'<p><a class="project-link" data-id="p{n}" data-name="项目{n}" href="https://e.example/{n}">项目{n}</a></p>'
            for n in range(12)
        )
    )
    article_save(article=article, categories=["资讯", "快讯"], tags=["甲", "乙"])
    for _ in range(12):
        ArticleFactory(categories=["资讯"])
    with django_assert_max_num_queries(10):  # with the header's sections and the most-read list
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="project-card"') == 12


def test_the_head_image_caption_is_not_read_twice(client):
    article = ArticleFactory(head_image_url="https://img.example.com/a.jpg", head_image_alt="发布会现场")
    html = page(client, article.get_absolute_url())
    figure = html.split('<figure class="head-image">', 1)[1].split("</figure>", 1)[0]
    assert 'alt="发布会现场"' in figure
    assert '<figcaption aria-hidden="true">发布会现场</figcaption>' in figure


@pytest.mark.parametrize("owner", ["home", "category"])
def test_a_list_whose_cards_are_cached_builds_no_list_query(
    client, reader_site, settings, monkeypatch, owner
):
    import sys

    from articles import selectors, views

    settings.ARTICLES_PAGE_CACHE_SECONDS = 0  # every request renders; its cards are cached
    url = "/" if owner == "home" else reader_site.category.get_absolute_url()
    first = page(client, url)
    built = []

    def counting(real):
        def build(*args, **kwargs):
            if sys._getframe(1).f_code.co_filename == views.__file__:  # the view's list
                built.append(real.__name__)
            return real(*args, **kwargs)

        return build

    for name in ("story_list_published", "article_list_published"):
        monkeypatch.setattr(selectors, name, counting(getattr(selectors, name)))
    real_owner_articles = views.CategoryView.owner_articles
    monkeypatch.setattr(
        views.CategoryView,
        "owner_articles",
        lambda self, owner: built.append("owner_articles") or real_owner_articles(self, owner),
    )
    assert page(client, url) == first
    assert built == []


def _ids_reads(queries) -> list[str]:
    """The page-id reads among ``queries`` (a page of five ids: ``LIMIT 5``)."""
    return [q["sql"] for q in queries if '"id" AS "pk"' in q["sql"] and re.search(r"LIMIT 5\b", q["sql"])]


@override_settings(ARTICLES_PAGE_SIZE=5, ARTICLES_PAGE_CACHE_SECONDS=0)
@pytest.mark.parametrize("url", ["/categories/资讯/?page=2", "/?page=2"])
def test_a_list_page_rendered_again_reads_its_ids_from_the_cache_until_a_change(
    client, django_assert_max_num_queries, crowd, url
):
    crowd(12)
    first = page(client, url)
    with django_assert_max_num_queries(9) as again:
        assert page(client, url) == first
    assert _ids_reads(again.captured_queries) == []
    # A new story moves every later one down a place: page 2 is read again, and shows it.
    pushed = re.findall(r'href="(/p/\d+/)"', page(client, url.split("?")[0]))[-1]
    assert pushed not in first
    crowd(1)
    with django_assert_max_num_queries(12) as after:
        changed = page(client, url)
    assert len(_ids_reads(after.captured_queries)) == 1
    assert pushed in changed and changed != first
