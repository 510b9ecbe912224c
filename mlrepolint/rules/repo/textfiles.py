"""Reading small declaration files (requirements, Dockerfiles, compose and conda files) through the repo view."""

from __future__ import annotations
from mlrepolint.api import RepoView


#: Declaration files larger than this are generated dumps or data, not something people write; skipped unread.
MAX_BYTES = 2_000_000


def read_declaration(repo: RepoView, path: str) -> str | None:
    """The file's text without a UTF-8 byte order mark, or None when unreadable or larger than MAX_BYTES."""
    size = repo.size(path)
    if size is None or size > MAX_BYTES:
        return None
    text = repo.read_text(path)
    return text[1:] if text is not None and text.startswith("\ufeff") else text
