"""With the legacy corpus imported (../shared/corpus; skipped when absent), the seed story,
which links 钉钉 and 拍乐 with project-link anchors, is the first result for both companies."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.search import query_parse, search
from articles.services.importing import posts_import
from tests.conftest import CORPUS

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]

SEED = CORPUS / "seed" / "钉钉全资收购音视频公司拍乐云.md"


def test_company_queries_return_the_seed_article_first(corpus):
    results = list(posts_import(inputs=[corpus]))
    seed = next(result for result in results if result.path.endswith(SEED.name))
    assert seed.status == "created"
    published = Article.objects.published()
    for query in ("钉钉", "拍乐云", "釘釘"):
        found = search(query=query_parse(query), queryset=published)
        assert len(found) >= 1
        assert found[0].pk == seed.article_id, query
