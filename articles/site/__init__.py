"""What readers get beyond the classic views: sections, the curated front page, flashes and
most-read lists (``articles.views`` and ``articles.feeds`` hold the pages themselves)."""
