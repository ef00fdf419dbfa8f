"""Roles: the rules live in the services, so no path around them lets a Writer publish."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article
from articles.services.articles import article_save
from articles.services.publishing import article_publish, article_submit_for_review, article_unpublish
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def draft_by(user, **fields) -> Article:
    article = ArticleFactory.build(status=Article.Status.DRAFT, published_at=None, **fields)
    return article_save(article=article, by=user)


def test_groups_writer_and_editor_come_from_a_migration_with_their_permissions():
    writer = set(Group.objects.get(name="Writer").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "view_article"} <= writer
    assert "publish_article" not in writer and "delete_article" not in writer
    assert {"publish_article", "delete_article", "change_article"} <= editor


def test_writer_creates_a_draft_edits_it_and_submits_it_for_review(writer_user):
    article = draft_by(writer_user, title="初稿")
    assert article.created_by == writer_user
    article.body = "<p>改过的稿子。</p>"
    article_save(article=article, by=writer_user)
    article_submit_for_review(article=article, by=writer_user)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.body == "<p>改过的稿子。</p>"


@pytest.mark.parametrize(
    "change",
    [
        lambda a, u: article_publish(article=a, by=u),
        lambda a, u: article_publish(article=a, by=u, at=timezone.now() + timedelta(days=1)),
        lambda a, u: article_unpublish(article=a, by=u),
        lambda a, u: article_save(article=setattr(a, "status", Article.Status.PUBLISHED) or a, by=u),
        lambda a, u: article_save(article=setattr(a, "published_at", timezone.now()) or a, by=u),
    ],
    ids=["publish", "schedule", "unpublish", "save-as-published", "set-publication-time"],
)
def test_writer_cannot_publish_schedule_or_unpublish_through_any_service(writer_user, change):
    article = draft_by(writer_user)
    with pytest.raises(PermissionDenied):
        change(article, writer_user)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Article.Status.DRAFT and stored.published_at is None


def test_writer_cannot_edit_someone_elses_draft_or_a_published_story(writer_user, editor_user):
    theirs = draft_by(editor_user)
    theirs.title = "被改了"
    with pytest.raises(PermissionDenied):
        article_save(article=theirs, by=writer_user)
    own = draft_by(writer_user)
    article_publish(article=own, by=editor_user)
    own.title = "发布后偷偷改"
    with pytest.raises(PermissionDenied):
        article_save(article=own, by=writer_user)


def test_a_user_without_model_permissions_cannot_create_articles():
    with pytest.raises(PermissionDenied):
        draft_by(UserFactory(is_staff=True))


def test_editor_publishes_schedules_and_unpublishes(editor_user, writer_user):
    article = draft_by(writer_user)
    article_publish(article=article, by=editor_user)
    assert Article.objects.published().filter(pk=article.pk).exists()

    article_publish(article=article, by=editor_user, at=timezone.now() + timedelta(hours=2))
    assert not Article.objects.published().filter(pk=article.pk).exists()  # scheduled: a query, no job
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.published().filter(pk=article.pk).exists()  # ... visible once due

    article_unpublish(article=article, by=editor_user)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_status_changes_are_revisions_that_say_what_happened(editor_user, writer_user):
    from articles.revisions import article_versions

    article = draft_by(writer_user)
    article_publish(article=article, by=editor_user)
    latest = article_versions(article).first()
    assert latest.revision.user == editor_user and latest.revision.get_comment() == "发布"
