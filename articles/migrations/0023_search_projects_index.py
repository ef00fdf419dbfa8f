from django.db import migrations

# PostgreSQL: a small GIN over the project tokens alone, so the ranking of a large answer of
# several words finds the documents whose projects name one of them without the tsv GIN
# (articles/search/backends/postgresql.py, ``_candidates``). ``search_rebuild`` drops and
# builds it again with the others.
FORWARDS = (
    "CREATE INDEX IF NOT EXISTS articles_searchdocument_projects ON articles_searchdocument "
    "USING gin (to_tsvector('simple'::regconfig, projects))"
)
BACKWARDS = "DROP INDEX IF EXISTS articles_searchdocument_projects"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0022_search_tsvector_written"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
