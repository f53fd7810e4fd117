"""Fill a benchmark database with N works, fast enough for a million.

    .venv/bin/python bench/generate.py --works 100000        # into database quire_bench
    make bench-data BENCH_WORKS=1000000                      # the same, a million works

What it writes, with the skew of a real archive: ~1,000 fandoms (Zipf-popular: a few
hold most works) with their characters and relationships, 1,500 freeform tags (also
Zipf), some fandom synonyms, authors (one per eight works, Zipf-prolific), 1–5
chapters a work (55/20/12/8/5 %), a long tail of kudos, hits, comments and bookmarks
(Pareto), 0.5 % hidden and 2 % restricted works.

Text: a pool of 50,000 paragraphs of words drawn from a Zipf-skewed vocabulary is
made once; a chapter is some of them plus lines spoken by the work's own characters.
Chapters hold 4–14 paragraphs (~400 words) up to 200,000 works and 2–5 (~160 words)
above, so a million works stay within this machine's disk and half an hour;
`--paragraphs 4-14` overrides.

How it is fast:
- PostgreSQL parses text once per piece, not once per work: each pool paragraph,
  sentence, title word, tag name and username is turned into a tsvector by the
  same function the triggers use (quire_text_vector), and each chapter's vector,
  each work's head (title A, tags and creators B, summary C) and whole vector are
  joined from those pieces in Python as tsvector's || joins them (migrations 0003
  and 0021). They differ from what the triggers would store only in positions
  where a piece ends in a stop word. Search then costs what it would on text
  parsed one work at a time;
- two worker processes each make and COPY chunks of 10,000 works (chapters,
  taggings, creators, works), so both cores work: one makes rows while the server
  reads the other's;
- triggers are off while loading (session_replication_role = replica), TOAST
  compresses with lz4 where the server has it, and the secondary indexes of the four big tables are dropped
  first and built again at the end, two at a time; their definitions wait in the
  table bench_dropped_index, so a run that dies half-way loses none of them.

It refuses to touch a database whose name does not contain "bench". At the end it
prints the time of each phase, the database's size and what its data directory
takes on disk.
"""

import argparse
import datetime
import multiprocessing
import os
import random
import re
import sys
import threading
import time
import typing
from importlib import import_module
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
CHUNK = 10_000
POOL_PARAGRAPHS = 50_000
NULL, PARAGRAPH_BREAK = "\\N", "\\n\\n"  # as COPY's text format spells them
BIG_TABLES = ("stories_work", "stories_chapter", "stories_taggedwork", "stories_workcreator")

WORK_COLUMNS = [
    "id", "title", "summary", "summary_html", "disclaimer", "notes", "notes_html", "end_notes", "end_notes_html",
    "rating", "warnings", "categories", "language", "status", "published_on", "updated_at", "created_at",
    "is_complete", "expected_chapters", "is_hidden", "hidden_reason", "restricted", "comments_from_guests",
    "word_count", "chapter_count", "hit_count", "kudos_count", "comment_count", "bookmark_count",
]  # fmt: skip
CHAPTER_COLUMNS = [
    "id", "work_id", "position", "title", "summary", "summary_html", "notes", "notes_html", "end_notes",
    "end_notes_html", "body", "body_format", "body_html", "word_count", "published_on", "created_at", "updated_at",
    "search_vector",
]  # fmt: skip


def copy_field(text: str) -> str:
    """`text` as one field of COPY's text format (backslash, tab and line breaks
    escaped; see PostgreSQL's COPY documentation, "Text Format")."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_lines(cursor, table: str, columns: list[str], lines: list[str]) -> None:
    """COPY `lines` (each one row in COPY text format, ending in a newline) into `table`."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(lines), 5_000):
            copy.write("".join(lines[start : start + 5_000]))


class Vector(typing.NamedTuple):
    """A tsvector in PostgreSQL's text form, COPY-escaped, ready to be shifted:
    `template` is that text with each position a format field ({} in order) and
    `positions` those positions, so the vector shifted by n is
    template.format(*(p + n for p in positions)); `last` is its largest position."""

    text: str
    template: str
    positions: tuple[int, ...]
    last: int


LEXEME = re.compile(r"('(?:[^']|'')*'):([0-9,]+)")
MAX_POSITION = 16_383  # the largest position a tsvector holds


