"""Chinese full-text search for the site, the admin and the API: one engine, two backends.

- ``text``: normalisation (NFKC, case folding, OpenCC Traditional → Simplified) and jieba
  segmentation (search mode for documents, precise mode for queries); of a body, its prose
  (``searched_html``: code listings left out).
- ``dictionary``: project, author, category and tag names as jieba words, versioned in the
  cache so every process reloads them when they change.
- ``models``: ``SearchDocument``, the segmented text of each article.
- ``index``: ``documents_update(article_ids)``, called by every write path inside its
  transaction; ``documents_rebuild`` (``manage.py search_rebuild``).
- ``query`` / ``engine``: a reader's query parsed (``query_parse``, ``QueryTooLong``) and run
  over any article queryset (``search``), ranked and paged.
- ``backends``: ``postgresql`` (weighted tsvector, GIN, ``ts_rank_cd``, ``pg_trgm``) and
  ``sqlite`` (FTS5, ``bm25``); nothing outside this package knows which one runs.
- ``highlight``: the matching passage with ``<mark>``, escaped.
"""

from articles.search.engine import SearchResults, search
from articles.search.highlight import body_passage, highlight, passage
from articles.search.index import SEARCH_KEY, documents_rebuild, documents_update
from articles.search.query import MAX_QUERY_LENGTH, ParsedQuery, QueryTooLong, query_parse
from articles.search.text import normalize

__all__ = [
    "MAX_QUERY_LENGTH",
    "SEARCH_KEY",
    "ParsedQuery",
    "QueryTooLong",
    "SearchResults",
    "body_passage",
    "documents_rebuild",
    "documents_update",
    "highlight",
    "normalize",
    "passage",
    "query_parse",
    "search",
]
