"""API and webhook permissions for the editorial groups.

Writers and Editors may make and revoke their own admin-API tokens; Editors also manage
content API keys and webhook endpoints and read the delivery log (and send a delivery again).
"""

import importlib

from django.db import migrations

WRITER_PERMISSIONS = [
    ("articles", "add_stafftoken"),
    ("articles", "change_stafftoken"),
    ("articles", "view_stafftoken"),
]
EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    ("articles", "add_contentkey"),
    ("articles", "change_contentkey"),
    ("articles", "view_contentkey"),
    ("articles", "add_webhookendpoint"),
    ("articles", "change_webhookendpoint"),
    ("articles", "delete_webhookendpoint"),
    ("articles", "view_webhookendpoint"),
    ("articles", "view_webhookevent"),
    ("articles", "change_webhookdelivery"),
    ("articles", "view_webhookdelivery"),
    ("articles", "view_webhookattempt"),
]
GROUPS = {"Writer": WRITER_PERMISSIONS, "Editor": EDITOR_PERMISSIONS}


def grant(apps, schema_editor):
    groups = importlib.import_module("articles.migrations.0004_editorial_groups")
    groups.create_groups(apps, schema_editor)  # makes sure every permission exists
    Group = apps.get_model("auth", "Group")
    for name, wanted in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*groups._permissions(apps, wanted))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            codenames = [codename for _app, codename in wanted]
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_api_and_webhooks")]

    operations = [migrations.RunPython(grant, revoke)]