def parse_vector(text: str, weight: str = "", last: int | None = None) -> Vector:
    """A Vector from PostgreSQL's text form of an unweighted tsvector ("'word':1,4
    'other':2"), given `weight` ("A", "B", "C", or "" for D, as setweight() would)
    and, where the text stood for more words than its lexemes show, its `last`."""
    template, positions = [], []
    for lexeme, numbers in LEXEME.findall(text):
        numbers = [int(n) for n in numbers.split(",")]
        escaped = copy_field(lexeme).replace("{", "{{").replace("}", "}}")
        template.append(escaped + ":" + ",".join("{}" + weight for _ in numbers))
        positions += numbers
    template = " ".join(template)
    return Vector(template.format(*positions), template, tuple(positions), last or max(positions, default=0))


def join_vectors(pieces: list[Vector], offset: int = 0) -> tuple[str, int]:
    """The text form of `pieces` joined in order as tsvector's || joins them, each
    piece's positions shifted past the last of those before it (and `offset`), capped
    at 16,383; with the last position. A lexeme may appear once per piece: tsvector's
    input merges them."""
    parts = []
    for piece in pieces:
        if not offset:
            parts.append(piece.text)
        elif offset + piece.last <= MAX_POSITION:
            parts.append(piece.template.format(*map(offset.__add__, piece.positions)))
        else:
            parts.append(piece.template.format(*(min(p + offset, MAX_POSITION) for p in piece.positions)))
        offset += piece.last
    return " ".join(parts), offset


