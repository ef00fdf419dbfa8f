"""The ids of one page of a list, as reads compiled once (``articles.prepared``): the first read
of every list page (the latest stories, a category's, tag's, author's or project's articles),
built from the selectors' own querysets, so what is public and in what order stays defined
there. Re-exported by ``articles.selectors``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from articles.models import Article, Author, Category, Project, Tag
from articles.prepared import PreparedRead


def _selectors():
    from articles import selectors

    return selectors


def _ids_read(build, model, **arguments) -> PreparedRead:
    def ids(bottom: int, top: int, **values) -> QuerySet:
        return build(**values).values_list("pk", flat=True)[bottom:top]

    ids.__name__ = f"{build.__name__}_ids"
    return PreparedRead(ids, model=model, arguments=arguments, inline=("bottom", "top"))


def _story_ids_excluding(exclude: int) -> QuerySet[Article]:
    return _selectors().story_list_published().exclude(pk=exclude)


def _category_ids(category_id: int) -> QuerySet[Article]:
    return _selectors().category_articles(category=Category(pk=category_id))


def _tag_ids(tag_id: int) -> QuerySet[Article]:
    return _selectors().tag_articles(tag=Tag(pk=tag_id))


def _author_ids(author_id: int) -> QuerySet[Article]:
    return _selectors().author_articles(author=Author(pk=author_id))


def _project_ids(project_id: int) -> QuerySet[Article]:
    return _selectors().project_articles(project=Project(pk=project_id))


_STORY_IDS = _ids_read(_story_ids_excluding, Article, exclude=int)
_OWNER_IDS = {
    Category: _ids_read(_category_ids, Article, category_id=int),
    Tag: _ids_read(_tag_ids, Article, tag_id=int),
    Author: _ids_read(_author_ids, Article, author_id=int),
    Project: _ids_read(_project_ids, Article, project_id=int),
}


def story_ids(*, bottom: int, top: int, exclude: int | None) -> list[int]:
    """Ids of ``story_list_published()[bottom:top]`` leaving out ``exclude`` (the lead)."""
    rows = _STORY_IDS.rows(bottom=bottom, top=top, exclude=exclude or 0)  # no article is 0
    return [pk for (pk,) in rows]


def owner_article_ids(*, owner, bottom: int, top: int) -> list[int]:
    """Ids of the owner's list (``category_articles``, ``tag_articles``, ``author_articles``,
    ``project_articles``) from ``bottom`` to ``top``."""
    read = _OWNER_IDS[type(owner)]
    (argument,) = read.arguments
    return [pk for (pk,) in read.rows(bottom=bottom, top=top, **{argument: owner.pk})]
