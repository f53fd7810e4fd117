"""The Moderators group: staff who are not superusers get what they need to wrangle
tags, fix metadata, hide works and handle reports."""

from django.db import migrations

MODERATOR_PERMISSIONS = {
    "stories": {
        "work": ["view", "change"],
        "chapter": ["view", "change"],
        "tag": ["view", "add", "change", "delete"],
        "taggedwork": ["view", "add", "change", "delete"],
        "series": ["view", "change"],
        "seriespart": ["view", "add", "change", "delete"],
        "worklink": ["view", "add", "change", "delete"],
        "workcreator": ["view"],
        "comment": ["view", "change", "delete"],
        "report": ["view", "change"],
    },
    "auth": {"user": ["view"]},
}


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, models in MODERATOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
