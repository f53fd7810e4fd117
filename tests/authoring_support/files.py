"""Story files as AO3 and other tools write them, built here so tests need no network.

AO3's HTML download: `div#preface` with the metadata in `dl.tags` as class-less
dt/dd pairs, `h1` title, `div.byline`, "Summary"/"Notes" paragraphs followed by
`blockquote.userstuff`; `div#chapters` with a `div.meta.group h2.heading` before each
`div.userstuff`; `div#afterword` with the end notes (the layout of AO3's download
templates, as described in DESIGN.md "Where AO3's download files come from").
AO3's EPUB is the same markup split into several XHTML files, with an OPF whose
`dc:subject`s are untyped. FanFicFare files are not built here: the tests run the
real `fanficfare` command against its offline test site.
"""

import io
import zipfile
from html import escape

CONTAINER = (
    '<?xml version="1.0"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="{path}" media-type="application/oebps-package+xml"/></rootfiles></container>'
)

AO3_PREFACE = """<div id="preface">
  <p class="message"><b>{title}</b><br/>Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a> at <a href="https://archiveofourown.org/works/4242">https://archiveofourown.org/works/4242</a>.</p>
  <div class="meta">
    <dl class="tags">
      <dt>Rating:</dt>
      <dd><a href="https://archiveofourown.org/tags/Teen%20And%20Up%20Audiences">Teen And Up Audiences</a></dd>
      <dt>Archive Warning:</dt>
      <dd><a href="https://archiveofourown.org/tags/x">No Archive Warnings Apply</a></dd>
      <dt>Category:</dt>
      <dd><a href="https://archiveofourown.org/tags/x">M/M</a></dd>
      <dt>Fandom:</dt>
      <dd><a href="https://archiveofourown.org/tags/x">Naruto</a></dd>
      <dt>Relationship:</dt>
      <dd><a href="https://archiveofourown.org/tags/x">Hatake Kakashi/Umino Iruka</a></dd>
      <dt>Characters:</dt>
      <dd><a href="https://archiveofourown.org/tags/x">Hatake Kakashi</a>, <a href="https://archiveofourown.org/tags/x">Umino Iruka</a></dd>
      <dt>Additional Tags:</dt>
      <dd><a href="https://archiveofourown.org/tags/x">Angst</a>, <a href="https://archiveofourown.org/tags/x">Hurt/Comfort</a></dd>
      <dt>Language:</dt>
      <dd>English</dd>
      <dt>Series:</dt>
      <dd>Part 2 of <a href="https://archiveofourown.org/series/77">Seasons</a></dd>
      <dt>Stats:</dt>
      <dd>Published: 2008-02-27 Completed: 2008-03-05 Chapters: 2/2 Words: 30</dd>
    </dl>
    <h1>{title}</h1>
    <div class="byline">by <a rel="author" href="https://archiveofourown.org/users/leafwriter/pseuds/leafwriter">leafwriter</a></div>
    <p>Summary</p>
    <blockquote class="userstuff"><p>Kakashi wants to move on.</p><p>Sequel to 'Loathing'</p></blockquote>
    <p>Notes</p>
    <blockquote class="userstuff"><p>Thanks to my beta.</p></blockquote>
  </div>
</div>"""

AO3_CHAPTER = """<div class="meta group">
    <h2 class="heading">Chapter {n}: {title}</h2>
    <p>Chapter Summary</p>
    <blockquote class="userstuff"><p>Summary of {title}.</p></blockquote>
  </div>
  <div class="userstuff"><h3 class="landmark heading">Chapter Text</h3>{body}</div>
  <div class="meta group"><p>Chapter End Notes</p><blockquote class="userstuff"><p>End of {title}.</p></blockquote></div>"""

AO3_AFTERWORD = """<div id="afterword">
  <div class="meta">
    <p>End Notes</p>
    <blockquote class="userstuff"><p>Thank you for reading.</p></blockquote>
  </div>
  <p class="message">Please <a href="https://archiveofourown.org/works/4242/comments/new">drop by the Archive and comment</a> to let the creator know if you enjoyed their work!</p>
</div>"""

