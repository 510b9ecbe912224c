"""What the ML repository rules need to know about the repository's own Python files: which are entry scripts,
which top-level names are first-party, and which local file an import statement loads.

The one interface these rules ask (`roles_of(repo, ctx)`); it decides from the file list and the files' text,
read once per repository view and shared by every rule that asks.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from functools import cached_property

from mlrepolint.api import Context, RepoView, is_test_path
from mlrepolint.rules.repo.imports import Import, local_names, scan_imports

#: Files that run as part of a tool, never as the project's own program.
NOT_SCRIPTS = frozenset({
    "setup.py", "conftest.py", "conf.py", "noxfile.py", "fabfile.py", "manage.py", "__init__.py", "tasks.py",
    "dodo.py",
})
_MAIN_GUARD = re.compile(r"^if\s+(?:__name__\s*==\s*['\"]__main__['\"]|['\"]__main__['\"]\s*==\s*__name__)\s*:", re.M)
#: A call written as a statement at the top level (`main()`, `model.fit(X, y)`): the file does work when run.
_TOP_LEVEL_CALL = re.compile(r"^(?!(?:if|for|while|with|def|class|return|print|assert|del|raise|import|from)\b)"
                             r"[A-Za-z_][\w.]*\s*\(", re.M)
READ_LIMIT = 2_000_000


class Roles:
    """The repository's Python files as the ML rules see them."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo
        self.python = [f.path for f in repo.files if f.path.endswith(".py")]
        self._texts: dict[str, str | None] = {}
        self._imports: dict[str, list[Import]] = {}

    def text(self, path: str) -> str | None:
        """The file's text, read once (None when unreadable or too large)."""
        if path not in self._texts:
            size = self.repo.size(path)
            self._texts[path] = self.repo.read_text(path) if size is not None and size <= READ_LIMIT else None
        return self._texts[path]

    def imports(self, path: str) -> list[Import]:
        """The file's import statements (`imports.scan_imports`), read once and shared by the rules that ask."""
        found = self._imports.get(path)
        if found is None:
            text = self.text(path)
            found = self._imports[path] = scan_imports(text) if text is not None and "import" in text else []
        return found

    @cached_property
    def first_party(self) -> frozenset[str]:
        """Top-level names the repository's own files can be imported as (see `imports.local_names`)."""
        return local_names(f.path for f in self.repo.files)

    def is_entry_script(self, path: str, text: str) -> bool:
        """A file run as a program: a `__main__` guard, a `#!` line, or top-level calls in a file no other file
        of the repository imports; never a test, a package `__init__`, or a tool's file (`setup.py`,
        `conftest.py`, Sphinx `conf.py`)."""
        name = posixpath.basename(path)
        if name in NOT_SCRIPTS or is_test_path(path) or "{{" in path:
            return False
        if text.startswith("#!") or _MAIN_GUARD.search(text):
            return True
        return _TOP_LEVEL_CALL.search(text) is not None and path not in self.imported

    @cached_property
    def _by_module(self) -> dict[str, list[str]]:
        """Dotted module name -> the files it can name, for every dotted suffix of every Python file's path
        (`src/pkg/utils.py` is `utils`, `pkg.utils` and `src.pkg.utils`; a package is its `__init__.py`)."""
        found: dict[str, list[str]] = {}
        for path in self.python:
            parts = path[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):
                dotted = ".".join(parts[start:])
                if dotted:
                    found.setdefault(dotted, []).append(path)
        return found

    def local_targets(self, importer: str, imported: Import) -> list[tuple[str, str]]:
        """(dotted name, path) of the repository's files an import statement in `importer` loads: the module and,
        for `from m import a`, `m.a` when it is a module; the file next to the importer is preferred."""
        folder = posixpath.dirname(importer)
        if imported.level:
            base = folder
            for _ in range(imported.level - 1):
                base = posixpath.dirname(base)
            prefix = base.replace("/", ".")
            module = ".".join(part for part in (prefix, imported.module) if part)
        else:
            module = imported.module
        found = []
        for dotted in [module, *(f"{module}.{name}" for name in imported.names)]:
            paths = self._by_module.get(dotted)
            if not paths:
                continue
            near = [p for p in paths if posixpath.dirname(p) == folder or p.startswith(folder + "/")] if folder else []
            found.append((dotted, (near or paths)[0] if len(paths) > 1 else paths[0]))
        return found

    @cached_property
    def imported(self) -> frozenset[str]:
        """The Python files some other Python file of the repository imports."""
        found: set[str] = set()
        for path in self.python:
            for imported in self.imports(path):
                for _, target in self.local_targets(path, imported):
                    if target != path:
                        found.add(target)
        return frozenset(found)


_CACHE: weakref.WeakKeyDictionary[RepoView, Roles] = weakref.WeakKeyDictionary()


def roles_of(repo: RepoView, ctx: Context) -> Roles:
    """The repository's roles, computed once per repository view and shared by the rules that ask."""
    roles = _CACHE.get(repo)
    if roles is None:
        roles = _CACHE[repo] = Roles(repo)
    return roles
