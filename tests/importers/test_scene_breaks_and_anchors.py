"""Scene breaks of any ornament and length, and ids (footnotes, in-text anchors)
kept through the sanitiser with links that still reach them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stories.core.rendering import ID_PREFIX, is_scene_break, render, render_html, render_markdown, render_text
from stories.importers import parse_upload

ORNAMENTS = "*-_=~#+•·◇◆♦◊§⁂❦❧☙✿❀★☆♥♡※†‡—–<>/\\|^°"


@pytest.mark.parametrize(
    "line", ["-" * 50, "⁂", "❦❦❦", "xxxxxxxxxx", "* * *", "  ❦  ❦  ❦  ", "~*~*~", "oOoOo", "=-=-=-=", "★", "x-x-x"]
)
def test_ornament_lines_from_the_issue_are_scene_breaks(line):
    assert is_scene_break(line)
    assert render_text(f"Before.\n{line}\nAfter.").count("<hr>") == 1


@given(st.sampled_from(ORNAMENTS), st.integers(min_value=1, max_value=300), st.sampled_from(["", " ", "\t", "   "]))
def test_one_ornament_repeated_any_number_of_times_is_a_break(ornament, count, pad):
    assert is_scene_break(pad + ornament * count + pad)


@given(st.lists(st.sampled_from(ORNAMENTS), min_size=1, max_size=4), st.integers(min_value=1, max_value=8))
def test_a_centred_group_of_ornaments_is_a_break(group, repeat):
    assert is_scene_break("      " + " ".join(group * repeat))


@given(st.text(min_size=1, max_size=40).filter(lambda t: any(c.isalnum() and c not in "xXoO0" for c in t)))
def test_a_line_with_a_word_or_number_in_it_is_never_a_break(line):
    assert not is_scene_break(line)


@pytest.mark.parametrize("line", ["...", "…", "?!", '"', "xxx", "ooo", "Hello", "12", "[x]", "(...)", "'-'"])
def test_dialogue_and_short_sounds_are_not_breaks(line):
    assert not is_scene_break(line)


def test_centred_ornament_paragraphs_in_html_become_rules():
    html = render_html('<p>a</p><p align="center"><strong>❦ ❦ ❦</strong></p><p>b</p><p>…</p>')
    assert html.count("<hr>") == 1 and "<p>…</p>" in html


def test_footnotes_survive_with_prefixed_ids_and_matching_links():
    html = render_html(
        '<p>Text<a href="#fn1" id="ref1">1</a></p><ol><li id="fn1">Note <a href="#ref1">back</a></li></ol>'
    )
    assert f'href="#{ID_PREFIX}fn1"' in html and f'id="{ID_PREFIX}fn1"' in html
    assert f'href="#{ID_PREFIX}ref1"' in html and f'id="{ID_PREFIX}ref1"' in html


def test_prefixing_is_idempotent_and_old_name_anchors_become_ids():
    once = render_html('<a name="top"></a><p><a href="#top">up</a></p>')
    assert render_html(once) == once
    assert f'id="{ID_PREFIX}top"' in once and f'href="#{ID_PREFIX}top"' in once


def test_page_ids_cannot_be_taken_by_a_story():
    assert 'id="content"' not in render_html('<div id="content">x</div>')


def test_markdown_footnotes_keep_their_links():
    html = render_markdown("Said[^1].\n\n[^1]: The note.")
    targets = {part.split('"')[0] for part in html.split('href="#')[1:]}
    assert targets and all(f'id="{target}"' in html for target in targets)


def test_html_footnotes_survive_an_html_import():
    page = (
        "<html><head><title>Notes</title></head><body><p>Claim<sup><a href='#fn1'>1</a></sup>.</p>"
        "<ol><li id='fn1'>Source.</li></ol></body></html>"
    )
    chapter = parse_upload("notes.html", page.encode()).chapters[0]
    shown = render(chapter.body, chapter.body_format)
    assert f'href="#{ID_PREFIX}fn1"' in shown and f'id="{ID_PREFIX}fn1"' in shown
