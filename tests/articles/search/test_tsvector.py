"""The tsvector built in Python equals PostgreSQL's ``to_tsvector`` of the same document
(``articles.search.tsvector``), for random documents and the edge cases of its rules."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from articles.search.tsvector import tsvector_text

pytestmark = pytest.mark.django_db

_EXPRESSION = """
    setweight(to_tsvector('simple'::regconfig, %s), 'A')
    || setweight(to_tsvector('simple'::regconfig, %s || ' ' || %s), 'B')
    || setweight(to_tsvector('simple'::regconfig, %s), 'C')
    || setweight(to_tsvector('simple'::regconfig, %s), 'D')
"""


def _built(title="", summary="", projects="", body="", characters="") -> str | None:
    return tsvector_text([(title, "A"), (f"{summary} {projects}", "B"), (body, "C"), (characters, "D")])


def _assert_same_as_postgresql(title="", summary="", projects="", body="", characters="") -> bool:
    """True when the Python tsvector was built and equals PostgreSQL's; False when it was left
    to PostgreSQL."""
    built = _built(title, summary, projects, body, characters)
    if built is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ({_EXPRESSION})::text, %s::tsvector::text",
            [title, summary, projects, body, characters, built],
        )
        expected, got = cursor.fetchone()
    assert got == expected
    return True


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's to_tsvector is the reference")


def _tokens(rng: random.Random, count: int) -> str:
    alphabet = ["a", "b", "e", "z", "0", "1", "5", "9", "视", "频", "会", "议", "ア", "한", "钉"]
    return " ".join(
        "".join(rng.choice(alphabet) for _ in range(rng.choice([1, 1, 2, 3, 5, 8]))) for _ in range(count)
    )


def test_random_documents_of_words_numbers_and_mixed_tokens():
    rng = random.Random(9)  # noqa: S311 (reproducible inputs)
    built = 0
    for _ in range(400):
        built += _assert_same_as_postgresql(
            _tokens(rng, rng.randint(0, 5)),
            _tokens(rng, rng.randint(0, 8)),
            _tokens(rng, rng.randint(0, 3)),
            _tokens(rng, rng.choice([0, 5, 50, 400])),
            _tokens(rng, rng.randint(0, 20)),
        )
    assert built > 300  # most are built in Python, not left to PostgreSQL


def test_positions_past_the_limit_and_lexemes_of_many_positions():
    rng = random.Random(3)  # noqa: S311 (reproducible inputs)
    for count in (16_000, 17_000, 40_000):
        body = " ".join(rng.choice(["视频", "会议", "a", "b1", "12", "x", "钉钉"]) for _ in range(count))
        assert _assert_same_as_postgresql("视频 会议 视频", "a b", "会议", body, "视 频")
    # A lexeme repeated far more than 256 times in each part.
    assert _assert_same_as_postgresql("a " * 300, "a " * 300, "a", "a " * 300, "a")


def test_long_tokens_are_dropped_as_postgresql_drops_them():
    assert _assert_same_as_postgresql(
        "a " + "a" * 2047 + " b", "a" * 2048 + " c", "", "视" * 700 + " 视", "视"
    )
    # Either side of the length from which a token is looked at closely (683 characters).
    for length in (681, 682, 683, 684):
        assert _assert_same_as_postgresql("a", "视" * length, "b", f"会 {'议' * length} 会", "视")


def test_empty_parts():
    assert _assert_same_as_postgresql()
    assert _assert_same_as_postgresql(characters="视")
    assert _assert_same_as_postgresql(title="a")
    assert _assert_same_as_postgresql(body="钉钉 钉钉", characters="钉")


def test_every_character_of_the_vouched_ranges():
    # Each character alone, after a letter and before a digit, as a word of its own.
    characters = "".join(
        chr(code)
        for code in range(0x3000, 0xFB00)
        if tsvector_text([(chr(code), "A")]) is not None and not chr(code).isascii()
    )
    assert len(characters) > 39_000
    for start in range(0, len(characters), 4000):
        text = " ".join(f"{c} a{c}1 {c}a{c}" for c in characters[start : start + 4000])
        assert _assert_same_as_postgresql(body=text)


def test_tokens_postgresql_reads_otherwise_are_left_to_it():
    # Scientific notation, then a word; letters outside the vouched ranges; case.
    for token in ("1e5x", "12e34e", "é", "Abc", "ß"):
        assert _built(body=f"a {token}") is None
    for token in ("1e5", "1e", "1ea", "3d", "5g", "15号", "ai芯片", "芯片5"):
        assert _assert_same_as_postgresql(body=f"a {token} {token}")


@pytest.mark.parametrize(
    ("title", "body"),
    [("视频会议 iPhone 15", "<p>钉钉的 AI芯片 会议</p>"), ("Café 与 1e5x 视频", "<p>Naïve 会议</p>")],
    ids=["built-in-python", "left-to-postgresql"],
)
def test_a_stored_document_has_postgresqls_tsvector(write_article, title, body):
    from articles.search import index

    article = write_article(title, body, excerpt="摘要 word", tags=["钉钉"])
    # The document as built (the row stores only what queries read when Python built tsv).
    ((pk, title_, excerpt, body_, _published_at, _status, names),), _read = index._work([article.pk])
    document = index.document_build(
        article_id=pk, title=title_, excerpt=excerpt, body_html=body_, names=names, public=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tsv::text = ({_EXPRESSION})::text "  # noqa: S608 (no user input)
            "FROM articles_searchdocument WHERE article_id = %s",
            [document.title, document.summary, document.projects, document.body, document.characters, pk],
        )
        assert cursor.fetchone() == (True,)
