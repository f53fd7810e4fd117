"""`manage.py generate_demo --works N`: fill the archive with a generated demo (works,
series, links, and readers' kudos, hits, comments, bookmarks and subscriptions)."""

from django.core.management.base import BaseCommand

from stories.management.demo import demo_generate


class Command(BaseCommand):
    help = "Create N generated works by generated authors, with series, links and readers' activity."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=200)
        parser.add_argument("--authors", type=int, default=40)
        parser.add_argument(
            "--readers",
            type=int,
            default=None,
            help="Readers besides the authors (default: as many as works, at least 30).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--max-words", type=int, default=200_000)

    def handle(self, *args, works, authors, readers, seed, max_words, **options):
        archive = demo_generate(
            works=works, authors=authors, readers=readers, seed=seed, max_words=max_words, progress=self.stdout.write
        )
        self.stdout.write(self.style.SUCCESS(f"Created {len(archive.works)} works."))
