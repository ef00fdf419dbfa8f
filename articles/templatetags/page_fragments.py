"""Cached pieces of reader pages (see ``articles.caching.fragments``).

``{% fragment "article" article_pk keys=article_keys %}...{% endfragment %}`` caches what it
encloses under the name ``article:<pk>``; ``keys`` (resolved only on a miss, so a lazy value
costs nothing on a hit) are the surrogate keys of what it shows, added to those declared while
it rendered. ``timeout=`` overrides ``ARTICLES_FRAGMENT_CACHE_SECONDS``.

``{% article_cards articles %}`` renders list cards, one cached fragment per article: a page of 20 cards
reads them in two cache round trips and reads from the database (once) only the articles whose
card is not cached.
"""

from __future__ import annotations

from django import template
from django.template.base import token_kwargs
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from articles.caching import keys as surrogate
from articles.caching.fragments import fragment, fragments_get, fragments_set

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name_parts, options) -> None:
        self.nodelist = nodelist
        self.name_parts = name_parts
        self.options = options

    def render(self, context) -> str:
        name = ":".join(str(part.resolve(context)) for part in self.name_parts)
        timeout = self.options["timeout"].resolve(context) if "timeout" in self.options else None

        def render_inner() -> str:
            html = self.nodelist.render(context)
            if "keys" in self.options:
                surrogate.declare_many(self.options["keys"].resolve(context) or ())
            return html

        return fragment(name, render_inner, timeout=int(timeout) if timeout else None)


@register.tag("fragment")
def do_fragment(parser, token) -> FragmentNode:
    """``{% fragment "name" part ... [keys=expr] [timeout=seconds] %}...{% endfragment %}``"""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    name_parts = []
    while bits and "=" not in bits[0]:
        name_parts.append(parser.compile_filter(bits.pop(0)))
    options = token_kwargs(bits, parser)
    if bits or set(options) - {"keys", "timeout"}:
        raise template.TemplateSyntaxError("{% fragment %} takes only keys= and timeout= after its name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name_parts, options)


def _rows_for(articles, pks: list[int]) -> dict:
    rows_for = getattr(articles, "rows_for", None)
    if rows_for is not None:
        return rows_for(pks)
    wanted = set(pks)
    return {article.pk: article for article in articles if article.pk in wanted}


def _pks(articles) -> list[int]:
    pks = getattr(articles, "pks", None)
    return list(pks) if pks is not None else [article.pk for article in articles]


def _render_per_article(articles, wanted: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """``{(kind, pk): html}`` for ``wanted`` pieces (``kind``: ``card``): cached ones
    in two round trips, the others rendered from one read of their articles."""
    names = {(kind, pk): f"{kind}:{pk}" for kind, pk in wanted}
    html = fragments_get(list(names.values()))
    missing = [piece for piece in wanted if names[piece] not in html]
    if missing:
        rows = _rows_for(articles, list(dict.fromkeys(pk for _kind, pk in missing)))
        rendered = {}
        for kind, pk in missing:
            if pk not in rows:
                continue  # gone since the page's ids were read
            article = rows[pk]
            with surrogate.collecting() as shown:
                # A card shows the article and its credited authors' names.
                surrogate.declare_objects(article, *(credit.author for credit in article.credits.all()))
                html_piece = get_template(_TEMPLATES[kind]).render({"article": article})
            rendered[names[kind, pk]] = (html_piece, shown)
        fragments_set(rendered)
        html.update({name: value for name, (value, _keys) in rendered.items()})
    return {piece: html[name] for piece, name in names.items() if name in html}


_TEMPLATES = {"card": "articles/_article_card.html"}


@register.simple_tag
def article_cards(articles) -> SafeString:
    """The list cards of ``articles`` (a page's ``ArticleRows`` or any list of articles whose
    credits and renditions are prefetched), each cached as a fragment."""
    pieces = _render_per_article(articles, [("card", pk) for pk in _pks(articles)])
    return mark_safe("".join(pieces.values()))  # rendered by autoescaping templates
