"""Reading small declaration files (requirements, Dockerfiles, compose and conda files) through the repo view."""

from __future__ import annotations

import codecs

from mlrepolint.api import RepoView


#: Declaration files larger than this are generated dumps or data, not something people write; skipped unread.
MAX_BYTES = 2_000_000


#: Byte order marks, longest first (UTF-32's little-endian mark begins with UTF-16's): pip decodes a requirements
#: file by its mark, so one saved as UTF-16 by a Windows editor (`pip freeze > requirements.txt` in PowerShell)
#: is read as pip reads it, not as a line of NUL-separated characters.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_declaration(repo: RepoView, path: str) -> str | None:
    """The file's text, decoded by its byte order mark (UTF-8 otherwise), or None when unreadable or larger than
    MAX_BYTES."""
    size = repo.size(path)
    if size is None or size > MAX_BYTES:
        return None
    data = repo.read_bytes(path)
    if data is None:
        return None
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")
