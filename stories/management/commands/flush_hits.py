from django.core.cache import cache
from django.core.management.base import BaseCommand

from stories.models import Work
from stories.readers.hits import hits_flush, hits_pending_key


class Command(BaseCommand):
    help = (
        "Write every work's pending hits from the cache to the database. Useful from cron with a shared "
        "cache (REDIS_URL); with the per-process memory cache each process flushes its own as it goes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="Works looked up in the cache per round trip.")

    def handle(self, *args, batch: int, **options):
        flushed = works = 0
        ids = Work.objects.order_by("pk").values_list("pk", flat=True)
        chunk: list[int] = []
        for work_id in ids.iterator(chunk_size=batch):
            chunk.append(work_id)
            if len(chunk) >= batch:
                flushed, works = self._flush(chunk, flushed, works)
                chunk = []
        if chunk:
            flushed, works = self._flush(chunk, flushed, works)
        self.stdout.write(f"Flushed {flushed} hit(s) on {works} work(s).")

    def _flush(self, chunk: list[int], flushed: int, works: int) -> tuple[int, int]:
        pending = cache.get_many([hits_pending_key(work_id) for work_id in chunk])
        for work_id in chunk:
            if pending.get(hits_pending_key(work_id)):
                flushed += hits_flush(work_id=work_id)
                works += 1
        return flushed, works
