"""Reading small declaration files (requirements, Dockerfiles, compose and conda files) through the repo view."""

from __future__ import annotations
from mlrepolint.api import RepoView


#: Declaration files larger than this are generated dumps or data, not something people write; skipped unread.
MAX_BYTES = 2_000_000


#: Byte order marks pip honours when it reads a requirements file (`pip freeze > requirements.txt` in Windows
#: PowerShell writes UTF-16).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))


def read_declaration(repo: RepoView, path: str) -> str | None:
    """The file's text without its byte order mark (UTF-8, or UTF-16/32 as pip reads them), or None when
    unreadable or larger than MAX_BYTES."""
    size = repo.size(path)
    if size is None or size > MAX_BYTES:
        return None
    data = repo.read_bytes(path)
    if data is None:
        return None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text
