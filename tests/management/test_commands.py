"""Management commands: import_works, generate_demo, load_demo."""

import re

import pytest
from django.core.management import CommandError, call_command

from stories.models import Chapter, Rating, Tag, Work, WorkLink

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_import_works_imports_the_seed_and_prints_its_url(seeds, capsys):
    call_command("import_works", str(seeds / "moving-on.txt"), creator="kiterie", create_user=True, fandom=["Naruto"])

    work = Work.objects.get()
    assert capsys.readouterr().out.strip() == f"{seeds / 'moving-on.txt'} -> /works/{work.pk}/"
    assert work.title == "Moving On"
    assert work.rating == Rating.TEEN
    assert work.published_on.isoformat() == "2008-02-27"
    assert work.is_complete and work.chapters_display == "1/1"
    assert list(work.creators.values_list("username", flat=True)) == ["kiterie"]
    assert WorkLink.objects.get().target_title == "Loathing"


def test_a_failing_file_saves_nothing_and_fails_the_command_while_others_import(tmp_path, seeds, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with pytest.raises(CommandError) as failure:
        call_command(
            "import_works",
            str(empty),
            str(seeds / "moving-on.txt"),
            str(binary),
            creator="k",
            create_user=True,
            fandom=["Naruto"],
        )

    assert failure.value.returncode == 1
    err = capsys.readouterr().err
    assert f"{empty}: The file is empty." in err
    assert f"{binary}: This looks like a binary file" in err
    assert list(Work.objects.values_list("title", flat=True)) == ["Moving On"]
    assert Chapter.objects.count() == 1


def test_windows_1252_file_imports_with_the_right_characters(tmp_path):
    path = tmp_path / "curly.txt"
    path.write_bytes("Curly\nRating: K\n\n\u201cQuoted,\u201d she said\u2026 caf\u00e9.\n".encode("cp1252"))

    call_command("import_works", str(path), creator="k", create_user=True, fandom=["Original Work"])

    chapter = Chapter.objects.get()
    assert "\u201cQuoted,\u201d she said\u2026 caf\u00e9." in chapter.body_html


def test_import_works_needs_an_existing_creator_unless_asked_to_create(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\n\nText.\n")
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("import_works", str(path), creator="ghost")
    assert not Work.objects.exists()


def test_generate_demo_makes_varied_realistic_works():
    call_command("generate_demo", works=12, authors=4, max_words=3000, seed=3)

    works = Work.objects.all()
    assert works.count() == 12
    assert all(w.word_count >= 20 and w.chapter_count >= 1 for w in works)
    kinds = set(Tag.objects.values_list("kind", flat=True))
    assert {"fandom", "character"} <= kinds
    assert len({w.rating for w in works}) > 1


def test_load_demo_loads_once(seeds):
    call_command("load_demo", works=3)
    count = Work.objects.count()
    assert count == 3 + 1  # generated works and the seed story
    call_command("load_demo", works=3)
    assert Work.objects.count() == count


def test_load_demo_credits_the_seed_story_to_a_generated_name(seeds):
    call_command("load_demo", works=4)

    seed_work = Work.objects.order_by("-pk").first()
    [creator] = seed_work.creators.all()
    text = "\n".join(p.read_text(errors="replace") for p in seeds.iterdir() if p.is_file()).casefold()
    assert re.fullmatch(r"[a-z]+[_-]?[a-z]+\d*", creator.username)
    assert creator.username.casefold() not in text
    assert re.sub(r"[\d_-]", "", creator.username) not in text
    # It has readers too.
    assert seed_work.kudos_count > 0 and seed_work.hit_count > 0
