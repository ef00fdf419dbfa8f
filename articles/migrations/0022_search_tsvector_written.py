from django.db import migrations

# PostgreSQL: ``tsv`` stops being a generated column and becomes an ordinary one that every
# write fills (articles/search/tsvector.py builds it in Python, as PostgreSQL would: a rebuild
# no longer runs to_tsvector over every token). Existing values are kept as they are; the
# table is not rewritten.
FORWARDS = "ALTER TABLE articles_searchdocument ALTER COLUMN tsv DROP EXPRESSION"
# Back to the generated column: dropped and added again (the table is rewritten), with its
# GIN index and compression.
BACKWARDS = [
    "ALTER TABLE articles_searchdocument DROP COLUMN tsv",
    """
    ALTER TABLE articles_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, summary || ' ' || projects), 'B')
        || setweight(to_tsvector('simple'::regconfig, body), 'C')
        || setweight(to_tsvector('simple'::regconfig, characters), 'D')
    ) STORED
    """,
    "CREATE INDEX articles_searchdocument_tsv ON articles_searchdocument USING gin (tsv)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_search_public"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
