"""Usernames are unique whatever their case ("Donald" and "donald" are one name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stories", "0013_ratelimit_counters"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS auth_user_username_lower_unique ON auth_user (lower(username));",
            "DROP INDEX IF EXISTS auth_user_username_lower_unique;",
        )
    ]
