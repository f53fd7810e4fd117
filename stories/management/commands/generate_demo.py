"""`manage.py generate_demo --works N`: fill the archive with generated works."""

from django.core.management.base import BaseCommand

from stories.accounts.services import user_get_or_create
from stories.management.demo import DemoWorld
from stories.works.services import work_create_from_draft


class Command(BaseCommand):
    help = "Create N realistic fake works (Faker) across several fandoms."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=200)
        parser.add_argument("--authors", type=int, default=40)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--max-words", type=int, default=200_000)

    def handle(self, *args, works, authors, seed, max_words, **options):
        world = DemoWorld(seed=seed)
        users = [user_get_or_create(username=world.username()) for _ in range(max(1, authors))]
        for i in range(works):
            draft = world.work(max_words=max_words)
            creators = [world.random.choice(users)]
            if world.random.random() < 0.05:
                creators.append(world.random.choice([u for u in users if u not in creators] or users))
            work_create_from_draft(draft=draft, creators=creators)
            if (i + 1) % 50 == 0:
                self.stdout.write(f"{i + 1} works")
        self.stdout.write(self.style.SUCCESS(f"Created {works} works."))
