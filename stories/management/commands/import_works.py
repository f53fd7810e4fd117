"""Import story files in bulk: `manage.py import_works PATH... --creator USERNAME`.

PATHs are files or folders; folders are read recursively for .txt, .md, .html and
.epub files (hidden files and folders skipped). A progress bar (tqdm) runs on
stderr; each imported file prints "path -> work URL" on stdout; at the end a
summary on stderr counts what was imported, refused (each with its reason) and
already there, and lists what an author would have been asked to check in the
upload review (repaired text, dates that could not be read and were saved as the
import day, fandoms named in a disclaimer).

Each file is imported in its own transaction; a file that fails prints the reason,
saves nothing, and makes the exit status non-zero while the others still import.

"Already there" is decided by two rules, in this order:
1. the same file: the SHA-256 of the file's bytes is stored (ImportedFile) for each
   file posted, so the same bytes imported again by the same creator are
   recognised before the file is even read, whatever its name or folder;
2. the same work, maybe in another format: a work by the same creator with the
   same title whose first chapter reads the same (a SHA-256 of its visible text,
   computed from the file and from the stored chapter's HTML) is that work, so its
   EPUB beside its TXT, or a Quire download of it, is not posted twice.
The summary says which rule recognised each file. A file changed after its import
is no longer the same file (rule 1); it is the same work by rule 2 if its title and
first chapter still read the same (a change in a later chapter, or in metadata),
and a new work otherwise; a file recognised by rule 2 is not recorded under its
own hash, so every run keeps saying that it differs from the one imported.

Works obey the same posting rules as the post form (works.rules): a file that names
no fandom is refused unless `--fandom NAME` gives one for such files.
"""

import hashlib
import html
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from stories.accounts.services import user_get_or_create
from stories.core.rendering import TAG_RE, render
from stories.importers import ImportFailed, WorkDraft, parse_upload, review_messages
from stories.models import Chapter, ImportedFile
from stories.works.rules import WorkRefused
from stories.works.services import work_create_from_draft

EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub"}


def story_files(paths: list[Path]) -> list[Path]:
    """Files named on the command line as they are, and every story file under the
    folders named (sorted, hidden ones left out). A missing path is kept so that it
    is reported."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


def text_fingerprint(rendered_html: str) -> str:
    """SHA-256 of what a reader sees of a chapter: its words, whitespace evened out."""
    text = " ".join(html.unescape(TAG_RE.sub(" ", rendered_html)).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(data: bytes) -> str:
    """SHA-256 of a file's bytes, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def find_imported_file(*, user, digest: str) -> ImportedFile | None:
    """The record of the file with these bytes that `user` imported before, if any."""
    return ImportedFile.objects.filter(user=user, sha256=digest).select_related("work").first()


def find_imported(*, user, draft: WorkDraft) -> Chapter | None:
    """The first chapter of a work by `user` with the draft's title and first
    chapter text, if there is one."""
    first = draft.chapters[0]
    fingerprint = text_fingerprint(render(first.body, first.body_format))
    candidates = Chapter.objects.filter(
        position=1, work__title=draft.title[:255], work__creator_links__user=user
    ).select_related("work")
    return next((c for c in candidates if text_fingerprint(c.body_html) == fingerprint), None)


@dataclass
class Outcome:
    imported: list[Path] = field(default_factory=list)
    # What the upload review would have shown: repairs, unread dates (saved as the
    # import day, since nobody is there to type them), fandoms offered.
    to_check: list[tuple[Path, str]] = field(default_factory=list)
    already: list[tuple[Path, str, str]] = field(default_factory=list)  # (path, work URL, the rule's words)
    refused: list[tuple[Path, str]] = field(default_factory=list)


class Command(BaseCommand):
    help = "Import .txt, .md, .html and .epub story files (or folders of them) as posted works."

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
        files = story_files(paths)
        outcome = Outcome()
        started = time.monotonic()
        with tqdm(total=len(files), unit="file", file=self.stderr, dynamic_ncols=True, leave=False) as bar:
            for path in files:
                status = "draft" if draft else "posted"
                self._import_one(path, user=user, status=status, fandoms=fandom, outcome=outcome, bar=bar)
                bar.update()
        self._summary(outcome, seconds=time.monotonic() - started)
        if outcome.refused:
            raise CommandError(f"{len(outcome.refused)} of {len(files)} file(s) failed to import.", returncode=1)

    def _import_one(self, path: Path, *, user, status: str, fandoms: list[str], outcome: Outcome, bar: tqdm) -> None:
        try:
            if not path.is_file():
                raise ImportFailed("no such file")
            data = path.read_bytes()
            digest = file_sha256(data)
            known = find_imported_file(user=user, digest=digest)
            if known is not None:
                outcome.already.append((path, known.work.get_absolute_url(), "the same file"))
                return
            draft_value = parse_upload(path.name, data)
            if not draft_value.fandoms:
                draft_value.fandoms = list(fandoms)
            before = find_imported(user=user, draft=draft_value)
            if before is not None:
                outcome.already.append(
                    (path, before.work.get_absolute_url(), "the same title and first chapter; the file differs")
                )
                return
            with transaction.atomic():
                work = work_create_from_draft(draft=draft_value, creators=[user], status=status)
                ImportedFile.objects.create(work=work, user=user, sha256=digest, name=path.name[:255])
        except (ImportFailed, WorkRefused, OSError) as error:
            outcome.refused.append((path, str(error)))
            with tqdm.external_write_mode(file=self.stderr):
                self.stderr.write(f"{path}: {error}")
            return
        outcome.imported.append(path)
        outcome.to_check += [(path, message) for message in review_messages(draft_value)]
        with tqdm.external_write_mode(file=self.stderr):
            self.stdout.write(f"{path} -> {work.get_absolute_url()}")

    def _summary(self, outcome: Outcome, *, seconds: float) -> None:
        total = len(outcome.imported) + len(outcome.already) + len(outcome.refused)
        rate = total / seconds if seconds > 0 else 0.0
        lines = [
            f"{total} file(s) in {seconds:.1f}s ({rate:.1f}/s): {len(outcome.imported)} imported, "
            f"{len(outcome.already)} already there, {len(outcome.refused)} refused."
        ]
        lines += [f"  already there: {path} ({url}, {rule})" for path, url, rule in outcome.already]
        lines += [f"  refused: {path}: {reason}" for path, reason in outcome.refused]
        lines += [f"  to check: {path}: {message}" for path, message in outcome.to_check]
        self.stderr.write("\n".join(lines))
