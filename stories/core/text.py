"""Plain-text helpers shared by every feature."""

import re
import unicodedata

# Characters that break a line or a header when a one-line value is shown or mailed.
_BREAKS = "\r\n\t\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029"
# Bidirectional embeddings, overrides and isolates: they make text read in a
# different order from the one stored ("evil\u202egnp.exe").
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_DROP = {ord(c): None for c in _BIDI_CONTROLS}
_DROP.update({ord(c): " " for c in _BREAKS})
_SPACES = re.compile(r"\s+")
# The two noncharacters every text path drops (one-line fields here, tag names in
# tags.names, the post form's text fields in works.rules): XML 1.0 cannot carry them.
NONCHARACTERS = "\ufffe\uffff"


def one_line(value: str | None) -> str:
    """A title, name or tag as one clean line: NFC-normalised; line breaks and tabs
    become spaces; other control characters (C0, C1, NUL, DEL) and bidi overrides
    are dropped; runs of white space collapse to one space; ends are trimmed.
    None gives "". Idempotent: one_line(one_line(x)) == one_line(x)."""
    if not value:
        return ""
    text = str(value).translate(_DROP)
    # Controls, lone surrogates and the two noncharacters the post form's text fields
    # drop too (works.rules.CONTROL_RE): a title reads the same by either path.
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs") and c not in NONCHARACTERS)
    # Normalised last, so a combining mark that followed a dropped character composes.
    return unicodedata.normalize("NFC", _SPACES.sub(" ", text).strip())