CHAPTERS = [
    ("Winter", "<p>Snow fell on <em>Konoha</em>.</p><p>Kakashi waited.</p>"),
    ("Spring", "<p>The cherry trees bloomed.</p><hr/><p>Iruka smiled.</p>"),
]


def ao3_html(title: str = "Moving On", chapters=CHAPTERS) -> bytes:
    parts = "\n".join(
        AO3_CHAPTER.format(n=n, title=escape(t), body=body) for n, (t, body) in enumerate(chapters, start=1)
    )
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="UTF-8"><title>'
        f"{escape(title)} - leafwriter - Naruto [Archive of Our Own]</title></head><body>\n"
        f"{AO3_PREFACE.format(title=escape(title))}\n"
        f'<div id="chapters" class="userstuff">\n{parts}\n</div>\n{AO3_AFTERWORD}\n</body></html>'
    )
    return page.encode()


def xhtml(body: str, title: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>{escape(title)}</title></head><body>{body}</body></html>"
    )


def epub(files: dict[str, str | bytes], opf: str, opf_path: str = "OEBPS/content.opf") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER.format(path=opf_path), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(opf_path, opf, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in files.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def opf(items: list[str], *, title: str, subjects=(), description="", creator="leafwriter") -> str:
    manifest = "".join(
        f'<item id="p{i}" href="{name}" media-type="application/xhtml+xml"/>' for i, name in enumerate(items)
    )
    spine = "".join(f'<itemref idref="p{i}"/>' for i in range(len(items)))
    subject_xml = "".join(f"<dc:subject>{escape(s)}</dc:subject>" for s in subjects)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
        f'<dc:identifier id="uid">urn:uuid:1234</dc:identifier><dc:title>{escape(title)}</dc:title>'
        f'<dc:creator opf:role="aut">{escape(creator)}</dc:creator><dc:language>en</dc:language>'
        f"<dc:publisher>Archive of Our Own</dc:publisher><dc:description>{escape(description)}</dc:description>"
        f"{subject_xml}</metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"
    )


def ao3_epub(title: str = "Moving On") -> bytes:
    """The AO3 download split as an EPUB converter splits it: preface, one file per
    chapter (each keeping its `div#chapters` wrapper), afterword."""
    files = {"OEBPS/preface.xhtml": xhtml(AO3_PREFACE.format(title=escape(title)), title)}
    for n, (chapter_title, body) in enumerate(CHAPTERS, start=1):
        chapter = AO3_CHAPTER.format(n=n, title=escape(chapter_title), body=body)
        files[f"OEBPS/chapter_{n:03}.xhtml"] = xhtml(f'<div id="chapters" class="userstuff">{chapter}</div>')
    files["OEBPS/afterword.xhtml"] = xhtml(AO3_AFTERWORD)
    names = [name.removeprefix("OEBPS/") for name in files]
    subjects = ["Teen And Up Audiences", "No Archive Warnings Apply", "Naruto", "Angst", "Hurt/Comfort"]
    return epub(files, opf(names, title=title, subjects=subjects, description="<p>Kakashi wants to move on.</p>"))


def plain_epub(files: dict[str, str], *, title: str = "A Book", subjects=()) -> bytes:
    return epub(
        {f"OEBPS/{name}": content for name, content in files.items()}, opf(list(files), title=title, subjects=subjects)
    )


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size a zip's headers declare for `name` (a lying archive)."""
    raw = bytearray(data)
    encoded = name.encode()
    local = raw.find(b"PK\x03\x04" + b"")
    while local != -1:
        name_length = int.from_bytes(raw[local + 26 : local + 28], "little")
        if raw[local + 30 : local + 30 + name_length] == encoded:
            raw[local + 22 : local + 26] = size.to_bytes(4, "little")
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(raw[central + 28 : central + 30], "little")
        if raw[central + 46 : central + 46 + name_length] == encoded:
            raw[central + 24 : central + 28] = size.to_bytes(4, "little")
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)
