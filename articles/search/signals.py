"""Signal handlers of the search package: a changed name changes the user dictionary; a
migration leaves no search index missing."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_migrate, post_save

from articles.search.dictionary import dictionary_changed


def name_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        dictionary_changed()


def indexes_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """After ``migrate``: the search indexes a killed ``search_rebuild`` left missing are built
    again (one query when none is missing)."""
    from django.db import connections

    from articles.search.backends import backend

    if using == "default" and connections[using].vendor == "postgresql" and sender.label == "articles":
        backend().indexes_ensure()


def register_signal_handlers() -> None:
    """Connect the handlers; called once from ``ArticlesConfig.ready()``."""
    from articles.models import Author, Category, Project, Tag

    for model in (Project, Author, Category, Tag):
        uid = f"search-dictionary-{model.__name__}"
        post_save.connect(name_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(name_changed, sender=model, dispatch_uid=f"{uid}-delete")
    post_migrate.connect(indexes_after_migrate, dispatch_uid="search-indexes-after-migrate")
