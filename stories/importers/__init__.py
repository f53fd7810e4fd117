"""One module per input format; each returns a WorkDraft or raises ImportFailed."""

from pathlib import PurePath

from stories.core.limits import LimitExceeded, text_seconds, time_limit
from stories.importers.base import ImportFailed, WorkDraft, check_size, review_messages


def parse_upload(filename: str, data: bytes) -> WorkDraft:
    """Pick the importer by the file's extension, and read the file within the time
    budget of core.limits (QUIRE_TEXT_SECONDS): past it, ImportFailed says so."""
    seconds = text_seconds()
    try:
        with time_limit(
            f"Reading the file took longer than {seconds:g} seconds, the most Quire spends on one upload; "
            "it was not read. Split it into smaller files, or save it again from your editor.",
            seconds=seconds,
        ):
            return _parse(filename, data)
    except LimitExceeded as error:
        raise ImportFailed(str(error)) from None


def _parse(filename: str, data: bytes) -> WorkDraft:
    from stories.importers import text

    check_size(data)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in {".txt", ".text", ""}:
        return text.parse(data, body_format="text")
    if suffix in {".md", ".markdown"}:
        return text.parse(data, body_format="markdown")
    if suffix in {".html", ".htm", ".xhtml"}:
        from stories.importers import html

        return html.parse(data)
    if suffix == ".epub":
        from stories.importers import epub

        return epub.parse(data)
    raise ImportFailed(f"Quire cannot read {suffix} files. Upload .txt, .md, .html or .epub.")


__all__ = ["ImportFailed", "WorkDraft", "parse_upload", "review_messages"]
