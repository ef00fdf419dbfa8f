"""Warming a server process before it forks its workers (``cms.warmup``): Django's first-use
set-up done, and no connection opened that the workers would share."""

from __future__ import annotations

import gc
from contextlib import ExitStack

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from django.template import engines

from cms.warmup import reader_templates, warm_up


def test_reader_templates_are_the_project_templates_but_the_admins():
    names = reader_templates()
    assert {"base.html", "articles/home.html", "articles/article_detail.html"} <= set(names)
    assert not any(name.startswith("admin/") for name in names)


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the test process keeps collecting what the warm-up froze


def test_warm_up_compiles_the_templates_and_opens_no_database_connection(unfrozen):
    opened, queries = [], []

    def record_opened(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(record_opened)
    try:
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(lambda execute, *args: queries.append(args)))
            warmed = warm_up()
    finally:
        connection_created.disconnect(record_opened)
    assert warmed["templates"] == len(reader_templates()) and warmed["frozen"] > 0
    assert opened == [] and queries == []
    (loader,) = engines["django"].engine.template_loaders  # the cached loader (DEBUG off)
    assert {"base.html", "articles/home.html"} <= set(loader.get_template_cache)
