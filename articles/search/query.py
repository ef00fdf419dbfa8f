"""A reader's query, as the backends match it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from articles.search.dictionary import dictionary_ensure
from articles.search.text import collapse_spaces, normalize, query_tokens

# Longer queries are refused (400 on the site, 422 in the API): nobody types more, and a
# query's cost grows with its words.
MAX_QUERY_LENGTH = 200


class QueryTooLong(ValueError):
    """The query is longer than ``MAX_QUERY_LENGTH`` characters."""

    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(
            _("搜索词太长了（%(length)d 个字符），请控制在 %(limit)d 个字符以内。")
            % {"length": length, "limit": MAX_QUERY_LENGTH}
        )


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """``text``: the normalised query (spaces collapsed); ``tokens``: its words in precise
    mode, letters and digits only, each matched as a whole token of the index."""

    text: str
    tokens: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def like_pattern(self) -> str:
        """``%text%`` for LIKE, with ``\\``, ``%`` and ``_`` escaped (escape character ``\\``)."""
        escaped = self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"


def query_parse(raw: str) -> ParsedQuery:
    """Normalise and segment ``raw`` (anything a reader may type: operators, quotes, control
    characters and lone surrogates are plain text). Raises ``QueryTooLong``."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryTooLong(len(raw))
    text = collapse_spaces(normalize(raw))
    if not text:
        return ParsedQuery(text="", tokens=())
    dictionary_ensure()
    return ParsedQuery(text=text, tokens=tuple(query_tokens(text)))
