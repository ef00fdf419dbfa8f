"""Publication dates bounded to one range, project identifiers and logos checked
(articles.publication_dates, articles.services.project_ids), and the rows stored before the
bounds brought within them: a date outside the range is moved to its nearest end, a project
whose identifier cannot be a URL segment is removed (its mentions with it; the anchors stay
ordinary links in the bodies), a logo or link that is not http(s) is blanked."""

from datetime import datetime
from zoneinfo import ZoneInfo

import articles.publication_dates
import articles.services.project_ids
from django.db import migrations, models


def bring_within_bounds(apps, schema_editor):
    from django.conf import settings

    from articles.publication_dates import PUBLICATION_DATE_MAX, PUBLICATION_DATE_MIN
    from articles.services.project_ids import project_id_is_valid, project_url_or_blank

    Article = apps.get_model("articles", "Article")
    Project = apps.get_model("articles", "Project")
    zone = ZoneInfo(settings.TIME_ZONE)
    earliest = datetime.combine(PUBLICATION_DATE_MIN, datetime.min.time(), tzinfo=zone)
    latest = datetime.combine(PUBLICATION_DATE_MAX, datetime.min.time(), tzinfo=zone)
    # Updates only: an out-of-range row may not even be readable (1 BC on PostgreSQL).
    Article.objects.filter(published_at__lt=earliest).update(published_at=earliest)
    Article.objects.filter(published_at__gt=latest).update(published_at=latest)
    invalid = [pk for pk, external_id in Project.objects.values_list("pk", "external_id")
               if not project_id_is_valid(external_id)]
    Project.objects.filter(pk__in=invalid).delete()
    for project in Project.objects.exclude(logo_url="", url=""):
        logo, url = project_url_or_blank(project.logo_url), project_url_or_blank(project.url)
        if (logo, url) != (project.logo_url, project.url):
            Project.objects.filter(pk=project.pk).update(logo_url=logo, url=url)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_clean_image_fields'),
    ]

    operations = [
        migrations.RunPython(bring_within_bounds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='article',
            name='published_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True, validators=[articles.publication_dates.validate_publication_date], verbose_name='发布时间'),
        ),
        migrations.AlterField(
            model_name='project',
            name='external_id',
            field=models.CharField(max_length=64, unique=True, validators=[articles.services.project_ids.validate_project_id], verbose_name='项目 ID'),
        ),
        migrations.AlterField(
            model_name='project',
            name='logo_url',
            field=models.URLField(blank=True, max_length=1000, validators=[articles.services.project_ids.validate_logo_url], verbose_name='Logo 地址'),
        ),
    ]
