"""One set of rules for writing an article, applied by article_save and by the importer."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import reversion
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime
from reversion.models import Version

from articles.models import Article, CategorizedArticle, Project, ProjectMention
from articles.services.articles import article_save
from articles.services.importing import posts_import
from articles.services.revisions import article_restore
from articles.services.versions import version_data
from articles.webhooks.models import EventKind, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
BODY = (
    '<p>文 | 苏建勋、杨轩</p><p>编辑 | 林晓</p><p>正文提到<a class="project-link" data-id="8301" '
    'data-name="钉钉" href="https://example.com/dd">钉钉</a>。</p>'
)


def imported(write_post, body=BODY, name="a.md", categories="资讯", tags="AI"):
    write_post(
        name,
        f"---\ntitle: 标题\ndate: 2022-05-01 10:00:00\ncategories: {categories}\ntags: {tags}\n---\n{body}\n",
    )
    [result] = posts_import(inputs=[write_post.root])
    return Article.objects.get(pk=result.article_id)


def derived(article):
    return {
        "credits": [(c.role, c.author.name, c.order) for c in article.credits.select_related("author")],
        "mentions": [
            (m.project.external_id, m.anchor_text) for m in article.mentions.select_related("project")
        ],
        "categories": sorted(article.categories.names()),
        "tags": sorted(article.tags.names()),
        "body": article.body,
    }


def test_the_admin_and_the_importer_derive_the_same_credits_mentions_labels_and_body(write_post):
    from_import = imported(write_post)
    by_hand = article_save(
        article=Article(
            title="标题",
            body=BODY,
            status=Article.Status.PUBLISHED,
            published_at=datetime(2022, 5, 1, 10, tzinfo=SHANGHAI),
        ),
        categories=["资讯"],
        tags=["AI"],
    )
    assert derived(from_import) == derived(by_hand)
    assert derived(by_hand)["credits"] == [
        ("writer", "苏建勋", 0),
        ("writer", "杨轩", 1),
        ("editor", "林晓", 2),
    ]


def test_an_import_records_a_revision_that_can_be_restored(write_post, editor_user):
    article = imported(write_post)
    [version] = Version.objects.get_for_object(article)
    assert version.revision.comment == "从 a.md 导入"
    saved = article_save(article=article, tags=["别的"], by=editor_user)
    saved.credits.all().delete()
    article_restore(article=saved, version=version, by=editor_user)
    restored = Article.objects.get(pk=article.pk)
    assert [c.author.name for c in restored.credits.order_by("order")] == ["苏建勋", "杨轩", "林晓"]
    assert "AI" in restored.tags.names()


def test_an_update_by_import_is_a_new_revision(write_post):
    article = imported(write_post)
    imported(write_post, body="<p>新的正文。</p>")
    comments = [v.revision.comment for v in Version.objects.get_for_object(article)]
    assert comments == ["从 a.md 导入", "从 a.md 导入"]


def test_an_import_records_webhook_events_like_a_save(write_post, settings):
    WebhookEndpoint.objects.create(
        name="app", url="http://127.0.0.1:9/hook", events=[EventKind.PUBLISHED, EventKind.UPDATED]
    )
    article = imported(write_post)
    assert list(WebhookEvent.objects.values_list("kind", "article_id")) == [(EventKind.PUBLISHED, article.pk)]
    imported(write_post, body="<p>改过的正文。</p>")
    assert sorted(WebhookEvent.objects.values_list("kind", flat=True)) == [
        EventKind.PUBLISHED,
        EventKind.UPDATED,
    ]


def test_an_undated_import_in_review_sends_no_published_event(write_post):
    WebhookEndpoint.objects.create(name="app", url="http://127.0.0.1:9/hook", events=[EventKind.PUBLISHED])
    write_post("b.md", "---\ntitle: 快讯\ndate: Invalid Date\n---\n正文\n")
    list(posts_import(inputs=[write_post.root]))
    assert not WebhookEvent.objects.exists()


def _post(index: int) -> str:
    return (
        f"---\ntitle: 第{index}篇\ndate: 2022-05-{index % 28 + 1:02d} 10:00:00\nupdated: 2022-06-01 10:00:00\n"
        f"categories: [资讯, 分类{index}]\ntags: [AI, 标签{index}]\n---\n"
        "<p>文 | 苏建勋、杨轩</p><p>编辑 | 林晓</p><p>正文提到"
        f'<a class="project-link" data-id="{7000 + index}" data-name="项目{index}" href="https://example.com/{index}">'
        f'项目{index}</a>和<a class="project-link" data-id="8301" data-name="钉钉{index}">钉钉</a>。</p>\n'
    )


def _import_queries(write_post, count: int, start: int) -> int:
    for index in range(start, start + count):
        write_post(f"batch{start}/{index}.md", _post(index))
    with CaptureQueriesContext(connection) as queries:
        results = list(posts_import(inputs=[write_post.root / f"batch{start}"]))
    assert [r.status for r in results] == ["created"] * count
    return len(queries)


def test_an_import_batch_costs_the_same_queries_however_many_posts_it_holds(write_post):
    # Authors are made once each (two queries per new name), so they exist before measuring;
    # every post has its own new category, tag and project, and names a shared one.
    _import_queries(write_post, 1, start=1008)  # the oldest
    small = _import_queries(write_post, 3, start=0)
    large = _import_queries(write_post, 30, start=100)
    assert small == large <= QUERIES_PER_IMPORT_BATCH
    # The shared project is named as its newest published mention names it.
    newest = max(Article.objects.all(), key=lambda a: (a.published_at, a.pk))
    assert Project.objects.get(external_id="8301").name == newest.title.replace("第", "钉钉").replace("篇", "")
    assert Project.objects.count() == 34 + 1
    assert ProjectMention.objects.count() == 34 * 2
    # Every article still has its revision with its credits, categories and tags.
    assert Version.objects.filter(content_type__model="article").count() == 34
    assert Version.objects.filter(content_type__model="credit").count() == 34 * 3
    assert Version.objects.filter(content_type__model="categorizedarticle").count() == 34 * 2


# With a new project and a known one per post; two of them give the categories and tags rows
# their article's publication time (link_dates_sync).
QUERIES_PER_IMPORT_BATCH = 41


def _instants(data):
    # The import serializes the articles it holds (dates in Asia/Shanghai), reversion here
    # the ones it reads back (in UTC): the same instants.
    for item in data:
        for name, value in item["fields"].items():
            if isinstance(value, str) and "T" in value and (moment := parse_datetime(value)):
                item["fields"][name] = moment
    return data


def test_an_import_revision_stores_what_django_reversion_stores_for_the_same_objects(write_post):
    write_post(
        "x.md",
        "---\ntitle: 标题\ndate: 2022-05-01 10:00:00.123456+08:00\nupdated: 2022-05-02 10:00:00\n"
        "categories: [资讯, Hadoop]\ntags: [AI, JWT]\nheadimg: https://img.example.com/a.png\n"
        "custom: {a: [1, 2], b: 中文}\n---\n" + BODY + "\n",
    )
    [result] = posts_import(inputs=[write_post.root])
    article = Article.objects.get(pk=result.article_id)
    [revision] = {v.revision for v in Version.objects.get_for_object(article)}
    versions = list(revision.version_set.all())
    assert len(versions) == 1 + 3 + 2 + 2  # the article, three credits, two categories, two tags
    for version in versions:
        obj = version._model.objects.get(pk=version.object_id)
        # What reversion.add_to_revision() stores for it (reversion.revisions._add_to_revision).
        options = reversion.revisions._get_options(version._model)
        expected = serializers.serialize("json", (obj,), fields=options.fields)
        assert (version.format, version.db, version.object_repr) == ("json", "default", str(obj))
        assert _instants(json.loads(version.serialized_data)) == _instants(json.loads(expected))
        assert version.serialized_data.endswith("]\n") and expected.endswith("]\n")


def test_version_data_is_the_json_serializer_output_for_every_field_kind(write_post):
    article = imported(write_post)
    article.extra = {"键": ["值", 1, None], "nested": {"x": 1.5}}
    article.head_image = "articles/heads/a.png"
    article.save()
    article = Article.objects.get(pk=article.pk)
    objects = [article, *article.credits.all(), *CategorizedArticle.objects.filter(content_object=article)]
    assert version_data(objects) == [serializers.serialize("json", [obj]) for obj in objects]


def test_a_credit_names_its_role_as_get_role_display_does(write_post):
    article = imported(write_post)
    credit = article.credits.select_related("author").first()
    assert str(credit) == f"{credit.get_role_display()} | {credit.author.name}" == "文 | 苏建勋"
    credit.role = "not-a-role"
    assert str(credit) == f"{credit.get_role_display()} | {credit.author.name}"


def _stored(model, pk):
    return {k: v for k, v in model.objects.filter(pk=pk).values()[0].items() if k not in ("id",)}


def test_rows_insert_stores_what_bulk_create_stores(write_post):
    from articles.models import TaggedArticle
    from articles.services.writes import rows_insert

    article = imported(write_post)

    def fields():
        return {
            "title": "标题",
            "body": "<p>正文</p>",
            "status": Article.Status.PUBLISHED,
            "published_at": datetime(2022, 5, 1, 10, tzinfo=SHANGHAI),
            "extra": {"k": ["值", 1]},
            "version": 3,
        }

    by_orm, by_rows = Article(**fields()), Article(**fields())
    Article.objects.bulk_create([by_orm])
    rows_insert([by_rows])
    assert by_rows.pk and not by_rows._state.adding and by_rows._state.db == "default"
    orm, rows = _stored(Article, by_orm.pk), _stored(Article, by_rows.pk)
    for stamp in ("created_at", "updated_at"):  # auto_now(_add): both set by pre_save
        assert orm.pop(stamp) and rows.pop(stamp)
    assert orm == rows
    assert Article.objects.get(pk=by_rows.pk).extra == {"k": ["值", 1]}
    tag = TaggedArticle.objects.get(content_object=article)
    links = rows_insert(
        [TaggedArticle(content_object=a, tag=tag.tag, name="Ai", published_at=None) for a in (by_orm, by_rows)]
    )
    assert [row.pk for row in links] == sorted(row.pk for row in links)
    assert TaggedArticle.objects.filter(pk__in=[row.pk for row in links], name="Ai").count() == 2


def test_rows_insert_sends_as_is_only_what_the_fields_would_send_unchanged(write_post):
    from django.db import connection

    from articles.models import ProjectMention, TaggedArticle
    from articles.services.writes import _sent_as_is

    article = imported(write_post)
    credit = article.credits.first()
    rows = [article, credit, TaggedArticle.objects.filter(content_object=article).first()]
    rows.append(ProjectMention(article=article, project_id=1, refer_type="2", href="h", anchor_text="a"))
    sent = {}
    for row in rows:
        for field in type(row)._meta.concrete_fields:
            as_is = _sent_as_is(field, connection)
            if as_is is not None:
                value = getattr(row, field.attname)
                prepared = field.get_db_prep_save(field.pre_save(row, True), connection)
                assert prepared == value and type(prepared) is type(value), field
                sent[f"{type(row).__name__}.{field.name}"] = as_is
    # Text, flags and foreign keys go as they are; dates, numbers and JSON through their fields.
    assert sent["Article.title"] is str and sent["Article.comments_enabled"] is bool
    assert sent["Credit.article"] is int and sent["TaggedArticle.tag"] is int
    assert "Article.published_at" not in sent and "Article.extra" not in sent
    assert "Article.version" not in sent and "Credit.order" not in sent
