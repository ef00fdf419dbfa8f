"""What the search engine stores per article: its text, normalised and segmented.

The columns hold space-separated jieba tokens (``articles.search.text``); each backend builds
its own index over them in migration ``0011_search``: on PostgreSQL a weighted ``tsvector``
column ``tsv`` (generated until ``0022``) with a GIN index and a trigram index on ``plain``; on SQLite an
FTS5 table kept in step by triggers. Rows are written by ``articles.search.index`` only. On
PostgreSQL ``tsv`` is written with the row (``articles.search.tsvector``, migration
``0022_search_tsvector_written``) and ``summary``, ``body`` and ``characters`` are then left
empty: only the tsvector was made of them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField(_("标题分词"), blank=True)
    # Excerpt, credited names, categories and tags: the second rank.
    summary = models.TextField(_("摘要、署名与分类分词"), blank=True)
    # Names of the projects the body links to with project-link anchors.
    projects = models.TextField(_("项目分词"), blank=True)
    body = models.TextField(_("正文分词"), blank=True)
    # Distinct CJK characters of the title, excerpt and names (not of the body, which is found
    # by its words): one-character queries.
    characters = models.TextField(_("单字"), blank=True)
    # Normalised title, excerpt and project names, unsegmented: substring queries.
    plain = models.TextField(_("规范化文本"), blank=True)
    # The article's, kept in step by every write: ranking reads large answers newest first
    # here (migration 0017_search_speed) instead of visiting each match's article.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The article's status is "published", kept in step by every write: with ``published_at``
    # (due when it has passed) the reader's search answers from this table alone, never
    # visiting the articles table per match (migration 0021_search_public).
    public = models.BooleanField(_("已发布"), default=False)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")

    def __str__(self) -> str:
        return f"search document {self.article_id}"
