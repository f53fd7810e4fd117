"""`manage.py load_demo`: demo data for `make run`, loaded once (an archive that
already has works is left alone): generated works (stories.management.demo) and the
shared seed stories, credited to a generated username — never to a name read from
the files themselves — with readers' activity on them too. All in one transaction,
so an interrupted load leaves nothing and the next run starts again."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stories.management.demo import demo_generate, demo_users
from stories.management.demo_activity import demo_activity
from stories.models import Work

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SEED_SUFFIXES = {".txt", ".md", ".html", ".epub"}


class Command(BaseCommand):
    help = "Generate demo works and import the shared seed stories, unless the archive has works already."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    @transaction.atomic
    def handle(self, *args, works, seed, **options):
        if Work.objects.exists():
            self.stdout.write("The archive already has works; no demo data loaded.")
            return
        archive = demo_generate(works=works, seed=seed, progress=self.stdout.write)
        paths = sorted(str(p) for p in SEEDS.iterdir() if p.suffix in SEED_SUFFIXES) if SEEDS.is_dir() else []
        if not paths:
            return
        # A name of our own making: a seed file's header or notes may name people, and
        # crediting one of them would put words in their mouth.
        [creator] = demo_users(usernames=[archive.world.username()])
        before = set(Work.objects.values_list("pk", flat=True))
        try:
            # The seed stories are Naruto fan fiction whose files name no fandom.
            call_command("import_works", *paths, creator=creator.username, fandom=["Naruto"], stdout=self.stdout)
        except CommandError as error:
            self.stderr.write(f"Some seed stories were not imported: {error}")
        archive.authors.append(creator)
        seeds = list(Work.objects.exclude(pk__in=before))
        demo_activity(archive=archive, rng=archive.world.random, prose=archive.world.prose, works=seeds)
