"""Import story files in bulk: `manage.py import_works PATH... --creator USERNAME`.

Each file is imported in its own transaction; a file that fails prints the reason,
saves nothing, and makes the exit status non-zero while the others still import.
Works obey the same posting rules as the post form (works.rules): a file that names
no fandom is refused unless `--fandom NAME` gives one for such files.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from stories.accounts.services import user_get_or_create
from stories.importers import ImportFailed, parse_upload
from stories.works.rules import WorkRefused
from stories.works.services import work_create_from_draft


class Command(BaseCommand):
    help = "Import .txt, .md, .html and .epub story files as posted works."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--creator", required=True, help="Username of the works' creator.")
        parser.add_argument("--create-user", action="store_true", help="Create the creator if missing.")
        parser.add_argument("--draft", action="store_true", help="Save as drafts instead of posting.")
        parser.add_argument(
            "--fandom", action="append", default=[], help="Fandom for files that name none (repeatable)."
        )

    def handle(self, *args, paths, creator, create_user, draft, fandom, **options):
        User = get_user_model()
        if create_user:
            user = user_get_or_create(username=creator)
        else:
            user = User.objects.filter(username=creator).first()
            if user is None:
                raise CommandError(f"No user {creator!r}; pass --create-user to create one.")
        failures = 0
        for path in paths:
            try:
                if not path.is_file():
                    raise ImportFailed("no such file")
                draft_value = parse_upload(path.name, path.read_bytes())
                if not draft_value.fandoms:
                    draft_value.fandoms = list(fandom)
                work = work_create_from_draft(draft=draft_value, creators=[user], status="draft" if draft else "posted")
            except (ImportFailed, WorkRefused, OSError) as error:
                failures += 1
                self.stderr.write(f"{path}: {error}")
                continue
            self.stdout.write(f"{path} -> {work.get_absolute_url()}")
        if failures:
            raise CommandError(f"{failures} of {len(paths)} file(s) failed to import.", returncode=1)
