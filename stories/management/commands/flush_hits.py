from django.core.management.base import BaseCommand

from stories.readers.hits import hits_aggregate


class Command(BaseCommand):
    help = (
        "Add the hits recorded since the last run to the works' counters now. The job worker does "
        "this by itself every QUIRE_HITS_EVERY_SECONDS; this is for a shell or a test."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Added {hits_aggregate()} hit(s).")
