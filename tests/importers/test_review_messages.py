"""What an import tells the review form: repairs, unread dates, fandoms offered."""

from stories.importers import parse_upload, review_messages
from tests.authoring_support import files


def test_a_clean_file_has_nothing_to_say():
    assert review_messages(parse_upload("a.txt", b"Title\nPublished: 2010-01-02\n\nText.\n")) == []


def test_repairs_unread_dates_and_disclaimer_fandoms_are_each_one_sentence():
    data = "Title\nDisclaimer: I don't own Naruto.\nPublished: last spring\n\nIt\u00e2\u20ac\u2122s here.\n".encode()
    messages = review_messages(parse_upload("a.txt", data))
    assert len(messages) == 3
    assert messages[0].startswith("Repaired 1 garbled passage")
    assert '"last spring" could not be read' in messages[1]
    assert "names Naruto" in messages[2]


def test_a_fandom_disowned_in_ao3_notes_is_offered_unless_already_tagged():
    page = files.ao3_html().decode()
    draft = parse_upload(
        "a.html", page.replace("Thanks to my beta.", "I don't own Bleach. I don't own Naruto either.").encode()
    )
    assert draft.fandom_suggestions == ["Bleach"]  # Naruto is already a fandom tag
