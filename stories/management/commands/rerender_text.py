"""Render every stored text again with today's renderer and sanitiser:
`manage.py rerender_text [--dry-run] [--batch-size N]`.

Quire stores each author text twice: the source (Markdown, plain text or imported
HTML) and the sanitised HTML rendered from it on save (stories.core.rendering).
When the renderer or the sanitiser changes (a tag allowed, ids kept, a new kind of
scene break), rows saved before still hold the old HTML. This command renders
them again through each model's own `render_text()` (the method save() uses), so the
stored HTML is exactly what a save today would store:

- works: title, summary, notes, end notes;
- chapters: title, text (and so its word count), summary, notes, end notes;
- series: title, description;
- comments: text; bookmarks: the reader's note.

Rows are read in batches of --batch-size by primary key; each batch is one
transaction that locks its rows (SELECT … FOR UPDATE), so an edit made meanwhile is
neither lost nor overwritten with HTML of the old source. Only rows whose stored
values differ are written, and only those columns, so a second run changes
nothing; `updated_at` is not touched (a re-render is not an author's change). A
work whose chapters' word counts changed has its own count summed again. With
--dry-run nothing is written and the counts say what would change. Progress bars
run on stderr; one line per kind of row on stdout.
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from tqdm import tqdm

from stories.models import Bookmark, Chapter, Comment, Series, Work
from stories.works.services import work_recount

# The models whose rows hold rendered text, each rendered by its own render_text()
# (stories.models.base.RenderedText), which sets the fields its rendered_fields() name.
TARGETS = {"works": Work, "chapters": Chapter, "series": Series, "comments": Comment, "bookmarks": Bookmark}


@dataclass
class Tally:
    """What one kind of row came to: rows read, rows (and columns) that differ."""

    rows: int = 0
    changed: int = 0
    works_recounted: int = 0
    columns: dict[str, int] = field(default_factory=dict)  # column -> rows where it differs


def rerender_batch(model: type[models.Model], *, after: int, batch_size: int, write: bool, tally: Tally) -> int | None:
    """Render one batch of `model` rows with pk > `after` again; write the rows
    that differ when `write`. Returns the last pk read, None when there were none."""
    writes = model.rendered_fields()
    queryset = model.objects.filter(pk__gt=after).order_by("pk")
    with transaction.atomic():
        if write:
            queryset = queryset.select_for_update(of=("self",))
        rows = list(queryset[:batch_size])
        changed, works = [], set()
        for row in rows:
            before = {name: getattr(row, name) for name in writes}
            row.render_text()
            differing = [name for name in writes if getattr(row, name) != before[name]]
            if differing:
                changed.append(row)
                for name in differing:
                    tally.columns[name] = tally.columns.get(name, 0) + 1
                if "word_count" in differing:
                    works.add(row.work_id)
        if write and changed:
            model.objects.bulk_update(changed, list(writes))
            for work_id in sorted(works):
                work_recount(work_id=work_id)
    tally.rows += len(rows)
    tally.changed += len(changed)
    tally.works_recounted += len(works)
    return rows[-1].pk if rows else None


class Command(BaseCommand):
    help = "Render every stored text (chapters, summaries, notes, series descriptions, comments) again."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verb = "would change" if dry_run else "changed"
        for label, model in TARGETS.items():
            tally = Tally()
            total = model.objects.count()
            with tqdm(total=total, unit="row", desc=label, file=self.stderr, leave=False) as bar:
                last = 0
                while True:
                    read_before = tally.rows
                    last = rerender_batch(model, after=last, batch_size=batch_size, write=not dry_run, tally=tally)
                    bar.update(tally.rows - read_before)
                    if last is None:
                        break
            detail = ", ".join(f"{name} {count}" for name, count in sorted(tally.columns.items()))
            line = f"{label}: {tally.changed} of {tally.rows} {verb}"
            if detail:
                line += f" ({detail})"
            if tally.works_recounted:
                line += f"; {tally.works_recounted} work word count(s) {'to sum' if dry_run else 'summed'} again"
            self.stdout.write(line)
