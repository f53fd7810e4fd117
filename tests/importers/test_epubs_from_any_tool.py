"""EPUBs as different tools lay them out: front matter is metadata, never a
chapter; chapter names come from the nav document or the NCX when a page has no
heading; a page that is only a picture is a chapter. Books are built here."""

from html import escape

from stories.importers import epub
from tests.authoring_support import files


def package(items: list[tuple[str, str, str]], *, version: str = "3.0", spine_extra: dict | None = None,
            guide: str = "", title: str = "The Book") -> str:  # fmt: skip
    """An OPF: items are (id, href, properties); xhtml unless the href says ncx."""
    manifest = "".join(
        f'<item id="{i}" href="{href}" media-type="'
        + ("application/x-dtbncx+xml" if href.endswith(".ncx") else "application/xhtml+xml")
        + '"'
        + (f' properties="{props}"' if props else "")
        + "/>"
        for i, href, props in items
    )
    spine_extra = spine_extra or {}
    spine = "".join(
        f'<itemref idref="{i}"{spine_extra.get(i, "")}/>' for i, href, _ in items if not href.endswith(".ncx")
    )
    toc = ' toc="ncx"' if any(href.endswith(".ncx") for _, href, _ in items) else ""
    return (
        f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="{version}" '
        'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="uid">x</dc:identifier><dc:title>{escape(title)}</dc:title>'
        "<dc:creator>Pen Name</dc:creator><dc:language>en</dc:language></metadata>"
        f"<manifest>{manifest}</manifest><spine{toc}>{spine}</spine>{guide}</package>"
    )


def page(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>x</title></head>'
        f"<body>{body}</body></html>"
    )


STORY = "<p>The river ran fast that spring, and nobody in the village slept.</p>" * 3


def test_epub3_title_contents_copyright_and_colophon_pages_are_not_chapters_and_nav_names_chapters():
    pages = {
        "title.xhtml": page("<h1>The Book</h1><p>Pen Name</p>"),
        "contents.xhtml": page(
            '<h2>Table of Contents</h2><p><a href="one.xhtml">One</a></p><p><a href="two.xhtml">The Second</a></p>'
        ),
        "nav.xhtml": page(
            '<nav epub:type="toc"><ol><li><a href="one.xhtml">Chapter 1: One</a></li>'
            '<li><a href="two.xhtml#start">The Second</a></li></ol></nav>'
        ),
        "one.xhtml": page("<h2>Chapter 1: One</h2>" + STORY),
        "two.xhtml": page(STORY),
        "rights.xhtml": page("<p>Copyright © 2021 Pen Name. All rights reserved.</p>"),
        "end.xhtml": page('<section epub:type="colophon"><p>Set in a nice typeface by a kind person.</p></section>'),
    }
    items = [(name.split(".")[0], name, "nav" if name == "nav.xhtml" else "") for name in pages]
    data = files.epub({f"OEBPS/{n}": c for n, c in pages.items()}, package(items))
    draft = epub.parse(data)
    assert [c.title for c in draft.chapters] == ["One", "The Second"]
    assert all("river" in c.body for c in draft.chapters)


def test_epub2_chapter_names_come_from_the_ncx_and_the_guide_marks_the_title_page():
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>'
        '<navPoint id="a"><navLabel><text>Cover</text></navLabel><content src="cover.xhtml"/></navPoint>'
        '<navPoint id="b"><navLabel><text>Chapter 1 - First Light</text></navLabel><content src="text/c1.xhtml"/>'
        '</navPoint><navPoint id="c"><navLabel><text>Dusk</text></navLabel><content src="text/c2.xhtml"/></navPoint>'
        "</navMap></ncx>"
    )
    pages = {
        "cover.xhtml": page("<p>Some words on a cover, long enough to look like a paragraph of story text.</p>"),
        "text/c1.xhtml": page(STORY),
        "text/c2.xhtml": page(STORY),
    }
    items = [("cover", "cover.xhtml", ""), ("c1", "text/c1.xhtml", ""), ("c2", "text/c2.xhtml", ""),
             ("ncx", "toc.ncx", "")]  # fmt: skip
    guide = '<guide><reference type="cover" title="Cover" href="cover.xhtml"/></guide>'
    opf = package(items, version="2.0", guide=guide)
    data = files.epub({**{f"OEBPS/{n}": c for n, c in pages.items()}, "OEBPS/toc.ncx": ncx}, opf)
    draft = epub.parse(data)
    assert [c.title for c in draft.chapters] == ["First Light", "Dusk"]


def test_front_matter_marked_by_epub_type_linear_no_or_an_information_heading_is_skipped():
    pages = {
        "a.xhtml": page(
            '<section epub:type="titlepage"><h1>The Book</h1><p>A long subtitle of some kind.</p></section>'
        ),
        "b.xhtml": page("<p>Published by a small press somewhere, printed on paper.</p>" * 2),
        "c.xhtml": page("<h3>Information</h3><p>Rating: Teen</p><p>Words: 1000</p>"),
        "d.xhtml": page("<h2>Start</h2>" + STORY),
    }
    items = [(n[0], n, "") for n in pages]
    data = files.epub({f"OEBPS/{n}": c for n, c in pages.items()}, package(items, spine_extra={"b": ' linear="no"'}))
    assert [c.title for c in epub.parse(data).chapters] == ["Start"]


def test_a_chapter_that_is_only_a_picture_imports():
    pages = {
        "one.xhtml": page("<h2>Words</h2>" + STORY),
        "two.xhtml": page('<h2>Pictures</h2><p><img src="https://images.example/p.png" alt="A panel"/></p>'),
    }
    items = [("one", "one.xhtml", ""), ("two", "two.xhtml", "")]
    draft = epub.parse(files.epub({f"OEBPS/{n}": c for n, c in pages.items()}, package(items)))
    assert [c.title for c in draft.chapters] == ["Words", "Pictures"]
    assert "<img" in draft.chapters[1].body


def test_a_book_whose_only_page_is_a_short_story_still_has_it():
    # The title-page rule must not eat a short one-page story that names its title.
    data = files.epub(
        {"OEBPS/a.xhtml": page("<h1>The Book</h1><p>It was short. It was done.</p>")},
        package([("a", "a.xhtml", "")]),
    )
    chapters = epub.parse(data).chapters
    assert len(chapters) == 1 and "It was short." in chapters[0].body
