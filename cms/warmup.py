"""Warm a server process before it forks its workers (gunicorn's ``preload_app``).

Django does much of its set-up on first use: the cache backend (importing redis and
django-redis), the URL resolver, each template's compilation (kept by the cached loader) and
the translation catalogs. Done in each worker, that costs the first requests a worker answers
100-200 ms, and a worker recycled by ``max_requests`` pays it again in the middle of a traffic
spike. Done once in the master, every worker forked from it, the first ones and each recycled
one, starts with all of it in memory (shared copy-on-write).

Nothing here opens a connection: a database or Redis socket made before the fork would be
shared by every worker. Connections are made by each worker on its first query, as before.
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings

# Templates readers never get (the admin's) are compiled on first use, as before.
_SKIPPED_TEMPLATE_FOLDERS = {"admin"}


def reader_templates() -> list[str]:
    """The names of the templates in the project's template folders (``TEMPLATES`` ``DIRS``),
    but the admin's."""
    names = []
    for backend in settings.TEMPLATES:
        for folder in map(Path, backend.get("DIRS", [])):
            for path in sorted(folder.rglob("*")):
                name = path.relative_to(folder).as_posix()
                if path.is_file() and name.split("/", 1)[0] not in _SKIPPED_TEMPLATE_FOLDERS:
                    names.append(name)
    return names


def warm_up() -> dict[str, int]:
    """Do Django's first-use set-up now, in this process, without opening any connection;
    then move everything made so far out of the garbage collector's sight (``gc.freeze``):
    workers' collections then skip the application's long-lived objects, and do not touch
    (copy) the pages they share with the master. Returns what was warmed, for the log."""
    from django.core.cache import caches
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    for alias in settings.CACHES:
        caches[alias]  # creating the backend imports its client (it connects on first use)
    get_resolver()._populate()  # imports every view module
    templates = reader_templates()
    for name in templates:
        get_template(name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")
    gc.collect()
    gc.freeze()
    languages = len(settings.LANGUAGES)
    return {"templates": len(templates), "languages": languages, "frozen": gc.get_freeze_count()}
