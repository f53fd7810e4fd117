"""The story-text codecs of the TXT and MD downloads, as properties: any text made
of paragraphs, emphasis, links, line breaks and scene breaks comes back the same;
and summaries and notes, stored as Markdown, read back from any download's HTML."""

from hypothesis import given, settings
from hypothesis import strategies as st

from stories.core.rendering import render_inline_markdown, sanitise
from stories.exporters.common import html_to_markdown, html_to_text
from stories.importers.fields import text_to_html
from stories.importers.quire_text import markdown_to_html
from tests.exporters.test_round_trip import blocks

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéßñ’“”", min_size=1, max_size=8)
PUNCTUATED = st.tuples(WORD, st.sampled_from(["", ".", ",", "!", "?", "…", ";", " —"])).map("".join)
MD_ONLY = st.sampled_from(["a*b", "snake_case", "[x]", "#1", "&lt;tag&gt;", "back\\slash", "`tick`", "2*3"])


def run_of(words):
    return st.lists(words, min_size=1, max_size=6).map(" ".join)


def inline(words):
    plain = run_of(words)
    return st.one_of(
        plain,
        plain.map(lambda t: f"<em>{t}</em>"),
        plain.map(lambda t: f"<strong>{t}</strong>"),
        st.tuples(plain, plain).map(lambda p: f"{p[0]}<br>{p[1]}"),
        st.tuples(
            plain,
            st.sampled_from(
                ["https://example.org/a_b", "mailto:x@example.org", "http://e.example/(1)", "https://e.example/a(b"]
            ),
        ).map(lambda p: f'<a href="{p[1]}">{p[0]}</a>'),
    )


def paragraph(words):
    return st.lists(inline(words), min_size=1, max_size=4).map(lambda parts: "<p>" + " ".join(parts) + "</p>")


def body(words):
    return st.lists(st.one_of(paragraph(words), st.just("<hr>")), min_size=1, max_size=8).map("\n".join)


@settings(max_examples=60, deadline=None)
@given(body(PUNCTUATED))
def test_txt_download_text_reads_back_to_the_same_blocks(html):
    html = sanitise(html)
    assert blocks(sanitise(text_to_html(html_to_text(html, emphasis=True)))) == blocks(html)


@settings(max_examples=60, deadline=None)
@given(body(st.one_of(PUNCTUATED, MD_ONLY)))
def test_md_download_text_reads_back_to_the_same_blocks(html):
    html = sanitise(html)
    assert blocks(sanitise(markdown_to_html(html_to_markdown(html)))) == blocks(html)


@settings(max_examples=60, deadline=None)
@given(body(st.one_of(PUNCTUATED, MD_ONLY)))
def test_notes_read_from_html_render_back_to_the_same_blocks(html):
    """What the HTML and EPUB importers store for a summary or note
    (html_to_markdown with bare newlines) renders as the download showed it."""
    html = sanitise(html)
    assert blocks(render_inline_markdown(html_to_markdown(html, line_break="\n"))) == blocks(html)
