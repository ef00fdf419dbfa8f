from django.db import migrations, models

# The column is added true for every document (on PostgreSQL a catalog-only default: no row is
# rewritten, which on 100,000 documents would rewrite every generated tsvector and its GIN
# entries), then set false for the few whose article is not published.
ADD_COLUMN = {
    "postgresql": [
        "ALTER TABLE articles_searchdocument ADD COLUMN public boolean NOT NULL DEFAULT true",
        "ALTER TABLE articles_searchdocument ALTER COLUMN public DROP DEFAULT",
    ],
    # SQLite cannot drop a default; every write names the column anyway.
    "sqlite": ["ALTER TABLE articles_searchdocument ADD COLUMN public bool NOT NULL DEFAULT 1"],
}
NOT_PUBLIC = (
    "UPDATE articles_searchdocument SET public = false WHERE article_id IN "
    "(SELECT id FROM articles_article WHERE status <> 'published')"
)
# PostgreSQL: the reader's large answers are read newest first from this index (public
# documents only), with the due test in the index condition.
POSTGRESQL_INDEX = (
    "CREATE INDEX articles_searchdocument_public_recent ON articles_searchdocument "
    "(published_at DESC NULLS LAST, article_id DESC) WHERE public"
)
# PostgreSQL: the large columns are compressed with lz4 (written several times faster than
# pglz, read back several times faster: a rebuild writes 100,000 tsvectors, a ranking reads
# 200). Values keep their compression until rewritten. A server built without lz4 keeps pglz.
POSTGRESQL_COMPRESSION = """
DO $$
BEGIN
    ALTER TABLE articles_searchdocument
        ALTER COLUMN tsv SET COMPRESSION lz4,
        ALTER COLUMN body SET COMPRESSION lz4,
        ALTER COLUMN characters SET COMPRESSION lz4,
        ALTER COLUMN summary SET COMPRESSION lz4,
        ALTER COLUMN plain SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in ADD_COLUMN.get(vendor, ADD_COLUMN["sqlite"]):
        schema_editor.execute(statement)
    schema_editor.execute(NOT_PUBLIC)
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_INDEX)
        schema_editor.execute(POSTGRESQL_COMPRESSION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS articles_searchdocument_public_recent")
        for column in ("tsv", "body", "characters", "summary", "plain"):
            schema_editor.execute(
                f"ALTER TABLE articles_searchdocument ALTER COLUMN {column} SET COMPRESSION default"
            )
    schema_editor.execute("ALTER TABLE articles_searchdocument DROP COLUMN public")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0020_label_list_dates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="public",
                    field=models.BooleanField(default=False, verbose_name="已发布"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
