"""Warming a server process before it forks its workers (``cms.warmup``): Django's first-use
set-up done, and no connection opened that the workers would share."""

from __future__ import annotations

import gc

import pytest
from django.db import connections
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
    for connection in connections.all():
        connection.close()
    warmed = warm_up()
    assert warmed["templates"] == len(reader_templates()) and warmed["frozen"] > 0
    assert all(connection.connection is None for connection in connections.all())
    (loader,) = engines["django"].engine.template_loaders  # the cached loader (DEBUG off)
    assert {"base.html", "articles/home.html"} <= set(loader.get_template_cache)
