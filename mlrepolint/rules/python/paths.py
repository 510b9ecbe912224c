"""Configuration in code: absolute, machine-specific paths written into string literals."""

from __future__ import annotations

import ast
import functools
import re
from typing import Callable, Iterator

from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, lazy

#: Folders that only exist on one person's machine, one cluster or one notebook service.
MACHINE_PREFIXES = (
    "/home/", "/Users/", "/root/", "/content/", "/mnt/", "/media/", "/Volumes/", "/scratch/", "/gpfs/",
    "/kaggle/", "/dbfs/",
)
_WINDOWS_RE = lazy(r"^[A-Za-z]:[\\/]+[^\\/\s]")

HARDCODED_PATH = Rule(
    code="MLR901",
    name="hardcoded-path",
    category="configuration",
    severity=Severity.WARNING,
    summary="Absolute, machine-specific path written in code",
    description=(
        "Reports a string literal (or the start of an f-string) that is an absolute path under a folder that "
        "only exists on one machine: a prefix in `prefixes` (`/home/...`, `/Users/...`, `/content/drive`, "
        "`/mnt/...`, `/kaggle/...`) followed by at least one more path component, or a Windows drive path "
        "(`C:\\\\Users\\\\...`, `D:/data`). Not flagged: docstrings, URLs, system paths (`/dev/null`, "
        "`/usr/bin/env`, `/tmp`), container mount points (`/data`, `/workspace`: add them to `prefixes` where "
        "they are machine-specific), a bare prefix such as a web route `\"/home/\"`, strings in decorators (routes), "
        "paths in a branch of an `if` that switches on where the code runs (`if ON_KAGGLE:`, "
        "`if IN_COLAB:`, `if os.path.exists(...)`, `if \"X\" in os.environ:`), used only where they exist, "
        "a path whose existence is asked (`os.path.exists(\"/kaggle/input\")`), "
        "and test files unless `include-tests` is on. The rubric counts modules: the share free of such paths."
    ),
    rationale=(
        "`pd.read_csv(\"/content/drive/MyDrive/train.csv\")` works in one Colab session and nowhere else: "
        "colleagues, CI and the training cluster all fail on the first line, and the path quietly decides "
        "which data the model is trained on."
    ),
    fix=(
        "Read the location from a command-line argument, an environment variable or a config file, with a "
        "relative default inside the repository (`Path(__file__).parent / \"data\"`)."
    ),
    bad='import pandas as pd\n\ndf = pd.read_csv("/content/drive/MyDrive/train.csv")\n',
    good=(
        'import os\n\nimport pandas as pd\n\nDATA_DIR = os.environ.get("DATA_DIR", "data")\n'
        'df = pd.read_csv(os.path.join(DATA_DIR, "train.csv"))\n'
    ),
    options={"prefixes": MACHINE_PREFIXES, "include-tests": False},
)


def looks_hardcoded(value: str, prefixes: tuple[str, ...]) -> bool:
    """True for `/home/me/x`, `/content/drive`, `C:\\Users\\me`: a machine folder and something inside it."""
    value = value.strip()
    if "\n" in value or len(value) > 400:
        return False
    if _WINDOWS_RE.match(value):
        return True
    for prefix in prefixes:
        if value.startswith(prefix) and value[len(prefix):].strip("/"):
            return True
    return False


def _may_name_a_path(source: str, prefixes: tuple[str, ...]) -> bool:
    """False when no literal in the source can be a machine path, which spares the walk of every expression."""
    if _names_a_prefix(prefixes)(source):
        return True
    # A literal that starts with a drive letter, `"C:\` or `' D:/`: looked for at each `:\` or `:/` (URLs
    # have many), since a regex over the whole source, trying at every quote, costs a tenth of a parse.
    for separator in (":\\", ":/"):
        at = source.find(separator, 1)
        while at != -1:
            letter, before = source[at - 1], source[max(0, at - 81):at - 1].rstrip()
            if letter.isascii() and letter.isalpha() and before[-1:] in ("'", '"'):
                return True
            at = source.find(separator, at + 1)
    return False


