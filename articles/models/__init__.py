"""Masthead's content model: articles, their credits, and the projects they mention.

Models stay declarative. Writes go through ``articles.services``; shared reads through
``articles.selectors``. One module per part: labels (categories, tags), people (authors,
projects), content (articles and what hangs off them), newsroom (front page, page views,
import runs).
"""

from articles.models.content import (
    Article,
    ArticleAutosave,
    ArticleQuerySet,
    Credit,
    ProjectMention,
    Rendition,
    published_lookups,
)
from articles.models.labels import (
    CategorizedArticle,
    Category,
    Tag,
    TaggedArticle,
    UnicodeSlugTagBase,
    unicode_slug,
)
from articles.models.newsroom import ArticleViewCount, FrontPageSlot, ImportRun
from articles.models.people import Author, Project, ReferType, remote_failed

__all__ = [
    "Article",
    "ArticleAutosave",
    "ArticleQuerySet",
    "ArticleViewCount",
    "Author",
    "CategorizedArticle",
    "Category",
    "Credit",
    "FrontPageSlot",
    "ImportRun",
    "Project",
    "ProjectMention",
    "ReferType",
    "Rendition",
    "Tag",
    "TaggedArticle",
    "UnicodeSlugTagBase",
    "published_lookups",
    "remote_failed",
    "unicode_slug",
]
