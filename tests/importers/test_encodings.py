"""Text encodings as they are found: mixed UTF-8 and Windows-1252, mojibake, and
what the review form is told about each repair."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stories.importers import html, parse_upload
from stories.importers.base import read_text


def test_utf8_file_with_one_stray_windows_1252_byte_imports_whole():
    data = "Caf\u00e9 Story\n\nShe didn".encode() + b"\x92t say \xe2\x80\x9chi\xe2\x80\x9d.\n"
    draft = parse_upload("story.txt", data)
    assert draft.title == "Caf\u00e9 Story"
    assert draft.chapters[0].body == "She didn\u2019t say \u201chi\u201d."
    assert any("two different encodings" in r for r in draft.repairs)


def test_mojibake_is_repaired_and_the_repair_is_described():
    data = "A Title\n\nI don\u00e2\u20ac\u2122t know the caf\u00c3\u00a9.\nPlain line.\n".encode()
    draft = parse_upload("story.txt", data)
    assert draft.chapters[0].body == "I don\u2019t know the caf\u00e9.\nPlain line."
    assert draft.repairs == ['Repaired 1 garbled passage of text, e.g. "don\u00e2\u20ac\u2122t" -> "don\u2019t".']


def test_mojibake_in_html_is_repaired_too():
    page = "<html><head><title>T</title></head><body><p>It\u00e2\u20ac\u2122s here.</p></body></html>"
    draft = html.parse(page.encode())
    assert "It\u2019s here." in draft.chapters[0].body and draft.repairs


@pytest.mark.parametrize(
    "text",
    [
        "\u201cCurly\u201d quotes and \u2018single\u2019 ones stay curly.",
        "Full-width \uff21\uff22\uff23 and the \ufb01 ligature are the author's.",
        "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3002",
        "Stra\u00dfe, na\u00efve, \u00e9t\u00e9.",
    ],
)
def test_clean_text_is_left_exactly_as_it_is(text):
    assert read_text(text.encode()) == (text, [])


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=200))
def test_any_clean_utf8_text_decodes_to_itself_or_is_refused_as_binary(text):
    # ftfy only touches what looks like mojibake; most text comes back untouched.
    decoded, repairs = read_text(("x" + text).encode())
    assert decoded == "x" + text or repairs


@given(st.text(alphabet=st.characters(codec="cp1252", exclude_categories=["Cc", "Cs"]), min_size=1, max_size=200))
def test_windows_1252_files_decode_to_their_text(text):
    decoded, _ = read_text(("x" + text).encode("cp1252"))
    assert len(decoded) <= len(text) + 1


def test_bytes_neither_utf8_nor_windows_1252_are_refused_with_a_message():
    from stories.importers import ImportFailed

    with pytest.raises(ImportFailed, match="encoding"):
        parse_upload("story.txt", b"Title\n\nText \x81\x8d here.\n")
