"""The content API's articles, authors, categories, tags and projects: what they carry, how
they filter, and that nothing unpublished ever shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from articles.api import schemas
from articles.models import Article
from articles.services.articles import article_save
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_article_list_carries_what_an_app_renders_and_matches_its_schema(api, reader_site, pictured):
    response = api("/articles")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    schemas.ArticleList.model_validate(data)  # extra="forbid": the docs name every field sent
    assert ids(response) == [
        a.pk for a in sorted(reader_site.visible, key=lambda a: a.published_at, reverse=True)
    ]
    item = next(i for i in data["items"] if i["id"] == pictured.pk)
    assert "body_html" not in item  # lists leave the body out unless asked
    assert item["title"] == "36氪首发 _ 数据库公司「青松数据」完成3亿元C轮融资"
    assert item["url"] == f"http://testserver/p/{pictured.pk}/"
    # Categories in the order they were given (the first is the section), not alphabetically.
    assert [c["name"] for c in item["categories"]] == ["新媒体", "36kr", "资讯"]
    assert item["categories"][0]["url"].startswith("http://testserver/categories/")
    assert sorted(t["name"] for t in item["tags"]) == ["企业服务", "数据库"]
    assert [(c["role"], c["role_label"], c["author"]["name"]) for c in item["credits"]] == [
        ("writer", "文", "苏建勋"),
        ("editor", "编辑", "杨轩"),
        ("editor", "编辑", "林晓"),
    ]
    assert [(p["identifier"], p["name"], p["logo_url"]) for p in item["projects"]] == [
        ("8301", "青松数据", "https://img.example.com/qs.png"),
        ("373021", "远山资本", "https://img.example.com/ys.png"),
    ]
    # ISO 8601 with the site's offset.
    assert item["published_at"] == "2022-03-18T09:23:51+08:00"
    assert datetime.fromisoformat(item["updated_at"]).utcoffset() == timedelta(hours=8)
    assert "<" not in item["excerpt"] and item["excerpt"]


def test_head_image_comes_with_its_renditions_and_focal_point(api, pictured):
    image = api(f"/articles/{pictured.pk}").json()["article"]["head_image"]
    assert image["alt"] == "青松数据办公室"
    assert image["focal_point"] == {"x": 0.25, "y": 0.75}
    assert image["url"].startswith("http://testserver/media/heads/")
    shapes = {(r["spec"], r["format"], r["width"], r["height"]) for r in image["renditions"]}
    assert shapes == {
        ("fill-400x300", "webp", 400, 300),
        ("fill-400x300", "png", 400, 300),
        ("width-800", "webp", 800, 533),
        ("width-800", "png", 800, 533),
        ("width-1600", "webp", 1200, 800),  # never enlarged
        ("width-1600", "png", 1200, 800),
    }
    assert all(r["url"].startswith("http://testserver/media/renditions/") for r in image["renditions"])
    assert {r["mime"] for r in image["renditions"]} == {"image/webp", "image/png"}


def test_an_imported_head_image_is_its_remote_url_without_renditions(api, reader_site):
    image = api(f"/articles/{reader_site.imported.pk}").json()["article"]["head_image"]
    assert image == {
        "url": "https://img.example.com/qingsong-head.jpg",
        "alt": "",
        "focal_point": None,
        "renditions": [],
    }


def test_article_detail_has_the_cleaned_body_with_absolute_links(api, reader_site):
    article = ArticleFactory.build(
        body='<p onclick="x()">见<a href="/p/1/">上文</a><img src="/media/a.png" alt=""></p><script>alert(1)</script>'
    )
    article_save(article=article)
    response = api(f"/articles/{article.pk}")
    schemas.ArticleDetail.model_validate(response.json())
    body = response.json()["article"]["body_html"]
    assert "<script" not in body and "onclick" not in body
    assert 'href="http://testserver/p/1/"' in body and 'src="http://testserver/media/a.png"' in body


def test_fields_choose_what_is_sent_and_include_adds_related_objects_once(api, reader_site):
    response = api("/articles", fields="id,title,body_html,credits", include="authors,projects")
    data = response.json()
    schemas.ArticleList.model_validate(data)
    assert all(set(item) == {"id", "title", "body_html", "credits"} for item in data["items"])
    authors = data["included"]["authors"]
    assert len(authors) == len({a["id"] for a in authors})  # each once, though credited twice
    su = next(a for a in authors if a["name"] == "苏建勋")
    assert su["url"] == f"http://testserver/authors/{quote(su['slug'])}/"
    assert {p["identifier"] for p in data["included"]["projects"]} == {"8301", "373021"}
    assert data["included"]["projects"][0]["external_url"] == "https://36kr.com/projectDetails/8301"


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"fields": "id,secret"}, 400, "secret"),
        ({"include": "drafts"}, 400, "drafts"),
        ({"limit": "0"}, 422, "limit"),
        ({"limit": "-5"}, 422, "limit"),
        ({"limit": "abc"}, 422, "limit"),
        ({"category": "资\x00讯"}, 422, "category"),
        ({"author": "a" * 201}, 422, "author"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"cursor": "\x00"}, 422, "cursor"),
        ({"published_after": "2024-13-45"}, 422, "published_after"),
        ({"published_after": "0001-01-01T00:00:00"}, 422, "published_after"),
        ({"updated_after": "99999-01-01"}, 422, "updated_after"),
        ({"updated_after": "yesterday"}, 422, "updated_after"),
        ({"ordering": "title"}, 422, "ordering"),
    ],
)
def test_bad_parameters_get_a_clear_400_or_422_never_a_500(api, reader_site, params, status, needle):
    response = api("/articles", **params)
    assert response.status_code == status, response.content
    assert needle in response.content.decode()


def test_a_huge_limit_is_capped(api, reader_site, settings):
    settings.ARTICLES_API_MAX_PAGE_SIZE = 2
    response = api("/articles", limit=str(10**30))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 2 and response.json()["limit"] == 2


@pytest.mark.parametrize("path", ["/articles/0", f"/articles/{2**63}", "/articles/1e3", "/articles/-1"])
def test_bad_article_ids_are_refused_not_a_500(api, path):
    assert api(path).status_code in (404, 422)


def test_unknown_api_paths_answer_json_404(api):
    response = api("/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_filters_by_section_tag_author_project_and_dates(api, reader_site):
    imported, first, second, third = reader_site.imported, *reader_site.published
    assert set(ids(api("/articles", category=reader_site.category.slug))) == {imported.pk, first.pk, third.pk}
    assert ids(api("/articles", tag="数据库")) == [imported.pk]
    assert set(ids(api("/articles", author=reader_site.writer.slug))) == {imported.pk, second.pk}
    assert set(ids(api("/articles", project="8301"))) == {imported.pk, second.pk}
    assert ids(api("/articles", project="373021")) == [imported.pk]
    since = (timezone.now() - timedelta(days=2)).isoformat()
    assert ids(api("/articles", published_after=since)) == [first.pk, second.pk]
    assert ids(api("/articles", published_before=since)) == [third.pk, reader_site.flash.pk, imported.pk]
    # A naive date is the site's local time (Asia/Shanghai); date-only means midnight.
    assert ids(
        api("/articles", published_after="2022-03-18T09:23:51", published_before="2022-03-18T09:23:52")
    ) == [imported.pk]
    assert ids(api("/articles", category="no-such-section")) == []


def test_updated_after_with_updated_at_ordering_lets_a_client_sync(api, reader_site):
    mark = timezone.now()
    old = reader_site.published[2]
    old.title = "新能源汽车出口持续增长（更新）"
    article_save(article=old)
    response = api("/articles", updated_after=mark.isoformat(), ordering="updated_at")
    assert ids(response) == [old.pk]
    assert response.json()["items"][0]["title"] == "新能源汽车出口持续增长（更新）"


def test_orderings(api, reader_site):
    by_published = sorted(reader_site.visible, key=lambda a: (a.published_at, a.pk))
    assert ids(api("/articles", ordering="published_at")) == [a.pk for a in by_published]
    assert ids(api("/articles", ordering="-published_at")) == [a.pk for a in reversed(by_published)]
    by_updated = sorted(Article.objects.published(), key=lambda a: (a.updated_at, a.pk))
    assert ids(api("/articles", ordering="-updated_at")) == [a.pk for a in reversed(by_updated)]


def test_unpublished_articles_never_show_in_lists_details_or_filters(api, reader_site, draft_only):
    hidden = [*reader_site.hidden.values(), *draft_only.values()]
    listed = ids(api("/articles", limit="100"))
    assert not {a.pk for a in hidden} & set(listed)
    for article in hidden:
        assert api(f"/articles/{article.pk}").status_code == 404, article.title
    # Names only drafts use match nothing, as filters and as included objects.
    assert ids(api("/articles", author="秘密作者")) == []
    assert ids(api("/articles", project="999001")) == []
    assert ids(api("/articles", category="秘密栏目")) == []
    assert ids(api("/articles", tag="秘密标签")) == []
    included = api("/articles", include="authors,projects").json()["included"]
    assert "秘密作者" not in {a["name"] for a in included["authors"]}
    assert "999001" not in {p["identifier"] for p in included["projects"]}
    text = api("/articles", limit="100", fields=",".join(schemas.Article.model_fields)).content.decode()
    assert "秘密" not in text and "草稿" not in text and "定时" not in text


def test_a_scheduled_article_appears_once_it_is_due_though_answers_are_cached(api, reader_site, monkeypatch):
    scheduled = reader_site.hidden["scheduled"]
    assert api(f"/articles/{scheduled.pk}").status_code == 404
    assert scheduled.pk not in ids(api("/articles"))  # now cached under this generation
    # Time passes (the database's clock and this process's): no save, no signal.
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    monkeypatch.setattr("articles.caching.invalidation._clock", lambda: scheduled.published_at.timestamp() + 1)
    assert api(f"/articles/{scheduled.pk}").status_code == 200
    assert scheduled.pk in ids(api("/articles"))


def test_taxonomy_lists_and_details_match_their_schemas_and_hide_draft_only_names(
    api, reader_site, draft_only
):
    for path, schema, detail_schema, key, secret in [
        ("/authors", schemas.AuthorList, schemas.Author, "slug", "秘密作者"),
        ("/categories", schemas.CategoryList, schemas.Category, "slug", "秘密栏目"),
        ("/tags", schemas.TagList, schemas.Tag, "slug", "秘密标签"),
        ("/projects", schemas.ProjectList, schemas.Project, "identifier", "999001"),
    ]:
        response = api(path, limit="100")
        assert response.status_code == 200, path
        schema.model_validate(response.json())
        items = response.json()["items"]
        assert items, path
        assert secret not in response.content.decode(), path
        detail = api(f"{path}/{items[0][key]}")
        assert detail.status_code == 200, path
        detail_schema.model_validate(detail.json())
        assert api(f"{path}/{secret}").status_code == 404, path
    names = [a["name"] for a in api("/authors").json()["items"]]
    assert "苏建勋" in names


def test_author_detail_carries_bio_avatar_and_page(api, reader_site):
    writer = reader_site.writer
    writer.bio = "科技记者"
    writer.save()
    data = api(f"/authors/{writer.slug}").json()
    assert data == {
        "id": writer.pk,
        "slug": writer.slug,
        "name": "苏建勋",
        "bio": "科技记者",
        "avatar_url": None,
        "url": f"http://testserver/authors/{quote(writer.slug)}/",
    }


def test_taxonomy_lists_page_with_a_cursor(api, reader_site):
    first = api("/categories", limit="2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert first["next"].startswith("http://testserver/api/v1/categories?")
    second = api("/categories", limit="2", cursor=first["next_cursor"]).json()
    slugs = [c["slug"] for c in first["items"] + second["items"]]
    assert slugs == sorted(slugs) and len(set(slugs)) == len(slugs)
