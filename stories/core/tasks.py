"""Housekeeping of the job queue itself: jobs left *doing* by a worker that died
(killed, machine lost) go back to *todo*; old finished jobs are deleted."""

from django.conf import settings
from procrastinate.contrib.django import app
from procrastinate.exceptions import UniqueViolation
from procrastinate.jobs import Status


@app.periodic(cron="* * * * * */15", periodic_id="jobs-retry-stalled")
@app.task(queueing_lock="jobs_retry_stalled", pass_context=True)
async def jobs_retry_stalled(context, timestamp: int) -> int:
    """Put back every job whose worker stopped sending heartbeats; returns how many.
    Jobs must therefore be safe to run twice (ours are: see readers.tasks). A job with
    a queueing lock whose twin is already waiting is closed as failed instead: the
    twin does its work."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=settings.QUIRE_JOB_STALLED_SECONDS)
    for job in stalled:
        try:
            await manager.retry_job(job)
        except UniqueViolation:
            await manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
    return len(stalled)


@app.periodic(cron="17 4 * * *", periodic_id="jobs-delete-old")
@app.task(queueing_lock="jobs_delete_old", pass_context=True)
async def jobs_delete_old(context, timestamp: int) -> None:
    """Delete succeeded and cancelled jobs after a week; failed ones stay for moderators."""
    await context.app.job_manager.delete_old_jobs(nb_hours=24 * 7, include_cancelled=True)
