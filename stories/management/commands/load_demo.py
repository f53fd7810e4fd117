"""`manage.py load_demo`: demo data for `make run`, loaded once (an archive that
already has works is left alone)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from stories.models import Work

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


class Command(BaseCommand):
    help = "Generate demo works and import the shared seed stories, unless the archive has works already."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=200)

    def handle(self, *args, works, **options):
        if Work.objects.exists():
            self.stdout.write("The archive already has works; no demo data loaded.")
            return
        call_command("generate_demo", works=works, stdout=self.stdout)
        if SEEDS.is_dir():
            paths = sorted(str(p) for p in SEEDS.iterdir() if p.suffix in {".txt", ".md", ".html", ".epub"})
            if paths:
                # The seed stories are Naruto fan fiction whose files name no fandom.
                call_command(
                    "import_works", *paths, creator="kiterie", create_user=True, fandom=["Naruto"], stdout=self.stdout
                )
