"""Groups Writer (撰稿) and Editor (编辑) with their model permissions.

Writers create and edit their own drafts and submit them for review; Editors edit everything,
publish, schedule and unpublish (``articles.publish_article``). The services enforce the rules;
these groups only grant the model permissions the admin needs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_credit"),
    ("articles", "change_credit"),
    ("articles", "delete_credit"),
    ("articles", "view_credit"),
    ("articles", "view_author"),
    ("articles", "add_author"),
    ("articles", "view_project"),
    ("articles", "view_projectmention"),
]
EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    ("articles", "delete_article"),
    ("articles", "publish_article"),
    ("articles", "change_author"),
    ("articles", "add_project"),
    ("articles", "change_project"),
]
GROUPS = {"Writer": WRITER_PERMISSIONS, "Editor": EDITOR_PERMISSIONS}


def _permissions(apps, wanted):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in wanted:
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True  # create_permissions skips apps without
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    for name, wanted in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, wanted))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_renditions_and_autosave"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
