"""The shared table of rate-limit counters (stories/core/counters.py)."""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE IF NOT EXISTS quire_counter (
    key varchar(250) PRIMARY KEY,
    value bigint NOT NULL,
    expires timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS quire_counter_expires ON quire_counter (expires);
"""


class Migration(migrations.Migration):
    dependencies = [("stories", "0012_creator_invitations")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE IF EXISTS quire_counter;")]
