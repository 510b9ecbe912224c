"""What Python code imports, read from its text, and which of those imports are the repository's own.

A text-level scan (never a parse, never an import): `import a.b, c` and `from x.y import z` at the start of a
line, at any indentation. Docstring examples (`>>> import numpy`) are not at the start of a line; an `import` line
inside a multi-line string is rare enough to accept.

`first_party` is the one place that decides what the repository itself provides; the project model
(`mlrepolint.project`) will answer it from the packages it knows.
"""

from __future__ import annotations

import re
import sys
from typing import Iterable, Iterator

from mlrepolint.api import is_test_path

_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import\b|import[ \t]+([\w., \t]+))", re.M)
#: Folders that are never import roots of the project's own code.
_NOT_CODE = frozenset({"docs", "doc"})

#: The standard library's top-level modules on Python 3.9, which has no `sys.stdlib_module_names`.
_STDLIB_39 = frozenset("""
__future__ _thread abc aifc argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii binhex
bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall
concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm decimal
difflib dis distutils doctest email encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch
formatter fractions ftplib functools gc getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http
imaplib imghdr imp importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma
mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib ntpath
numbers opcode operator optparse os ossaudiodev parser pathlib pdb pickle pickletools pipes pkgutil platform
plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc pyexpat queue quopri random
re readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtpd
smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string
stringprep struct subprocess sunau symbol symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios
textwrap threading time timeit tkinter token tokenize trace traceback tracemalloc tty turtle turtledemo types
typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml
xmlrpc zipapp zipfile zipimport zlib zoneinfo
""".split())
STDLIB: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", ())) | _STDLIB_39


def scan_imports(text: str) -> Iterator[tuple[int, str]]:
    """(level, dotted module) of each import statement: `import a.b, c` gives (0, "a.b") and (0, "c");
    `from ..x import y` gives (2, "x"); `from . import y` gives (1, "")."""
    for match in _IMPORT.finditer(text):
        dots, module, names = match.groups()
        if names is None:
            yield len(dots), module
            continue
        for part in names.split(","):
            name = part.strip().split(" ")[0].split("\t")[0]
            if name and all(piece.isidentifier() for piece in name.split(".")):
                yield 0, name


def top_level(module: str) -> str:
    """`a` for `a.b.c`."""
    return module.split(".", 1)[0]


def first_party(paths: Iterable[str]) -> frozenset[str]:
    """The top-level module names the given Python files of the repository provide: every `name.py` and every
    folder holding Python code, at any depth, since a script run from its folder imports its neighbours.
    Generous on purpose: a name taken for the repository's own is never reported as an undeclared dependency."""
    names: set[str] = set()
    for path in paths:
        parts = path.split("/")
        names.update(part for part in parts[:-1] if part.isidentifier())
        stem = parts[-1].rsplit(".", 1)[0]
        if stem.isidentifier():
            names.add(stem)
    return frozenset(names)


def is_project_code(path: str) -> bool:
    """A Python file of the project itself: not a test, not documentation."""
    if not path.endswith(".py") or is_test_path(path):
        return False
    return not any(part in _NOT_CODE for part in path.split("/")[:-1])


def third_party(modules: Iterable[tuple[int, str]], own: frozenset[str]) -> set[str]:
    """The top-level names of absolute imports that are neither the standard library nor the repository's."""
    found = set()
    for level, module in modules:
        if level or not module:
            continue
        name = top_level(module)
        if name not in STDLIB and name not in own and not name.startswith("_"):
            found.add(name)
    return found
