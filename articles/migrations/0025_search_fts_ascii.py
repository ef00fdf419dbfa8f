from django.db import migrations

# SQLite: FTS5's ``ascii`` tokenizer instead of ``unicode61``. The columns hold tokens made by
# ``articles.search.text`` (runs of letters and digits, already case-folded, one space between):
# ``ascii`` takes every non-ASCII character as part of a token, so it keeps exactly those
# tokens, without looking up a Unicode table per character (about a sixth less CPU indexing a
# document); ``unicode61`` cut the same tokens but for 21 letters whose category Unicode 6.1
# gave otherwise (U+19B0, a New Tai Lue vowel, was a separator, so such a word was not found).
# The table is made again with the same columns (the triggers name it, and go on working) and
# filled from the documents ("rebuild"), with 0024's settings.
_CREATE = """
    CREATE VIRTUAL TABLE articles_searchdocument_fts USING fts5(
        title, summary, projects, body, characters,
        content='articles_searchdocument', content_rowid='article_id',
        tokenize='{tokenize}'
    )
"""
_SETTINGS = [("automerge", 8), ("hashsize", 8 * 1024 * 1024)]
_SET = "INSERT INTO articles_searchdocument_fts(articles_searchdocument_fts, rank) VALUES (%s, %s)"


def _tokenizer(tokenize):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute("DROP TABLE articles_searchdocument_fts")
        schema_editor.execute(_CREATE.format(tokenize=tokenize))
        for setting in _SETTINGS:
            schema_editor.execute(_SET, setting)
        schema_editor.execute(
            "INSERT INTO articles_searchdocument_fts(articles_searchdocument_fts) VALUES ('rebuild')"
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_search_fts_merging"),
    ]

    operations = [
        migrations.RunPython(_tokenizer("ascii"), _tokenizer("unicode61 remove_diacritics 0")),
    ]
