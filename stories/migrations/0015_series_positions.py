"""A series part's position is unique in its series (deferred, so parts can trade
places in one transaction). Existing duplicates are renumbered first, in their
reading order (position, then the order they were added)."""

from django.db import migrations, models

RENUMBER = """
UPDATE stories_seriespart p SET position = r.n
FROM (
    SELECT id, row_number() OVER (PARTITION BY series_id ORDER BY position, id) AS n FROM stories_seriespart
) r
WHERE p.id = r.id AND p.position <> r.n
"""


class Migration(migrations.Migration):
    dependencies = [("stories", "0014_username_lower_unique")]

    operations = [
        migrations.RunSQL(RENUMBER, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="seriespart",
            constraint=models.UniqueConstraint(
                deferrable=models.Deferrable["DEFERRED"],
                fields=("series", "position"),
                name="seriespart_unique_position",
            ),
        ),
    ]
