"""Fill a benchmark database with N works, fast.

    .venv/bin/python bench/generate.py --works 100000        # into database quire_bench

Everything is written with COPY (no per-work services): ~1,000 fandoms with their
characters and relationships, freeform tags, Zipf-skewed tag popularity (a few
fandoms hold most works, as on real archives), authors, 1–5 chapters a work of
generated prose drawn from a skewed vocabulary, counters (kudos, hits, …) with a
long tail, some synonyms, hidden and restricted works. Triggers are switched off
while loading; the search vectors are then computed in bulk by the trigger
itself, in parallel over two connections.

It refuses to touch a database whose name does not contain "bench".
"""

import argparse
import datetime
import io
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.environment import use_defaults  # noqa: E402 - needs ROOT on sys.path

use_defaults(QUIRE_DB_NAME="quire_bench", DEBUG="1")

from stories.management.prose import Picker  # noqa: E402 - after the path is set

RATINGS = ["general"] * 3 + ["teen"] * 3 + ["mature"] * 2 + ["explicit"] * 2 + ["not_rated"]
WARNINGS = ["none"] * 6 + ["no_choice"] * 3 + ["violence"] * 2 + ["death", "noncon", "underage"]
CATEGORIES = ["mm"] * 4 + ["fm"] * 3 + ["gen"] * 3 + ["ff"] * 2 + ["multi", "other"]
LANGUAGES = ["en"] * 18 + ["es", "fr", "de", "pt", "ja", "zh"]


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY `rows` (tuples) into `table`; None is NULL, lists are arrays."""
    buffer, count = io.StringIO(), 0

    def cell(value) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, list):
            return "{" + ",".join(value) + "}"
        text = str(value)
        return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n").replace("\r", " ")

    def flush():
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join(cell(v) for v in row) + "\n")
        count += 1
        if count % 20_000 == 0:
            flush()
    flush()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--fandoms", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from faker import Faker

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to fill database {name!r}: its name must contain 'bench'")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    fake = Faker("en_US")
    fake.seed_instance(args.seed)

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)

    # Vocabulary: Faker's word list plus names, places and jobs, Zipf-skewed.
    words = list(dict.fromkeys(fake.get_words_list()))
    extra = {fake.city().split()[0].lower() for _ in range(800)} | {fake.color_name().lower() for _ in range(200)}
    extra |= {w.lower() for _ in range(600) for w in fake.job().replace(",", "").split()}
    words += sorted(extra - set(words))
    rng.shuffle(words)
    vocabulary = Picker(words, rng, s=1.0)
    first_names = list(dict.fromkeys(fake.first_name() for _ in range(3000)))
    last_names = list(dict.fromkeys(fake.last_name() for _ in range(3000)))

    def sentence(speaker: str | None = None) -> str:
        text = " ".join(vocabulary.some(rng.randint(5, 18))).capitalize()
        if speaker:
            return f'"{text}," {speaker} said.'
        return text + rng.choice(".....!?")

    say(f"{len(words)} words of vocabulary; building {args.fandoms} fandoms")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers while loading
        cursor.execute(
            "TRUNCATE stories_taggedwork, stories_workcreator, stories_chapter, stories_work, "
            "stories_tag_parents, stories_tag RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM auth_user WHERE username LIKE 'bench%%'")

        # Tags.
        now = datetime.datetime.now(datetime.UTC)
        tags, parents, seen = [], [], set()
        suffixes = ["(TV)", "(Anime)", "- All Media Types", "Chronicles", "Saga", "Online", "(Video Game)", "(Comics)"]

        def add_tag(name: str, kind: str, canonical: bool = True, synonym_of: int | None = None) -> int:
            base, n = name[:140], 1
            while (base.casefold(), kind) in seen:
                n += 1
                base = f"{name[:130]} {n}"
            seen.add((base.casefold(), kind))
            tag_id = len(tags) + 1
            slug = (
                f"{kind[:3]}-{tag_id}-" + "-".join(base.lower().replace("/", " x ").replace("&", "and").split())[:120]
            )
            tags.append((tag_id, base, slug, kind, canonical, synonym_of, now))
            return tag_id

        fandoms = []
        for _ in range(args.fandoms):
            title = " ".join(w.title() for w in rng.sample(words[:400], rng.randint(1, 3)))
            fandom_id = add_tag(f"{title} {rng.choice(suffixes)}", "fandom")
            characters = []
            for _ in range(rng.randint(6, 16)):
                character = f"{rng.choice(first_names)} {rng.choice(last_names)}"
                character_id = add_tag(character, "character")
                parents.append((character_id, fandom_id))
                characters.append((character_id, character))
            relationships = []
            for _ in range(rng.randint(3, 10)):
                (a_id, a), (b_id, b) = rng.sample(characters, 2)
                joined = "/".join(sorted([a, b])) if rng.random() < 0.75 else " & ".join(sorted([a, b]))
                if (joined.casefold(), "relationship") in seen:
                    continue
                relationship_id = add_tag(joined, "relationship")
                parents.append((relationship_id, fandom_id))
                relationships.append(relationship_id)
            if rng.random() < 0.1:  # a misspelt or abbreviated synonym
                add_tag(f"{title} (fandom)", "fandom", canonical=False, synonym_of=fandom_id)
            fandoms.append((fandom_id, characters, relationships))
        tropes = [
            "Fluff", "Angst", "Hurt/Comfort", "Slow Burn", "Alternate Universe", "Enemies to Lovers", "Friends to Lovers",
            "Found Family", "Canon Divergence", "Post-Canon", "Humor", "Romance", "Drama", "Fix-It", "Time Travel",
            "Coffee Shop AU", "Modern AU", "Character Study", "Pining", "Mutual Pining", "First Kiss", "Getting Together",
            "Whump", "Mystery", "Adventure", "Domestic Fluff", "Smut", "Tragedy", "Crack", "Missing Scene", "Soulmates",
        ]  # fmt: skip
        tropes += [" ".join(vocabulary.some(rng.randint(1, 3))).title() for _ in range(1500)]
        freeform_ids = [add_tag(t, "freeform") for t in tropes]
        copy_rows(
            cursor, "stories_tag", ["id", "name", "slug", "kind", "canonical", "synonym_of_id", "created_at"], tags
        )
        copy_rows(cursor, "stories_tag_parents", ["from_tag_id", "to_tag_id"], parents)
        cursor.execute("SELECT setval('stories_tag_id_seq', %s)", [len(tags)])
        say(f"{len(tags)} tags")

        # Authors.
        author_count = max(10, args.works // 8)
        cursor.execute("SELECT coalesce(max(id), 0) FROM auth_user")
        first_user = cursor.fetchone()[0] + 1
        users = [
            (first_user + i, "!", False, f"bench{i}", "", "", f"bench{i}@example.org", False, True, now)
            for i in range(author_count)
        ]
        copy_rows(
            cursor,
            "auth_user",
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"],
            users,
        )  # fmt: skip
        cursor.execute("SELECT setval('auth_user_id_seq', %s)", [first_user + author_count])
        author_picker = Picker(list(range(first_user, first_user + author_count)), rng, s=0.8)
        say(f"{author_count} authors")

        fandom_picker = Picker(fandoms, rng, s=1.1)
        freeform_picker = Picker(freeform_ids, rng, s=1.1)
        today = datetime.date.today()
        works, chapters, creators, taggings = [], [], [], []
        chapter_id = 0
        totals = {"works": 0, "chapters": 0, "taggings": 0}

        def flush_batch():
            copy_rows(
                cursor,
                "stories_work",
                ["id", "title", "summary", "summary_html", "disclaimer", "notes", "notes_html", "end_notes",
                 "end_notes_html", "rating", "warnings", "categories", "language", "status", "published_on",
                 "updated_at", "created_at", "is_complete", "expected_chapters", "is_hidden", "hidden_reason",
                 "restricted", "comments_from_guests", "word_count", "chapter_count", "hit_count", "kudos_count",
                 "comment_count", "bookmark_count"],
                works,
            )  # fmt: skip
            copy_rows(
                cursor,
                "stories_chapter",
                ["id", "work_id", "position", "title", "summary", "summary_html", "notes", "notes_html", "end_notes",
                 "end_notes_html", "body", "body_format", "body_html", "word_count", "published_on", "created_at",
                 "updated_at"],
                chapters,
            )  # fmt: skip
            copy_rows(cursor, "stories_workcreator", ["work_id", "user_id", "position"], creators)
            copy_rows(cursor, "stories_taggedwork", ["content_object_id", "tag_id"], taggings)
            totals["works"] += len(works)
            totals["chapters"] += len(chapters)
            totals["taggings"] += len(taggings)
            for batch in (works, chapters, creators, taggings):
                batch.clear()

        for work_id in range(1, args.works + 1):
            fandom_id, characters, relationships = fandom_picker.one()
            cast = list(dict.fromkeys(Picker(characters, rng, s=1.2).some(rng.randint(1, 4))))
            work_tags = {fandom_id, *(c for c, _ in cast)}
            if relationships:
                work_tags |= set(Picker(relationships, rng, s=1.2).some(rng.randint(0, 2)))
            work_tags |= set(freeform_picker.some(rng.randint(0, 8)))
            if rng.random() < 0.04:
                work_tags.add(fandom_picker.one()[0])  # crossover
            taggings += [(work_id, tag_id) for tag_id in work_tags]
            chapter_count = rng.choices([1, 2, 3, 4, 5], weights=[55, 20, 12, 8, 5])[0]
            published = today - datetime.timedelta(days=rng.randint(0, 365 * 15))
            updated = min(today, published + datetime.timedelta(days=rng.randint(0, 500)))
            updated_at = datetime.datetime.combine(
                updated, datetime.time(rng.randint(0, 23), rng.randint(0, 59)), datetime.UTC
            )
            total_words = 0
            names = [name.split()[0] for _, name in cast]
            for position in range(1, chapter_count + 1):
                paragraphs = []
                for _ in range(rng.randint(4, 14)):
                    paragraphs.append(
                        " ".join(
                            sentence(rng.choice(names) if rng.random() < 0.2 else None)
                            for _ in range(rng.randint(2, 6))
                        )
                    )
                body = "\n\n".join(paragraphs)
                words_here = len(body.split())
                total_words += words_here
                body_html = "".join(f"<p>{p.replace('&', '&amp;').replace('<', '&lt;')}</p>" for p in paragraphs)
                chapter_id += 1
                chapters.append(
                    (chapter_id, work_id, position, "", "", "", "", "", "", "", body, "text", body_html, words_here,
                     published, updated_at, updated_at)
                )  # fmt: skip
            complete = rng.random() < 0.6
            summary = " ".join(sentence() for _ in range(rng.randint(1, 3)))
            popularity = rng.paretovariate(1.3)
            works.append(
                (work_id, " ".join(vocabulary.some(rng.randint(1, 5))).title(), summary, f"<p>{summary}</p>", "", "",
                 "", "", "", rng.choice(RATINGS), sorted(set(rng.sample(WARNINGS, rng.randint(1, 2)))),
                 sorted(set(rng.sample(CATEGORIES, rng.randint(1, 2)))), rng.choice(LANGUAGES), "posted", published,
                 updated_at, updated_at, complete, chapter_count if complete else None, rng.random() < 0.005, "",
                 rng.random() < 0.02, True, total_words, chapter_count, int(popularity * 300),
                 int(popularity * 20), int(popularity * 3), int(popularity * 2))
            )  # fmt: skip
            authors = {author_picker.one() for _ in range(1 if rng.random() < 0.95 else 2)}
            creators += [(work_id, user_id, i) for i, user_id in enumerate(authors)]
            if work_id % 5_000 == 0:
                flush_batch()
                say(f"{work_id} works")
        flush_batch()
        cursor.execute("SELECT setval('stories_work_id_seq', %s)", [args.works])
        cursor.execute("SELECT setval('stories_chapter_id_seq', %s)", [chapter_id])
        # What the taggings' root trigger (migration 0009) would have written, in one statement.
        cursor.execute(
            "UPDATE stories_taggedwork tw SET root_id = coalesce(t.synonym_of_id, t.id), "
            "root_kind = coalesce(r.kind, t.kind) "
            "FROM stories_tag t LEFT JOIN stories_tag r ON r.id = t.synonym_of_id WHERE t.id = tw.tag_id"
        )
        say(f"{totals['works']} works, {totals['chapters']} chapters, {totals['taggings']} taggings loaded")

    fill_vectors(connection.settings_dict, args.works, say)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say("done")


def fill_vectors(settings_dict: dict, works: int, say) -> None:
    """Compute every search vector through the trigger, two connections at a time
    (this machine has two cores)."""
    import psycopg
    from django.db import connection

    def run(low: int, high: int) -> None:
        params = connection.get_connection_params()
        db = psycopg.connect(**params)
        db.autocommit = True
        with db.cursor() as cursor:
            for start in range(low, high, 2_000):
                # Setting the vector to NULL fires the trigger that computes it.
                cursor.execute(
                    "UPDATE stories_work SET search_vector = NULL WHERE id >= %s AND id < %s",
                    [start, min(start + 2_000, high)],
                )
        db.close()

    middle = works // 2 + 1
    threads = [threading.Thread(target=run, args=span) for span in [(1, middle), (middle, works + 1)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    say("search vectors filled")


if __name__ == "__main__":
    main()
