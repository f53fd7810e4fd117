import django.db.models.deletion
from django.db import migrations, models

# The single-column indexes Django made for the two foreign keys repeat the first
# column of taggedwork_unique (content_object, tag) and of (tag, content_object).
# Only the indexes are dropped: letting Django alter the fields would also drop and
# re-check both foreign keys, a full scan of the taggings.
INDEXES = {
    "stories_taggedwork_content_object_id_b763821c": "content_object_id",
    "stories_taggedwork_tag_id_14b89ef9": "tag_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0007_chapter_search_vector"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in INDEXES],
                    reverse_sql=[
                        f'CREATE INDEX IF NOT EXISTS "{name}" ON "stories_taggedwork" ("{column}")'
                        for name, column in INDEXES.items()
                    ],
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="taggedwork",
                    name="content_object",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_items",
                        to="stories.work",
                    ),
                ),
                migrations.AlterField(
                    model_name="taggedwork",
                    name="tag",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_works",
                        to="stories.tag",
                    ),
                ),
            ],
        ),
    ]
