"""One set of rules for writing an article, applied by article_save and by the importer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from reversion.models import Version

from articles.models import Article
from articles.services.articles import article_save
from articles.services.importing import posts_import
from articles.services.revisions import article_restore
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
