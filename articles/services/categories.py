"""An article's categories, in the order the editor gave them (the first is its section)."""

from __future__ import annotations

from collections.abc import Iterable

from articles.models import Article, CategorizedArticle, Category


def categories_for_names(*, names: Iterable[str]) -> list[Category]:
    """The categories named ``names`` (case-insensitively), in order, without duplicates;
    missing ones are created (the API and legacy callers name categories; the admin picks them
    from the managed list instead, so a typo there never creates one)."""
    found: dict[int, Category] = {}
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        category = Category.objects.filter(name__iexact=name).first()
        if category is None:
            category = Category.objects.create(name=name)
        found.setdefault(category.pk, category)
    return list(found.values())


def article_categories_set(*, article: Article, categories: Iterable[Category | str]) -> None:
    """Give ``article`` exactly ``categories``, in this order (names are looked up, or created,
    with ``categories_for_names``).

    Writes row by row so the reader caches hear of each change (``articles.signals``); a link
    whose category and position are unchanged is left alone.
    """
    items = list(categories)
    names = [item for item in items if isinstance(item, str)]
    by_name = {c.name.lower(): c for c in categories_for_names(names=names)} if names else {}
    wanted: list[Category] = []
    for item in items:
        category = by_name.get(item.strip().lower()) if isinstance(item, str) else item
        if category is not None and category.pk not in {c.pk for c in wanted}:
            wanted.append(category)
    links = {link.tag_id: link for link in CategorizedArticle.objects.filter(content_object=article)}
    positions = {category.pk: index for index, category in enumerate(wanted)}
    for tag_id, link in links.items():
        if tag_id not in positions:
            link.delete()
    for tag_id, position in positions.items():
        link = links.get(tag_id)
        if link is None:
            CategorizedArticle.objects.create(content_object=article, tag_id=tag_id, position=position)
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])