class World:
    """Everything a chunk of works is drawn from, made once in the parent process and
    inherited by the workers (fork): the vocabulary, the paragraph pool, the tags and
    their pickers, the authors."""

    def __init__(self, seed: int, fandom_count: int, works: int, paragraphs: tuple[int, int]):
        from faker import Faker

        rng = random.Random(seed)
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.seed, self.paragraphs = seed, paragraphs
        words = list(dict.fromkeys(fake.get_words_list()))
        extra = {fake.city().split()[0].lower() for _ in range(800)} | {fake.color_name().lower() for _ in range(200)}
        extra |= {w.lower() for _ in range(600) for w in fake.job().replace(",", "").split()}
        words += sorted(extra - set(words))
        rng.shuffle(words)
        self.words = words
        self.vocabulary = Picker(words, rng, s=1.0)
        first_names = list(dict.fromkeys(fake.first_name() for _ in range(3000)))
        last_names = list(dict.fromkeys(fake.last_name() for _ in range(3000)))
        self.first_names = first_names
        self.sentences = [self.sentence(rng) for _ in range(20_000)]
        self.pool = []  # (COPY-escaped text, COPY-escaped HTML, words, HTML); add_vectors swaps HTML for a Vector
        for _ in range(POOL_PARAGRAPHS):
            text = " ".join(rng.choices(self.sentences, k=rng.randint(2, 6)))
            html = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;") + "</p>"
            self.pool.append((copy_field(text), copy_field(html), len(text.split()), html))
        self.make_tags(rng, fandom_count, first_names, last_names)
        self.authors = max(10, works // 8)

    def add_vectors(self, cursor) -> None:
        """Has PostgreSQL parse each pool paragraph, each sentence and each "<name>
        said" once (quire_text_vector, as the chapter trigger would): a chapter's
        vector is then joined from its pieces' in Python (join_vectors) instead of
        parsing every chapter, the load's largest cost."""

        def vectors(texts: list[str], weight: str = "", last: int | None = None) -> list[Vector]:
            cursor.execute(
                "SELECT quire_text_vector(t)::text FROM unnest(%s::text[]) WITH ORDINALITY AS p(t, n) ORDER BY n",
                [texts],
            )
            return [parse_vector(row[0], weight, last) for row in cursor.fetchall()]

        self.pool = [(*p[:3], v) for p, v in zip(self.pool, vectors([p[3] for p in self.pool]), strict=True)]
        self.sentence_vectors = vectors(self.sentences)
        self.said = dict(zip(self.first_names, vectors([f"{n} said." for n in self.first_names]), strict=True))
        # The head (quire_work_head): title words A, tag names and usernames B, summary C.
        self.title_vectors = dict(zip(self.words, vectors(self.words, "A", last=1), strict=True))
        self.tag_vectors = dict(zip((t[0] for t in self.tags), vectors([t[1] for t in self.tags], "B"), strict=True))
        self.author_vectors = vectors([f"bench{i}" for i in range(self.authors)], "B")
        self.summary_vectors = vectors(self.sentences, "C")

    def sentence(self, rng: random.Random) -> str:
        text = " ".join(self.vocabulary.some(rng.randint(5, 18))).capitalize()
        return text + rng.choice(".....!?")

    def make_tags(self, rng: random.Random, fandom_count: int, first_names: list, last_names: list) -> None:
        """self.tags: rows of stories_tag; self.parents: (child, fandom) pairs;
        self.fandoms: (fandom id, character picker, relationship picker or None)."""
        now = datetime.datetime.now(datetime.UTC)
        tags, parents, seen = [], [], set()
        suffixes = ["(TV)", "(Anime)", "- All Media Types", "Chronicles", "Saga", "Online", "(Video Game)", "(Comics)"]

        def add(name: str, kind: str, canonical: bool = True, synonym_of: int | None = None) -> int:
            base, n = name[:140], 1
            while (base.casefold(), kind) in seen:
                n += 1
                base = f"{name[:130]} {n}"
            seen.add((base.casefold(), kind))
            tag_id = len(tags) + 1
            slug = f"{kind[:3]}-{tag_id}-" + "-".join(base.lower().replace("/", " x ").replace("&", "and").split())
            tags.append((tag_id, base, slug[:140], kind, canonical, synonym_of, now))
            return tag_id

        self.fandoms = []
        for _ in range(fandom_count):
            title = " ".join(w.title() for w in rng.sample(self.words[:400], rng.randint(1, 3)))
            fandom_id = add(f"{title} {rng.choice(suffixes)}", "fandom")
            characters = []
            for _ in range(rng.randint(6, 16)):
                character = f"{rng.choice(first_names)} {rng.choice(last_names)}"
                characters.append((add(character, "character"), character.split()[0]))
                parents.append((characters[-1][0], fandom_id))
            relationships = []
            for _ in range(rng.randint(3, 10)):
                (a_id, a), (b_id, b) = rng.sample(characters, 2)
                joined = "/".join(sorted([a, b])) if rng.random() < 0.75 else " & ".join(sorted([a, b]))
                if (joined.casefold(), "relationship") not in seen:
                    relationships.append(add(joined, "relationship"))
                    parents.append((relationships[-1], fandom_id))
            if rng.random() < 0.1:  # a misspelt or abbreviated synonym
                add(f"{title} (fandom)", "fandom", canonical=False, synonym_of=fandom_id)
            self.fandoms.append(
                (
                    fandom_id,
                    Picker(characters, rng, s=1.2),
                    Picker(relationships, rng, s=1.2) if relationships else None,
                )
            )
        tropes = [
            "Fluff", "Angst", "Hurt/Comfort", "Slow Burn", "Alternate Universe", "Enemies to Lovers", "Friends to Lovers",
            "Found Family", "Canon Divergence", "Post-Canon", "Humor", "Romance", "Drama", "Fix-It", "Time Travel",
            "Coffee Shop AU", "Modern AU", "Character Study", "Pining", "Mutual Pining", "First Kiss", "Getting Together",
            "Whump", "Mystery", "Adventure", "Domestic Fluff", "Smut", "Tragedy", "Crack", "Missing Scene", "Soulmates",
        ]  # fmt: skip
        tropes += [" ".join(self.vocabulary.some(rng.randint(1, 3))).title() for _ in range(1500)]
        self.freeforms = [add(t, "freeform") for t in tropes]
        self.tags, self.parents = tags, parents
        # A work is only ever given canonical tags here: each is its own root, and
        # its key (Work.tag_keys, migration 0022) is its own.
        from stories.models.tags import KIND_CODES  # Django is set up by now

        self.kind_of = {row[0]: row[3] for row in tags}
        self.key_of = {tag_id: tag_id * 4 + KIND_CODES[kind] for tag_id, kind in self.kind_of.items()}


WORLD: World | None = None
PARAMS: dict = {}  # connection parameters, set before the workers fork


def make_chunk(args: tuple[int, int, int]) -> tuple[int, int, int]:
    """Make works first..last (inclusive) and COPY them; runs in a worker process.
    Returns (works, chapters, taggings) written."""
    first, last, first_user = args
    import psycopg

    world = WORLD
    rng = random.Random(world.seed * 1_000_003 + first)
    fandoms = Picker(world.fandoms, rng, s=1.1)
    freeforms = Picker(world.freeforms, rng, s=1.1)
    authors = Picker(list(range(first_user, first_user + world.authors)), rng, s=0.8)
    vocabulary = Picker(world.words, rng, s=1.0)
    low, high = world.paragraphs
    pool, sentences, kind_of, key_of = world.pool, world.sentences, world.kind_of, world.key_of
    sentence_vectors, said, summary_vectors = world.sentence_vectors, world.said, world.summary_vectors
    title_vectors, tag_vectors, author_vectors = world.title_vectors, world.tag_vectors, world.author_vectors
    today = datetime.date.today()
    works, chapters, creators, taggings = [], [], [], []
    for work_id in range(first, last + 1):
        fandom_id, cast_picker, pairing_picker = fandoms.one()
        cast = list(dict.fromkeys(cast_picker.some(rng.randint(1, 4))))
        work_tags = {fandom_id, *(c for c, _ in cast)}
        if pairing_picker:
            work_tags.update(pairing_picker.some(rng.randint(0, 2)))
        work_tags.update(freeforms.some(rng.randint(0, 8)))
        if rng.random() < 0.04:
            work_tags.add(fandoms.one()[0])  # crossover
        taggings += [f"{work_id}\t{t}\t{t}\t{kind_of[t]}\n" for t in work_tags]
        tag_keys = ",".join(map(str, sorted(key_of[t] for t in work_tags)))
        chapter_count = rng.choices((1, 2, 3, 4, 5), cum_weights=(55, 75, 87, 95, 100))[0]
        published = today - datetime.timedelta(days=rng.randint(0, 365 * 15))
        updated = min(today, published + datetime.timedelta(days=rng.randint(0, 500)))
        stamp = f"{updated.isoformat()} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00"
        total_words, text_pieces = 0, []
        for position in range(1, chapter_count + 1):
            chosen = rng.choices(pool, k=rng.randint(low, high))
            texts, htmls = [p[0] for p in chosen], [p[1] for p in chosen]
            words_here = sum(p[2] for p in chosen)
            pieces = [p[3] for p in chosen]
            if rng.random() < 0.6:  # a line spoken by one of the work's own characters
                index, name = rng.randrange(len(sentences)), rng.choice(cast)[1]
                line = f'"{sentences[index][:-1]}," {name} said.'
                texts.insert(1, line)
                htmls.insert(1, "<p>" + line.replace('"', "&quot;") + "</p>")
                pieces[1:1] = [sentence_vectors[index], said[name]]
                words_here += len(line.split())
            total_words += words_here
            text_pieces += pieces
            body = PARAGRAPH_BREAK.join(texts)
            chapters.append(
                f"{work_id * 8 + position}\t{work_id}\t{position}\t\t\t\t\t\t\t\t{body}\ttext\t"
                f"{''.join(htmls)}\t{words_here}\t{published}\t{stamp}\t{stamp}\t{join_vectors(pieces)[0]}\n"
            )
        complete = rng.random() < 0.6
        summary_sentences = [rng.randrange(len(sentences)) for _ in range(rng.randint(1, 3))]
        summary = copy_field(" ".join(sentences[i] for i in summary_sentences))
        title_words = vocabulary.some(rng.randint(1, 5))
        title = copy_field(" ".join(title_words).title())
        work_authors = list(dict.fromkeys(authors.one() for _ in range(1 if rng.random() < 0.95 else 2)))
        head, head_end = join_vectors(
            [title_vectors[w] for w in title_words]
            + [tag_vectors[t] for t in work_tags]
            + [author_vectors[a - first_user] for a in work_authors]
            + [summary_vectors[i] for i in summary_sentences]
        )
        text = join_vectors(text_pieces, head_end)[0]
        popularity = rng.paretovariate(1.3)
        warnings = ",".join(sorted(set(rng.sample(WARNINGS, rng.randint(1, 2)))))
        categories = ",".join(sorted(set(rng.sample(CATEGORIES, rng.randint(1, 2)))))
        works.append(
            f"{work_id}\t{title}\t{summary}\t<p>{summary.replace('&', '&amp;').replace('<', '&lt;')}</p>\t\t\t\t\t\t"
            f"{rng.choice(RATINGS)}\t{{{warnings}}}\t{{{categories}}}\t{rng.choice(LANGUAGES)}\tposted\t{published}\t"
            f"{stamp}\t{stamp}\t{'t' if complete else 'f'}\t{chapter_count if complete else NULL}\t"
            f"{'t' if rng.random() < 0.005 else 'f'}\t\t{'t' if rng.random() < 0.02 else 'f'}\tt\t{total_words}\t"
            f"{chapter_count}\t{int(popularity * 300)}\t{int(popularity * 20)}\t{int(popularity * 3)}\t"
            f"{int(popularity * 2)}\t{head}\t{head} {text}\t{{{tag_keys}}}\n"
        )
        for position, user_id in enumerate(work_authors):
            creators.append(f"{work_id}\t{user_id}\t{position}\n")
    with psycopg.connect(**PARAMS, autocommit=True) as db, db.cursor() as cursor:
        loading(cursor)
        copy_lines(cursor, "stories_chapter", CHAPTER_COLUMNS, chapters)
        copy_lines(cursor, "stories_taggedwork", ["content_object_id", "tag_id", "root_id", "root_kind"], taggings)
        copy_lines(cursor, "stories_workcreator", ["work_id", "user_id", "position"], creators)
        copy_lines(cursor, "stories_work", [*WORK_COLUMNS, "search_head", "search_vector", "tag_keys"], works)
    return len(works), len(chapters), len(taggings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--fandoms", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--paragraphs", help="paragraphs a chapter, LOW-HIGH (default 4-14, 2-5 above 200,000 works)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (this machine has two cores)")
    args = parser.parse_args()
    default = "4-14" if args.works <= 200_000 else "2-5"
    low, high = (int(n) for n in (args.paragraphs or default).split("-"))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to fill database {name!r}: its name must contain 'bench'")
    started = last = time.monotonic()
    phases = []

    def say(message: str) -> None:
        nonlocal last
        now = time.monotonic()
        phases.append((message, now - last))
        last = now
        print(f"[{now - started:7.1f}s] {message}", flush=True)

    call_command("migrate", verbosity=0)
    say("migrated")
    global WORLD
    WORLD = world = World(args.seed, args.fandoms, args.works, (low, high))
    say(f"{len(world.words)} words, {len(world.pool)} paragraphs, {len(world.tags)} tags made")
    PARAMS.update(connection.get_connection_params())
    params = PARAMS
    with connection.cursor() as cursor:
        world.add_vectors(cursor)
    say("pool parsed")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers while loading
        drop_secondary_indexes(cursor)
        cursor.execute(
            # Readers' preferences go too: the bench's signed-in readers (bench/run.py) are
            # deleted below, with triggers off, so nothing else would remove their rows.
            "TRUNCATE stories_taggedwork, stories_workcreator, stories_chapter, stories_work, "
            "stories_tag_parents, stories_tag, stories_readerpreference RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM auth_user WHERE username LIKE 'bench%%'")
        tag_lines = [
            f"{i}\t{copy_field(n)}\t{copy_field(s)}\t{k}\t{'t' if c else 'f'}\t{syn or NULL}\t{at.isoformat()}\n"
            for i, n, s, k, c, syn, at in world.tags
        ]
        copy_lines(cursor, "stories_tag", ["id", "name", "slug", "kind", "canonical", "synonym_of_id", "created_at"],
                   tag_lines)  # fmt: skip
        copy_lines(
            cursor, "stories_tag_parents", ["from_tag_id", "to_tag_id"], [f"{a}\t{b}\n" for a, b in world.parents]
        )
        cursor.execute("SELECT setval('stories_tag_id_seq', %s)", [len(world.tags)])
        cursor.execute("SELECT coalesce(max(id), 0) FROM auth_user")
        first_user = cursor.fetchone()[0] + 1
        joined = datetime.datetime.now(datetime.UTC).isoformat()
        copy_lines(
            cursor,
            "auth_user",
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"],
            [f"{first_user + i}\t!\tf\tbench{i}\t\t\tbench{i}@example.org\tf\tt\t{joined}\n" for i in range(world.authors)],
        )  # fmt: skip
        cursor.execute("SELECT setval('auth_user_id_seq', %s)", [first_user + world.authors])
    connection.close()  # the workers fork: no shared connection
    say(f"{len(world.tags)} tags, {world.authors} authors written; indexes dropped")

    chunks = [(start, min(start + CHUNK - 1, args.works), first_user) for start in range(1, args.works + 1, CHUNK)]
    totals = [0, 0, 0]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        for done, counts in enumerate(pool.imap_unordered(make_chunk, chunks), start=1):
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            if done % max(1, len(chunks) // 10) == 0 or done == len(chunks):
                print(f"           {totals[0]:,} works made and copied", flush=True)
    say(f"{totals[0]:,} works, {totals[1]:,} chapters (paragraphs {low}-{high}), {totals[2]:,} taggings copied")

    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('stories_work_id_seq', %s)", [args.works])
        cursor.execute("SELECT setval('stories_chapter_id_seq', %s)", [args.works * 8 + 8])

    with connection.cursor() as cursor:
        cursor.execute(import_module("stories.migrations.0022_work_tag_keys_and_tallies").FILL_TALLY)
    say("tag tallies counted")
    with connection.cursor() as cursor:
        cursor.execute("SELECT definition FROM bench_dropped_index")
        definitions = [row[0] for row in cursor.fetchall()]
    # GIN indexes first: they take longest, so the two connections finish together.
    definitions.sort(key=lambda sql: "using gin" not in sql.lower())
    in_parallel(params, args.jobs, definitions, setup="SET maintenance_work_mem = '1GB'")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_dropped_index")
    say(f"{len(definitions)} indexes built")
    in_parallel(params, args.jobs, [f"VACUUM (ANALYZE) {table}" for table in BIG_TABLES] + ["ANALYZE"])
    say("vacuumed and analysed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), current_setting('data_directory')")
        size, data_directory = cursor.fetchone()
    print(f"\n{totals[0]:,} works in {time.monotonic() - started:.0f} s; database {name} {size} "
          f"(data directory {data_directory}); load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    for message, seconds in phases:
        print(f"  {seconds:7.1f} s  {message}")


def loading(cursor) -> None:
    """Session settings for loading: no triggers (nor foreign-key checks, which are
    triggers), and commits that do not wait for the disk."""
    cursor.execute("SET session_replication_role = replica")
    cursor.execute("SET synchronous_commit = off")
    cursor.execute(  # lz4 where the server was built with it (the embedded one is not)
        "SELECT set_config('default_toast_compression', 'lz4', false) FROM pg_settings "
        "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
    )


def drop_secondary_indexes(cursor) -> None:
    """Record, then drop, every index of BIG_TABLES that backs no constraint
    (constraints stay: primary keys and the unique pairs the loaders rely on).
    Definitions recorded by an earlier run that died stay recorded."""
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_dropped_index (name text PRIMARY KEY, definition text NOT NULL)")
    cursor.execute(
        """
        INSERT INTO bench_dropped_index
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ON CONFLICT (name) DO NOTHING
        """,
        [list(BIG_TABLES)],
    )
    cursor.execute("SELECT name FROM bench_dropped_index")
    for (index,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX IF EXISTS "{index}"')


def in_parallel(params: dict, jobs: int, statements: list[str], setup: str = "") -> None:
    """Run `statements` on `jobs` connections of their own, each taking the next
    statement as it finishes one; raises the first error once all have stopped."""
    import psycopg

    queue, errors, lock = list(statements), [], threading.Lock()

    def work() -> None:
        with psycopg.connect(**params, autocommit=True) as db:
            loading(db)
            if setup:
                db.execute(setup)
            while True:
                with lock:
                    if not queue or errors:
                        return
                    statement = queue.pop(0)
                try:
                    db.execute(statement)
                except Exception as error:  # reported after the other connection stops
                    errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


if __name__ == "__main__":
    main()
