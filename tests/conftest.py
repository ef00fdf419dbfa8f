"""Shared fixtures: a temporary MEDIA_ROOT for every test, the legacy corpus when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM
# there (browser tests drive pages served by the test client and live server).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.reader_site", "tests.external_database"]

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MASTHEAD_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _empty_cache() -> None:
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):  # django-redis: only this suite's keys, not the whole DB
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    _empty_cache()
    yield
    _empty_cache()


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus (test data only); tests using it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"legacy corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture
def write_post(tmp_path):
    """Write a legacy post under a fresh import root and return its path."""
    root = tmp_path / "posts"

    def write(relative: str, text: str | bytes) -> Path:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    write.root = root
    return write


def _ensure_editorial_groups():
    """The Writer and Editor groups as migrations 0004 and 0007 make them (transactional tests flush them)."""
    import importlib

    from django.apps import apps

    for name, function in (("0004_editorial_groups", "create_groups"), ("0007_api_permissions", "grant"), ("0013_front_page", "grant_editors")):
        migration = importlib.import_module(f"articles.migrations.{name}")
        getattr(migration, function)(apps, None)


@pytest.fixture
def editorial_groups(db):
    from django.contrib.auth.models import Group

    _ensure_editorial_groups()
    return {group.name: group for group in Group.objects.filter(name__in=["Writer", "Editor"])}


@pytest.fixture
def editor_user(editorial_groups):
    from tests.factories import UserFactory

    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(editorial_groups["Editor"])
    return user


@pytest.fixture
def writer_user(editorial_groups):
    from tests.factories import UserFactory

    user = UserFactory(username="writer", is_staff=True)
    user.groups.add(editorial_groups["Writer"])
    return user
