# Built concurrently: the works table stays writable while the index is made.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("stories", "0003_discovery_search"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="work",
            index=models.Index(
                fields=["id"],
                include=(
                    "status",
                    "is_hidden",
                    "restricted",
                    "rating",
                    "language",
                    "is_complete",
                    "warnings",
                    "categories",
                ),
                name="work_filter_covering",
            ),
        ),
    ]
