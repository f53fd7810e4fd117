from django.core.management.base import BaseCommand

from stories.readers.notifications import outgoing_email_send


class Command(BaseCommand):
    help = (
        "Send queued notification emails now. The job worker sends them by itself (at once after a "
        "post, and every QUIRE_EMAIL_SWEEP_SECONDS); this is for a shell or a test."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many emails per run.")

    def handle(self, *args, limit: int, **options):
        sent, failed = outgoing_email_send(limit=limit)
        self.stdout.write(f"Sent {sent} email(s), {failed} failed (kept queued).")
