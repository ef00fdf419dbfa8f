from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# PostgreSQL: the index the ranking of a large answer reads newest first, and a small GIN over
# the title and project tokens (the matches that score +4 or +2), so a word found in a third of
# the archive is ranked without visiting every match (articles/search/backends/postgresql.py).
POSTGRESQL_FORWARDS = [
    "CREATE INDEX articles_searchdocument_recent ON articles_searchdocument "
    "(published_at DESC NULLS LAST, article_id DESC)",
    "CREATE INDEX articles_searchdocument_head ON articles_searchdocument "
    "USING gin (to_tsvector('simple'::regconfig, title || ' ' || projects))",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS articles_searchdocument_head",
    "DROP INDEX IF EXISTS articles_searchdocument_recent",
]


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    SearchDocument = apps.get_model("articles", "SearchDocument")
    SearchDocument.objects.update(
        published_at=Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("published_at")[:1])
    )
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0018_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
