"""Model objects to JSON-ready dicts: what the content API and webhook payloads send.

Pure functions over articles whose relations were prefetched by
``articles.selectors.article_with_relations``: no query here. Dates are ISO 8601 in the site's
time zone with their offset; URLs are absolute (``MASTHEAD_SITE_URL``); ``body_html`` is the
body as stored, which every write path cleaned with the one allowlist, with root-relative
links made absolute as in feeds; ``excerpt`` is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from articles.feeds import absolute_links
from articles.jsonld import absolute_url
from articles.models import Article, Author, Category, Credit, Project, Rendition, Tag
from articles.selectors import article_categories, article_projects, article_tags
from articles.services.images import FORMATS
from articles.text import plain_text

# Every field an article can carry, and the relation (prefetch) each one needs.
ARTICLE_FIELDS: dict[str, str | None] = {
    "id": None,
    "title": None,
    "excerpt": None,
    "body_html": None,
    "url": None,
    "published_at": None,
    "updated_at": None,
    "categories": "categories",
    "tags": "tags",
    "credits": "credits",
    "head_image": "renditions",
    "projects": "mentions",
    "source": None,
}
# A list leaves the body out unless asked (``fields=...,body_html``); a single article has all.
ARTICLE_LIST_FIELDS = frozenset(ARTICLE_FIELDS) - {"body_html"}
ARTICLE_DETAIL_FIELDS = frozenset(ARTICLE_FIELDS)
# Related objects a response can carry once, at its top level, under "included".
INCLUDES: dict[str, str] = {"authors": "credits", "projects": "mentions"}

_MARKUP = re.compile(r"<[A-Za-z/!]")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in the site's time zone, with its offset (``2024-05-01T10:00:00+08:00``)."""
    return timezone.localtime(value).isoformat() if value is not None else None


def relations_for(*, fields: Iterable[str], include: Iterable[str] = ()) -> set[str]:
    """The ``articles.selectors.ARTICLE_RELATIONS`` that ``fields`` and ``include`` need."""
    needed = {ARTICLE_FIELDS[name] for name in fields} | {INCLUDES[name] for name in include}
    return {relation for relation in needed if relation}


def author_ref(author: Author) -> dict:
    return {"id": author.pk, "slug": author.slug, "name": author.name}


def author_full(author: Author) -> dict:
    return {
        **author_ref(author),
        "bio": author.bio,
        "avatar_url": absolute_url(author.avatar.url) if author.avatar else None,
        "url": absolute_url(author.get_absolute_url()),
    }


def category_full(category: Category) -> dict:
    return {
        "id": category.pk,
        "slug": category.slug,
        "name": category.name,
        "url": absolute_url(category.get_absolute_url()),
    }


def tag_full(tag: Tag) -> dict:
    return {"id": tag.pk, "slug": tag.slug, "name": tag.name, "url": absolute_url(tag.get_absolute_url())}


def project_ref(project: Project) -> dict:
    return {
        "identifier": project.external_id,
        "name": project.name,
        # The logo the pages show (Project.logo_src): the stored copy, else the remote one unless
        # fetching it failed; null then, and the pages show a badge of the name's first letter.
        "logo_url": absolute_url(project.logo_src) or None,
        "url": absolute_url(project.get_absolute_url()),
    }


def project_full(project: Project) -> dict:
    return {**project_ref(project), "external_url": project.url or None, "refer_type": project.refer_type}


def credit_dict(credit: Credit) -> dict:
    return {
        "role": credit.role,
        "role_label": str(credit.get_role_display()),
        "author": author_ref(credit.author),
    }


def _rendition(rendition: Rendition) -> dict:
    return {
        "spec": rendition.spec,
        "format": rendition.format.lower(),
        "mime": FORMATS.get(rendition.format, ("", "application/octet-stream"))[1],
        "url": absolute_url(rendition.file.url),
        "width": rendition.width,
        "height": rendition.height,
    }


def head_image_dict(article: Article) -> dict | None:
    """The head image: the original, its renditions (every spec and format, narrowest first)
    and focal point; an imported article without a stored copy has only its remote URL. The
    image the pages show (``Article.head_image_src``): none when there is no image, or only a
    remote one that could not be fetched (the pages omit it then)."""
    if not article.head_image_src:
        return None
    renditions = []
    if article.head_image:
        current = [r for r in article.renditions.all() if r.source == article.head_image.name]
        renditions = [_rendition(r) for r in sorted(current, key=lambda r: (r.spec, r.width, r.format))]
    focal = None
    if article.head_image_focal_x is not None and article.head_image_focal_y is not None:
        focal = {"x": article.head_image_focal_x, "y": article.head_image_focal_y}
    return {
        "url": absolute_url(article.head_image_src),
        "alt": article.head_image_alt,
        "focal_point": focal,
        "renditions": renditions,
    }


def excerpt_text(excerpt: str) -> str:
    """The excerpt as plain text (imported excerpts may carry markup)."""
    return plain_text(excerpt) if _MARKUP.search(excerpt) else excerpt.strip()


_BUILDERS = {
    "id": lambda a: a.pk,
    "title": lambda a: a.title,
    "excerpt": lambda a: excerpt_text(a.excerpt),
    "body_html": lambda a: absolute_links(a.body),
    "url": lambda a: absolute_url(a.get_absolute_url()),
    "published_at": lambda a: iso(a.published_at),
    "updated_at": lambda a: iso(a.updated_at),
    "categories": lambda a: [category_full(c) for c in article_categories(article=a)],
    "tags": lambda a: [tag_full(t) for t in article_tags(article=a)],
    "credits": lambda a: [credit_dict(c) for c in a.credits.all()],
    "head_image": head_image_dict,
    "projects": lambda a: [project_ref(p) for p in article_projects(article=a)],
    "source": lambda a: a.source,
}


def article_dict(article: Article, *, fields: Iterable[str]) -> dict:
    """``article`` with the chosen ``fields``, in ``ARTICLE_FIELDS`` order."""
    chosen = set(fields)
    return {name: _BUILDERS[name](article) for name in ARTICLE_FIELDS if name in chosen}


def included_dict(articles: Iterable[Article], *, include: Iterable[str]) -> dict:
    """The related objects named by ``include`` for ``articles``, each once, in first-seen order."""
    wanted = set(include)
    included: dict[str, list[dict]] = {}
    if "authors" in wanted:
        authors: dict[int, Author] = {}
        for article in articles:
            for credit in article.credits.all():
                authors.setdefault(credit.author_id, credit.author)
        included["authors"] = [author_full(a) for a in authors.values()]
    if "projects" in wanted:
        projects: dict[int, Project] = {}
        for article in articles:
            for project in article_projects(article=article):
                projects.setdefault(project.pk, project)
        included["projects"] = [project_full(p) for p in projects.values()]
    return included
