"""An article's categories, in the order the editor gave them (the first is its section)."""

from __future__ import annotations

from collections.abc import Iterable

from articles.models import Article, CategorizedArticle, Category
from articles.services.writes import labels_get_or_create


def categories_for_names(*, names: Iterable[str]) -> list[Category]:
    """The categories named ``names`` (case-insensitively), in order, without duplicates;
    missing ones are created (the API and legacy callers name categories; the admin picks them
    from the managed list instead, so a typo there never creates one). The importer's rules:
    ``writes.labels_get_or_create``."""
    wanted = [name.strip() for name in names if name.strip()]
    labels = labels_get_or_create(model=Category, names=wanted)
    return list({labels[name.lower()].pk: labels[name.lower()] for name in wanted}.values())


def article_categories_set(*, article: Article, categories: Iterable[Category | str]) -> None:
    """Give ``article`` exactly ``categories``, in this order (names are looked up, or created,
    with ``categories_for_names``). A name keeps the article's own spelling on its link when
    it differs from the category's (``"hadoop"`` under the category ``Hadoop``, as Hexo keeps
    each post's); a category given as an object keeps the spelling its link already has.

    Writes row by row so the reader caches hear of each change (``articles.signals``); a link
    whose category, position and spelling are unchanged is left alone.
    """
    items = list(categories)
    names = [item for item in items if isinstance(item, str)]
    by_name = {c.name.lower(): c for c in categories_for_names(names=names)} if names else {}
    links = {link.tag_id: link for link in CategorizedArticle.objects.filter(content_object=article)}
    wanted: dict[int, tuple[int, str]] = {}  # category id -> (position, spelling)
    for item in items:
        if isinstance(item, str):
            category = by_name.get(item.strip().lower())
            spelling = "" if category is None or item.strip() == category.name else item.strip()
        else:
            category = item
            spelling = links[item.pk].name if item.pk in links else ""
        if category is not None and category.pk not in wanted:
            wanted[category.pk] = (len(wanted), spelling)
    for tag_id, link in links.items():
        if tag_id not in wanted:
            link.delete()
    for tag_id, (position, spelling) in wanted.items():
        link = links.get(tag_id)
        if link is None:
            CategorizedArticle.objects.create(
                content_object=article, tag_id=tag_id, position=position, name=spelling
            )
        elif (link.position, link.name) != (position, spelling):
            link.position, link.name = position, spelling
            link.save(update_fields=["position", "name"])
