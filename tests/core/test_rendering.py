import pytest

from stories.core.rendering import count_words, is_scene_break, render_markdown, render_text, sanitise


@pytest.mark.parametrize("line", ["xXxXxXxXxXx", "* * *", "***", "-----", "~~~", "oOo", "#", "=-=-=", "  ~ ~ ~  "])
def test_ornament_lines_are_scene_breaks(line):
    assert is_scene_break(line)


@pytest.mark.parametrize("line", ["Hello", "ox", "I", "...", "xxx", "x Fin x", "Fin", "A-", ""])
def test_words_and_dialogue_are_not_scene_breaks(line):
    assert not is_scene_break(line)


def test_markdown_scene_break_becomes_hr():
    html = render_markdown("One.\n\nxXxXxXx\n\nTwo.")
    assert html.count("<hr>") == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<p style="position:fixed;top:0">x</p>',
        '<iframe src="https://example.org"></iframe>',
        "<svg onload=alert(1)>",
    ],
)
def test_sanitiser_removes_everything_that_runs_or_restyles(hostile):
    clean = sanitise(hostile)
    for bad in ("<script", "onerror", "javascript:", "data:", "style=", "<iframe", "onload", "<svg"):
        assert bad not in clean


def test_plain_text_is_escaped_not_interpreted():
    assert "&lt;b&gt;" in render_text("<b>bold?</b>")


def test_word_count_ignores_markup():
    assert count_words("<p>One <em>two</em> three's</p><hr><p>four-five</p>") == 4


def test_notes_keep_their_line_breaks_but_story_markdown_reflows():
    from stories.core.rendering import render_inline_markdown

    assert render_inline_markdown("First line\nSecond line") == "<p>First line<br>\nSecond line</p>"
    assert "<br>" not in render_markdown("First line\nSecond line")
