"""Text from the linted repository (file names, messages, code lines) made safe to show in XML and HTML reports.

A hostile repository can name a file with control characters, bytes that are not UTF-8 (kept by git's listing
as surrogate escapes, which cannot be encoded) or bidirectional overrides that reorder what a reader sees. Each
such character is shown as an escape instead (`\\x1b`, `\\u202e`); tabs are kept. Markup escaping stays the
format's own job.
"""

from __future__ import annotations

import re

#: C0 controls but tab, DEL and C1 controls, surrogates, bidirectional controls, and the two XML non-characters.
_HIDDEN = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by `surrogateescape`: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every hidden or unencodable character shown as an escape."""
    return _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text