@functools.lru_cache(maxsize=8)
def _names_a_prefix(prefixes: tuple[str, ...]) -> Callable[[str], bool]:
    """A test of whether one of `prefixes` is in a text. Prefixes that all start with one character (the default
    ones, `/home/`, `/mnt/`...) are one regex, which `re` scans for with a fast loop over that first character:
    a tenth of the cost of a substring test per prefix on NeMo."""
    if prefixes and all(prefix[:1] == prefixes[0][:1] != "" for prefix in prefixes):
        search = re.compile("|".join(re.escape(prefix) for prefix in prefixes)).search
        return lambda source: search(source) is not None
    return lambda source: any(prefix in source for prefix in prefixes)


#: Nodes that carry a docstring or decorators.
_DEFINITIONS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _docstring_nodes(file: PythonFile) -> set[int]:
    """ids of the string constants that are docstrings (module, class, function)."""
    found = set()
    for node in file.nodes(*_DEFINITIONS):
        if node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _decorator_nodes(file: PythonFile) -> set[int]:
    """ids of every node inside a decorator (route strings such as `@app.get("/home/feed")`)."""
    found = set()
    for node in file.nodes(*_DEFINITIONS):
        for decorator in getattr(node, "decorator_list", ()):
            found.update(id(sub) for sub in ast.walk(decorator))
    return found


#: Words in an `if` test that switch on where the code runs (a platform flag, the environment, a path's existence).
_WHERE_WORDS = ("kaggle", "colab", "environ", "getenv", "exists", "isdir", "is_dir", "isfile", "is_file", "platform")


def _switched_nodes(file: PythonFile) -> set[int]:
    """ids of every node in a branch of an `if` whose test asks where the code runs (the path is then only used
    where it exists), and of every path whose existence is asked."""
    found: set[int] = set()
    for call in file.nodes(ast.Call):  # `os.path.exists("/kaggle/input")` asks where it runs
        assert isinstance(call, ast.Call)
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if name in ("exists", "isdir", "is_dir", "isfile", "is_file"):
            found.update(id(arg) for arg in call.args)
            if isinstance(call.func, ast.Attribute):  # `Path("/kaggle/input").exists()`
                found.update(id(sub) for sub in ast.walk(call.func.value))
    for node in file.nodes(ast.If):
        assert isinstance(node, ast.If)
        words = [n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(node.test)
                 if isinstance(n, (ast.Name, ast.Attribute))]
        if any(w in word.lower() for word in words for w in _WHERE_WORDS):
            found.update(id(sub) for statement in node.body + node.orelse for sub in ast.walk(statement))
    return found


def _candidates(file: PythonFile) -> Iterator[tuple[ast.expr, str]]:
    """(node, leading text) of every string literal and f-string (from the file's one shared walk)."""
    for node in file.nodes(ast.Constant, ast.JoinedStr):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node, node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                # `f"/home/{user}/data"`: the placeholder stands for a path component.
                yield node, first.value + ("{}" if len(node.values) > 1 else "")


class HardcodedPathChecker(PythonChecker):
    """Finds absolute machine-specific paths in string literals."""

    rules = (HARDCODED_PATH,)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Examine the module once; report each literal that is a machine-specific path."""
        options = ctx.options(HARDCODED_PATH)
        if file.is_test and not options["include-tests"]:
            return
        ctx.examine(HARDCODED_PATH)
        prefixes = tuple(options["prefixes"])
        if not _may_name_a_path(file.text, prefixes):
            return
        skip = _docstring_nodes(file) | _decorator_nodes(file) | _switched_nodes(file)
        for node in file.nodes(ast.JoinedStr):
            skip.update(id(value) for value in node.values)
        hits = []
        for node, text in _candidates(file):
            if id(node) in skip or not looks_hardcoded(text, prefixes):
                continue
            hits.append((node.lineno, node.col_offset + 1, text.strip()))
        for line, column, text in sorted(hits):
            shown = text if len(text) <= 60 else text[:57] + "..."
            ctx.report(HARDCODED_PATH, line, column, f"hardcoded machine-specific path {shown!r}")
