"""Category and tag links carry their article's publication time (``articles.services.link_dates``),
indexed so a label's page reads its newest articles by an index range scan."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    article = apps.get_model("articles", "Article")
    for name in ("CategorizedArticle", "TaggedArticle"):
        published = article.objects.filter(pk=OuterRef("content_object_id"), status="published")
        apps.get_model("articles", name).objects.update(
            published_at=Subquery(published.values("published_at")[:1])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0019_search_speed'),
    ]

    operations = [
        migrations.AddField(
            model_name='categorizedarticle',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='taggedarticle',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='categorizedarticle',
            index=models.Index(fields=['tag', '-published_at', '-content_object'], name='categorized_newest_idx'),
        ),
        migrations.AddIndex(
            model_name='taggedarticle',
            index=models.Index(fields=['tag', '-published_at', '-content_object'], name='tagged_newest_idx'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
