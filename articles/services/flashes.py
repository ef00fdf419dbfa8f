"""快讯 (flashes): which legacy posts are flashes."""

from __future__ import annotations

from collections.abc import Iterable

from articles.models import Article

# A legacy post filed under this category (at any level of Hexo's list) is a flash.
FLASH_CATEGORY = "快讯"


def kind_for_legacy_categories(names: Iterable[str]) -> str:
    """``Article.Kind.FLASH`` for a post filed under ``快讯``, else ``Article.Kind.ARTICLE``."""
    flash = any(name.strip() == FLASH_CATEGORY for name in names)
    return Article.Kind.FLASH if flash else Article.Kind.ARTICLE
