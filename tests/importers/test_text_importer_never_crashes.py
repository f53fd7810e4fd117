"""Any text file either imports or is refused with a message: built from the
pieces the text importer looks for (headers, headings, notes, rules, the markers
of FanFicFare's and Quire's layouts) in any order."""

from hypothesis import given, settings
from hypothesis import strategies as st

from stories.importers import ImportFailed, parse_upload

PIECES = [
    "Title", "Rated: Fiction T", "Published: 7/12/2010", "Summary: s", "Chapter 1: One", "Chapter Two", "Prologue",
    "A/N: note", "(A/N: open", "Disclaimer: I don't own X", "* * *", "-----", "", "   ", "Text line.", "by Someone",
    "TABLE OF CONTENTS", "        Chapter 1", "End file.", "=" * 60, "Title: T", "Creators: a", "Chapters: 1/?",
    "Summary:", "    indented", "Chapter notes:", "Chapter end notes:", "End notes:", "From Quire: u", "# T",
    "- **Title:** T", "## Chapter 1: X", "### Chapter notes", "> q", "---", "*From Quire: <u>*", "x Fin x",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=25), st.sampled_from(["txt", "md"]))
def test_any_arrangement_imports_or_is_refused_with_a_message(lines, ext):
    try:
        draft = parse_upload(f"story.{ext}", "\n".join(lines).encode())
    except ImportFailed as error:
        assert str(error)
    else:
        assert draft.title and draft.chapters


LAYOUT_STARTS = [
    ["T", "=" * 60, "Title: T"],  # Quire TXT
    ["# T", "", "- **Title:** T"],  # Quire MD
    ["T", "by A"],  # FanFicFare text (with its markers among the pieces)
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(LAYOUT_STARTS),
    st.lists(st.sampled_from(PIECES), max_size=30),
    st.booleans(),
)
def test_the_special_layouts_with_anything_after_them_import_or_are_refused(start, lines, fanficfare_end):
    tail = ["TABLE OF CONTENTS", *lines, "End file."] if fanficfare_end else lines
    try:
        draft = parse_upload("story.txt", "\n".join(start + tail).encode())
    except ImportFailed as error:
        assert str(error)
    else:
        assert draft.title and draft.chapters
