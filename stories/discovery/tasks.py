"""Discovery's periodic job: keeping the tally of listed works short (discovery.tally)."""

from procrastinate.contrib.django import app

from stories.discovery.tally import tally_compact


@app.periodic(cron="* * * * *", periodic_id="tally-compact")
@app.task(queueing_lock="tally_compact")
def tally_compact_job(timestamp: int) -> int:
    """Fold the tally's added rows (each posting, hiding or retagging adds some)."""
    return tally_compact()
