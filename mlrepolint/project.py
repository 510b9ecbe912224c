"""The project model: what each file of the repository is for, and what kind of repository it is.

Computed once per run in the main process, from the file list and a few small reads through the repository view:
the packaging files, the files that name what runs (Dockerfiles, Makefiles, Procfiles, shell and CI scripts,
README code blocks, `MLproject`, `dvc.yaml`, notebooks), Markdown links, and a text-level prescan of each Python
file (`PythonFacts`: its imports, shebang, main guard, command-line and app framework use, Jinja syntax). The
prescan never parses: the per-file pass parses every file once, in the workers, and the prescan's facts are a
pure function of a file's content, so the cache keeps them and a warm run reads nothing.

The model is small, frozen and picklable; the engine hands it to every checker (`ctx.project`), per-file
checkers in the worker processes included. Every decision keeps its reason, and `mlrepolint explain` prints them.

- **Packages**: folders with an `__init__.py` (the top-most one's parent is the import root: the repository
  root, `src/`, ...), and what `pyproject.toml`, `setup.cfg` and `setup.py` declare (read as text, never run).
  Each module's dotted name; which modules the repository itself imports (Python files and notebooks), and
  which local files each Python file's imports load; the first-party names (what an import of the
  repository's own code can start with, so that dependency rules never take it for a third-party package).
- **Role of each Python file** (`Role.kind`): entry script, library module, package init, app module, test,
  config, template, generated. **Other files** may have a role too: DVC-managed, docs asset, test fixture,
  published result table, template; most have none.
- **Repository kind**: library, application/service, pipeline/project, notebook or course collection, template.
"""

from __future__ import annotations

import hashlib
import re
from collections import abc
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote

from mlrepolint.importscan import scan_imports
from mlrepolint.regex import lazy
from mlrepolint.repo import path_suffix
from mlrepolint.source import is_test_path

if TYPE_CHECKING:
    from mlrepolint.repo import RepoView

# Roles of Python files.
ENTRY_SCRIPT = "entry-script"
LIBRARY_MODULE = "library-module"
PACKAGE_INIT = "package-init"
APP_MODULE = "app-module"
TEST = "test"
CONFIG = "config"
TEMPLATE = "template"
GENERATED = "generated"
PYTHON_ROLES = (ENTRY_SCRIPT, LIBRARY_MODULE, PACKAGE_INIT, APP_MODULE, TEST, CONFIG, TEMPLATE, GENERATED)
#: Python files other code imports (or a server loads): what runs at their top level runs in someone else's process.
IMPORTABLE = frozenset({LIBRARY_MODULE, PACKAGE_INIT, APP_MODULE})
# Roles of other files (TEMPLATE too).
DVC_MANAGED = "dvc-managed"
DOCS_ASSET = "docs-asset"
TEST_FIXTURE = "test-fixture"
RESULT_TABLE = "result-table"
OTHER_ROLES = (DVC_MANAGED, DOCS_ASSET, TEST_FIXTURE, RESULT_TABLE, TEMPLATE)
# Repository kinds.
LIBRARY = "library"
APPLICATION = "application"
PIPELINE = "pipeline"
COLLECTION = "collection"
KINDS = (LIBRARY, APPLICATION, PIPELINE, COLLECTION, TEMPLATE)

#: Reads: at most this much of each Python file or notebook is prescanned, of each other file read.
PYTHON_LIMIT = 2_000_000
NOTEBOOK_LIMIT = 1_000_000
SMALL_LIMIT = 256 * 1024
#: Folders whose files are documentation.
DOCS_DIRS = frozenset({"docs", "doc", "documentation", "site", "website"})
#: Folders whose small files are test fixtures (see rules/repo/hygiene.py).
TEST_DIRS = frozenset({"test", "tests", "testing", "testdata", "test_data", "test-data", "fixtures"})
#: Folders named like data: a table in one is data even when a README links it.
DATA_DIRS = frozenset({"data", "datasets", "dataset", "raw", "processed", "interim"})
#: Tables (by suffix) that can be published results.
TABLE_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".md", ".txt", ".xlsx", ".parquet")
RESULT_WORDS = lazy(r"result|benchmark|leaderboard|metric|score|eval|report|perf", re.I)


@dataclass(frozen=True)
class Role:
    """What a file is for, and why the model thinks so. `framework` names the app or command-line framework
    (`fastapi`, `flask`, `streamlit`, `lambda`, `click`, `argparse`...) when one decided it."""

    kind: str
    reason: str
    framework: str = ""


@dataclass(frozen=True)
class Package:
    """An import package: its dotted name, its folder (with a trailing slash) and why it is one."""

    name: str
    path: str
    reason: str


@dataclass(frozen=True)
class PythonFacts:
    """What a text-level prescan of one Python file (or notebook) finds; a pure function of its content.

    Lines are 1-based, 0 when absent. `imports` holds (level, module, names) per import statement: `import a.b`
    is (0, "a.b", ()), `from ..x import y, z` is (2, "x", ("y", "z")). `top_code` is the first line of code at the
    top level other than imports, definitions and constants (-1: not looked for, only loose files need it).
    `io_functions` maps top-level functions that do I/O to what they call (None: not looked for).
    """

    shebang: bool = False
    main_guard: int = 0
    cli: str = ""
    app: str = ""
    jinja: int = 0
    generated: bool = False
    imports: tuple[tuple[int, str, tuple[str, ...]], ...] = ()
    #: Shell commands in a notebook (`!python train.py`, `%run x.py`); files a Python file runs with
    #: `exec(open("configurator.py").read())`, as `exec x.py`.
    commands: tuple[str, ...] = ()
    top_code: int = -1
    io_functions: tuple[tuple[str, str], ...] | None = None
    tests: bool = False  # defines tests (`def test_...`, `class Test...`, unittest)

    def to_json(self) -> list[Any]:
        """A JSON-able form (for the cache)."""
        return [
            self.shebang, self.main_guard, self.cli, self.app, self.jinja, self.generated,
            [[level, module, list(names)] for level, module, names in self.imports], list(self.commands),
            self.top_code, None if self.io_functions is None else [list(pair) for pair in self.io_functions],
            self.tests,
        ]

    @classmethod
    def from_json(cls, item: Any) -> PythonFacts | None:
        """The facts `to_json` wrote, or None when `item` is not that (a corrupt or foreign cache)."""
        try:
            shebang, guard, cli, app, jinja, generated, imports, commands, top, io, tests = item
            facts = cls(
                shebang, guard, cli, app, jinja, generated,
                tuple((level, module, tuple(names)) for level, module, names in imports), tuple(commands), top,
                None if io is None else tuple((name, what) for name, what in io), tests,
            )
        except (TypeError, ValueError):
            return None
        ints = (facts.main_guard, facts.jinja, facts.top_code)
        strings = (facts.cli, facts.app, *facts.commands, *(s for pair in facts.io_functions or () for s in pair))
        imports_ok = all(
            type(level) is int and type(module) is str and all(type(n) is str for n in names)
            for level, module, names in facts.imports
        )
        if (type(facts.shebang) is bool and type(facts.generated) is bool and type(facts.tests) is bool and all(type(i) is int for i in ints)
                and all(type(s) is str for s in strings) and imports_ok):
            return facts
        return None


@dataclass(frozen=True)
class Project:
    """The model of one repository. Frozen and picklable; built by `build_project`."""

    kind: str = PIPELINE
    kind_reason: str = "no files"
    packages: tuple[Package, ...] = ()
    #: Python file path -> its dotted module name (`timm.layers.create_act`; a loose `train.py` is `train`).
    modules: Mapping[str, str] = field(default_factory=dict)
    #: Path -> role, for every Python file and for the other files that have one.
    roles: Mapping[str, Role] = field(default_factory=dict)
    #: Python files some file of the repository imports -> the first such importer.
    imported: Mapping[str, str] = field(default_factory=dict)
    #: Python file -> the repository's Python files its import statements name, in order (`from a.b import c`:
    #: `a/b.py`, and `a/b/c.py` when it is a module; not the parent packages Python loads on the way).
    local_imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Top-level names the repository's own files can be imported as (`first_party_names`): an import of one of
    #: these is never a third-party dependency.
    first_party: frozenset[str] = frozenset()
    #: Python file -> {name it imports from a loose module of the repository: what that function does I/O with}.
    io_helpers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Files (and folders, ending with `/`) the repository's Markdown links to or names by URL -> the first such file.
    linked: Mapping[str, str] = field(default_factory=dict)
    #: Why the repository's notebooks are reading material whose outputs are the content (a course's lesson folders,
    #: a book of notebooks), or "" when they are not (see `_published_collection`).
    published: str = ""
    #: Notebooks the repository's Markdown links through a notebook viewer (nbviewer, Colab, Binder): published
    #: for reading with their outputs -> the file that links them.
    rendered: Mapping[str, str] = field(default_factory=dict)

    def role(self, path: str) -> Role | None:
        """The file's role, or None for a file the model has nothing to say about."""
        return self.roles.get(path)

    def role_for(self, path: str, text: str) -> Role:
        """The role of a Python file: the model's, or for a file the model does not list (one named on the command
        line that git ignores, a file an editor lints outside any repository), one decided from its path and
        text alone."""
        role = self.roles.get(path)
        if role is None:
            role = _lone_role(path, text)
        return role

    def kind_of(self, path: str) -> str:
        """The file's role kind, `""` when it has none."""
        role = self.roles.get(path)
        return role.kind if role is not None else ""

    def is_first_party(self, module: str) -> bool:
        """Whether an absolute import of `module` (`pkg.sub`) loads the repository's own code."""
        return module.partition(".")[0] in self.first_party

    def reachable(self, path: str, depth: int) -> Iterator[str]:
        """The repository's Python files `path` imports, directly or through other such files, at most `depth`
        imports away (nearest first; each once, `path` itself never)."""
        seen = {path}
        frontier = [path]
        for _ in range(depth):
            following = []
            for current in frontier:
                for target in self.local_imports.get(current, ()):
                    if target not in seen:
                        seen.add(target)
                        following.append(target)
                        yield target
            frontier = following

    def package_of(self, path: str) -> Package | None:
        """The innermost package holding the file, if any."""
        best: Package | None = None
        for package in self.packages:
            if path.startswith(package.path) and (best is None or len(package.path) > len(best.path)):
                best = package
        return best

    def key(self, path: str) -> str:
        """A digest of what the model says about one Python file (its role and the I/O helpers it imports): a
        per-file result cached under this key is still right while the file's content is unchanged."""
        key = self._keys.get(path)
        if key is None:
            role = self.roles.get(path)
            helpers = sorted(self.io_helpers.get(path, {}).items())
            text = repr((role, self.modules.get(path), helpers))
            key = self._keys[path] = hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
        return key

    @cached_property
    def _keys(self) -> dict[str, str]:
        return {}

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the whole model, the same in every process (sets and mappings in sorted order): a
        repository rule's result cached under it is still right while its files are unchanged."""
        parts = (
            self.kind, self.kind_reason, self.packages, sorted(self.modules.items()), sorted(self.roles.items()),
            sorted(self.imported.items()), sorted(self.local_imports.items()), sorted(self.first_party),
            sorted((path, sorted(helpers.items())) for path, helpers in self.io_helpers.items()),
            sorted(self.linked.items()), self.published, sorted(self.rendered.items()),
        )
        return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (for the cache): roles as indexes into a table of the distinct roles, and the
        fingerprint, which a large model takes milliseconds to hash again on every run that loads it."""
        table: dict[Role, int] = {}
        roles = {path: table.setdefault(role, len(table)) for path, role in self.roles.items()}
        return {
            "kind": [self.kind, self.kind_reason, self.published],
            "packages": [[p.name, p.path, p.reason] for p in self.packages],
            "modules": self.modules, "role_table": [[r.kind, r.reason, r.framework] for r in table], "roles": roles,
            "imported": self.imported, "local_imports": self.local_imports, "first_party": sorted(self.first_party),
            "io_helpers": self.io_helpers, "linked": self.linked, "rendered": self.rendered,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, item: Any) -> Project | None:
        """The model `to_json` wrote, or None when `item` is not that (a corrupt or foreign cache)."""
        try:
            kind, kind_reason, published = item["kind"]
            table = [Role(*_texts(row, 3)) for row in item["role_table"]]
            roles = item["roles"]
            project = cls(
                kind=kind, kind_reason=kind_reason, published=published,
                packages=tuple(Package(*_texts(row, 3)) for row in item["packages"]),
                modules=_mapping(item["modules"], _text_map),
                roles={path: table[i] for path, i in roles.items() if type(i) is int and i >= 0},
                imported=_mapping(item["imported"], _text_map),
                local_imports=_mapping(item["local_imports"], _import_map),
                first_party=frozenset(_texts(item["first_party"], len(item["first_party"]))),
                io_helpers={path: _text_map(helpers) for path, helpers in item["io_helpers"].items()},
                linked=_mapping(item["linked"], _text_map), rendered=_text_map(item["rendered"]),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        if len(project.roles) != len(roles) or not all(type(s) is str for s in (kind, kind_reason, published)) \
                or not all(type(p) is str for p in (*roles, *project.io_helpers)):
            return None
        if type(item.get("fingerprint")) is str:
            project.__dict__["fingerprint"] = item["fingerprint"]  # the cached property, as the build computed it
        return project


#: The model's mappings that a saved model may hand over undecoded (see `Deferred`): the largest ones, which the
#: per-file rules never read.
DEFERRABLE = ("modules", "imported", "local_imports", "linked")


class Deferred(abc.Mapping):
    """A mapping of a saved model, decoded and checked on first use: `load()` gives what `to_json` wrote.

    Most runs that load a saved model never look at these (the flake8 and pylint plugins, a warm run whose
    repository rules come from the cache), and decoding them was most of loading the model (NVIDIA NeMo: 1 MB of
    the 1.5 MB saved). The cache's MAC already vouches for the bytes; a value that fails the check anyway is
    taken as empty. Pickled as the plain dict it stands for."""

    __slots__ = ("_load", "_check", "_value")

    def __init__(self, load: Callable[[], Any], check: Callable[[Any], dict[str, Any]]) -> None:
        self._load, self._check = load, check
        self._value: dict[str, Any] | None = None

    @property
    def _decoded(self) -> dict[str, Any]:
        if self._value is None:
            try:
                self._value = self._check(self._load())
            except (TypeError, ValueError, AttributeError, EOFError):
                self._value = {}
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._decoded[key]

    def __contains__(self, key: object) -> bool:
        return key in self._decoded

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded)

    def __len__(self) -> int:
        return len(self._decoded)

    def get(self, key: str, default: Any = None) -> Any:
        return self._decoded.get(key, default)

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return dict, (self._decoded,)


def _mapping(item: Any, check: Callable[[Any], dict[str, Any]]) -> Mapping[str, Any]:
    """A mapping `to_json` wrote, checked now, or left to check on first use when handed over as a loader."""
    return Deferred(item, check) if callable(item) else check(item)


def _import_map(item: Any) -> dict[str, tuple[str, ...]]:
    if type(item) is not dict or not all(type(path) is str for path in item):
        raise ValueError("not a mapping of paths")
    return {path: tuple(_texts(targets, len(targets) if type(targets) is list else -1))
            for path, targets in item.items()}


def _texts(row: Any, count: int) -> list[str]:
    """`row`, a list of `count` strings (else a ValueError)."""
    if type(row) is not list or len(row) != count or not all(type(s) is str for s in row):
        raise ValueError("not a list of strings")
    return row


def _text_map(item: Any) -> dict[str, str]:
    """`item`, a mapping of strings to strings (else a ValueError)."""
    if type(item) is not dict or not all(type(k) is str and type(v) is str for k, v in item.items()):
        raise ValueError("not a mapping of strings")
    return item


# The prescan of a Python file.

_MAIN_GUARD = lazy(r"if\s+(?:__name__\s*==\s*['\"]__main__['\"]|['\"]__main__['\"]\s*==\s*__name__)\s*:")
_JINJA = lazy(r"\{[{%]")
_JINJA_NAMED = lazy(r"\{\{-?\s*(?:cookiecutter|copier)\b")
#: A Jinja statement tag; `{{...}}` in a comment is as often wiki or Mustache markup (`# {{convert|7600|lb|kg}}`).
_JINJA_TAG = lazy(r"\{%-?\s*(?:if|elif|else|endif|for|endfor|set|block|endblock|macro|raw|include|import|extends)\b")
_HANDLER = lazy(r"^(?:async[ \t]+)?def[ \t]+\w+\([ \t]*(?:event|req|request)[ \t]*,[ \t]*context\b", re.M)
_EXEC_FILE = lazy(r"exec\(open\(\s*['\"]([\w./-]+\.py)['\"]")
_TESTS = lazy(r"^[ \t]*(?:async[ \t]+)?def[ \t]+test|^class[ \t]+Test|unittest|pytest", re.M)
_GENERATED = ("generated by the protocol buffer compiler", "do not edit", "@generated", "autogenerated",
              "auto-generated", "generated by django")
#: Module imported -> (text that must appear, framework) for command-line use.
_CLI_MARKERS = (
    ("argparse", ("parse_args(", "parse_known_args("), "argparse"),
    ("sys", ("sys.argv", "argv["), "sys.argv"),
    ("click", ("@click.", ".command(", ".group("), "click"),
    ("typer", ("typer.Typer(", "typer.run(", "Typer("), "typer"),
    ("fire", ("fire.Fire(", "Fire("), "fire"),
    ("hydra", ("@hydra.main", "hydra.main("), "hydra"),
    ("docopt", ("docopt(",), "docopt"),
    ("tyro", ("tyro.cli(",), "tyro"),
    ("jsonargparse", ("CLI(", "ArgumentParser("), "jsonargparse"),
    ("absl", ("app.run(",), "absl"),
    ("transformers", ("HfArgumentParser",), "argparse"),
)
#: Module imported -> (text that must appear, framework) for app definitions.
_APP_MARKERS = (
    ("streamlit", ("",), "streamlit"),
    ("fastapi", ("FastAPI(",), "fastapi"),
    ("flask", ("Flask(",), "flask"),
    ("starlette", ("Starlette(",), "starlette"),
    ("django", ("get_wsgi_application(", "get_asgi_application("), "django"),
    ("gradio", ("gr.Interface(", "gr.Blocks(", "gr.ChatInterface(", ".launch(", "Interface(", "Blocks("), "gradio"),
    ("ray", ("serve.deployment", "@serve."), "ray-serve"),
    ("bentoml", ("bentoml.Service(", "@bentoml.service", "bentoml.service("), "bentoml"),
    ("modal", ("modal.App(", "modal.Stub(", "App(", "Stub("), "modal"),
    ("mangum", ("Mangum(",), "lambda"),
    ("functions_framework", ("@functions_framework.",), "cloud-functions"),
    ("azure", ("FunctionApp(",), "azure-functions"),
    ("dash", ("Dash(",), "dash"),
    ("panel", (".servable(", "pn.serve("), "panel"),
    ("chainlit", ("@cl.",), "chainlit"),
)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _in_triple_string(text: str, pos: int) -> bool:
    """Whether `pos` lies inside a triple-quoted string, by counting the triple quotes before it (approximate:
    enough to tell a Jinja template from an HTML template held in a Python string)."""
    return text.count('"""', 0, pos) % 2 == 1 or text.count("'''", 0, pos) % 2 == 1


def _is_dotted(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def scan_python(text: str, loose: bool = False, test_like: bool = False) -> PythonFacts:
    """The prescan of one Python file's text. `loose` (a file outside every package) also looks for code at its
    top level (`top_code`), `test_like` (a file named or placed like a test) for tests it defines; I/O functions
    are looked for separately (`io_functions_of`), only when needed."""
    imports = tuple((i.level, i.module, i.names) for i in scan_imports(text))
    roots = {module.split(".")[0] for level, module, _ in imports if level == 0 and module}
    cli = next(
        (framework for module, needles, framework in _CLI_MARKERS
         if module in roots and any(needle in text for needle in needles)), "",
    )
    app = next(
        (framework for module, needles, framework in _APP_MARKERS
         if module in roots and any(needle in text for needle in needles)), "",
    )
    if not app and "context" in text and _HANDLER.search(text):
        app = "lambda"
    guard = 0
    at = text.find("__main__")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        if _MAIN_GUARD.match(text, start):
            guard = _line_of(text, start)
            break
        at = text.find("__main__", at + 8)
    execs = tuple(f"exec {m.group(1)}" for m in _EXEC_FILE.finditer(text)) if "exec(open(" in text else ()
    return PythonFacts(
        shebang=text.startswith("#!"),
        commands=execs,
        main_guard=guard,
        cli=cli,
        app=app,
        jinja=jinja_line(text),
        generated=_generated(text[:600].lower()),
        imports=imports,
        top_code=top_code_line(text) if loose else -1,
        tests=test_like and _TESTS.search(text) is not None,
    )


def _generated(head: str) -> bool:
    return any(marker in head for marker in _GENERATED)


def jinja_line(text: str) -> int:
    """The first line with Jinja syntax outside Python strings (`{% if %}`, `{{ cookiecutter.x }}`), or 0."""
    for match in _JINJA.finditer(text):
        pos = match.start()
        named = _JINJA_NAMED.match(text, pos) is not None
        if _in_triple_string(text, pos) and not named:
            continue
        start = text.rfind("\n", 0, pos) + 1
        before = text[start:pos]
        if named or not _unclosed_quote(before) and (not _comment_starts(before) or _JINJA_TAG.match(text, pos)):
            return _line_of(text, pos)  # in a comment only a tag counts (`# {% if x %}`, as template hooks do)
    return 0


def _unclosed_quote(before: str) -> bool:
    """Whether a one-line string is open at the end of `before` (a line's text up to a point)."""
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1


def _comment_starts(before: str) -> bool:
    """Whether a `#` outside strings starts a comment in `before` (`re.sub(...)  # {{convert|7|lb}}`)."""
    at = before.find("#")
    while at >= 0:
        if not _unclosed_quote(before[:at]):
            return True
        at = before.find("#", at + 1)
    return False


#: Top-level lines that are not code that runs (besides blank lines, comments and indented lines).
_INERT_STARTS = (
    "def ", "async def ", "class ", "@", "import ", "from ", '"', "'", ")", "]", "}", "if TYPE_CHECKING",
    "if typing.TYPE_CHECKING", "try:", "except", "else:", "elif ", "finally:", "__all__", "__version__", "__author__",
    "if sys.version_info", "pass", "r'", 'r"', "b'", 'b"', "u'", 'u"', "f'", 'f"',
)
_CONSTANT = lazy(r"[A-Za-z_][\w.]*(?:\s*:\s*[^=]+)?\s*=\s*(?:[-+]?[\d.]|['\"\[{(]|True\b|False\b|None\b|[rbuf]['\"]|\w[\w.]*\[|\w[\w.]*\s*$)")


def top_code_line(text: str) -> int:
    """The first top-level line that runs code (a call, a loop, an assignment from a call...), skipping imports,
    definitions, docstrings, constants and `if __name__ == "__main__":` blocks, or 0. Text-level and generous:
    a multi-line expression's continuation at column 0 counts as code."""
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is None and line[:1] not in ("", " ", "\t", "#") and not line.startswith(_INERT_STARTS):
            if not _CONSTANT.match(line) and not _MAIN_GUARD.match(line):
                return number
        for quote in ('"""', "'''"):  # a triple-quoted string that opens or closes on this line
            if (in_string is None or in_string == quote) and line.count(quote) % 2 == 1:
                in_string = None if in_string == quote else quote
    return 0


_IO_CALL = lazy(
    r"(?<![\w.])(open|urlopen|urlretrieve|read_csv|read_parquet|read_json|read_excel|read_sql\w*|read_table|"
    r"read_pickle|read_feather|read_hdf|load_dataset|loadtxt|genfromtxt|listdir|glob)\(|"
    r"\.(download\w*|get_object|upload\w*|connect|execute|load|read_\w+|urlopen|read|from_pretrained)\(|"
    r"(?<![\w.])(requests|httpx|boto3|subprocess)\.\w+"
)
_FUNCTION_END = lazy(r"\n(?=[^\s#)\]}])")


def io_functions_of(text: str) -> tuple[tuple[str, str], ...]:
    """Top-level functions whose body calls something that reads or writes files, the network or a database:
    (name, the call), text-level."""
    found = []
    pos = 0
    while True:
        at = text.find("def ", pos)
        if at < 0:
            break
        pos = at + 4
        if at and text[at - 1] != "\n" and not text[max(0, at - 6):at].endswith("\nasync "):
            continue
        paren = text.find("(", at)
        name = text[at + 4:paren].strip()
        if paren < 0 or not name.isidentifier():
            continue
        end_match = _FUNCTION_END.search(text, paren)
        end = end_match.start() if end_match else len(text)
        call = _IO_CALL.search(text, paren, end)
        if call is not None:
            start = call.start()
            while start > paren and (text[start - 1].isalnum() or text[start - 1] in "_."):
                start -= 1  # the whole dotted name: `pd.read_csv`, not `.read_csv`
            found.append((name, text[start:call.end()].rstrip("(")))
        pos = end
    return tuple(found)


_NOTEBOOK_IMPORT = lazy(
    r'(?:"|\\n)[ \t]*(?:from[ \t]+(\.*)([\w.]+)[ \t]+import[ \t]+([\w, \t]+)|import[ \t]+([\w., \t]+))'
)
_NOTEBOOK_COMMAND = lazy(r'(?:"|\\n)[ \t]*(?:!|%run\b|%%bash\\n|%%sh\\n)([^"\\]*)')


def scan_notebook(text: str) -> PythonFacts:
    """The imports and shell commands of a notebook, from its raw JSON text (never decoded as JSON here)."""
    imports: list[tuple[int, str, tuple[str, ...]]] = []
    for match in _NOTEBOOK_IMPORT.finditer(text):
        if match.group(4) is not None:
            imports.extend((0, part.split(" as ")[0].strip(), ()) for part in match.group(4).split(",")
                           if _is_dotted(part.split(" as ")[0].strip()))
        elif _is_dotted(match.group(2)):
            names = tuple(n.split(" as ")[0].strip() for n in match.group(3).split(","))
            imports.append((len(match.group(1)), match.group(2), tuple(n for n in names if n.isidentifier())))
    commands = tuple(
        ("python " if match.group(0).lstrip('"\\n \t').startswith("%run") else "") + match.group(1).strip()
        for match in _NOTEBOOK_COMMAND.finditer(text)
    )
    return PythonFacts(imports=tuple(imports), commands=tuple(c for c in commands if c))


# Where the prescan's facts come from: a fresh read, or what the cache kept.


class FactSource:
    """The prescan facts of each Python file and notebook: `known(path)` is what a cache kept (None: unknown); a
    file is read (through `reader`) only when unknown. `used` holds the facts of every file asked for, and `read`
    the files whose facts were not known: what a build of the model depended on, and what it learnt."""

    def __init__(self, reader: RepoView, known: Callable[[str], PythonFacts | None] = lambda path: None) -> None:
        self.reader = reader
        self.known = known
        self.used: dict[str, PythonFacts] = {}
        self.read: set[str] = set()

    def get(self, path: str, loose: bool = False) -> PythonFacts:
        """The file's facts (with `top_code` when `loose`)."""
        facts = self.used.get(path) or self.known(path)
        if facts is None or (loose and facts.top_code < 0):
            facts = self._scan(path, loose)
            self.read.add(path)
        self.used[path] = facts
        return facts

    def io_functions(self, path: str) -> tuple[tuple[str, str], ...]:
        """The file's top-level functions that do I/O (looked for on first need, then kept with the facts)."""
        facts = self.get(path, loose=True)
        if facts.io_functions is None:
            facts = PythonFacts(**{**facts.__dict__, "io_functions": io_functions_of(self._text(path))})
            self.read.add(path)
            self.used[path] = facts
        return facts.io_functions or ()

    def rescan(self, path: str, loose: bool, io_functions: bool) -> PythonFacts:
        """The file's facts now, looked for as far as its saved facts were (`top_code` when `loose`, and
        `io_functions`): equal to them when nothing the model decides by changed in the file."""
        facts = self._scan(path, loose)
        if io_functions:
            facts = PythonFacts(**{**facts.__dict__, "io_functions": io_functions_of(self._text(path))})
        return facts

    def _scan(self, path: str, loose: bool) -> PythonFacts:
        text = self._text(path)
        return scan_notebook(text) if path.endswith(".ipynb") else scan_python(text, loose, is_test_path(path))

    def _text(self, path: str) -> str:
        return self.reader.read_text(path, NOTEBOOK_LIMIT if path.endswith(".ipynb") else PYTHON_LIMIT) or ""


# Packaging declarations, read as text.


@dataclass
class _Declared:
    """What the packaging files declare: import roots (`src`), package and module names, console scripts."""

    name: str = ""
    source: str = ""  # the file that declared the distribution
    roots: set[str] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)
    py_modules: set[str] = field(default_factory=set)
    scripts: list[tuple[str, str, str]] = field(default_factory=list)  # (script name, module, declaring file)


_QUOTED = lazy(r"""['"]([^'"\n]+)['"]""")
_SETUP_NAME = lazy(r"""\bname\s*=\s*['"]([\w.-]+)['"]""")
_SETUP_PACKAGE_DIR = lazy(r"""package_dir\s*=\s*\{\s*['"]['"]\s*:\s*['"]([\w./-]+)['"]""")
_SETUP_FIND = lazy(r"""find_(?:namespace_)?packages\(\s*(?:where\s*=\s*)?['"]([\w./-]+)['"]""")
_SETUP_LIST = lazy(r"""\b(packages|py_modules)\s*=\s*\[([^\]]*)\]""")
_ENTRY_POINT = lazy(r"""['"]?([\w.-]+)['"]?\s*=\s*['"]?([A-Za-z_][\w.]*)\s*:\s*[\w.]+""")


def _declared(repo: RepoView) -> _Declared:
    from mlrepolint.config import tomllib

    declared = _Declared()
    text = repo.read_text("pyproject.toml", SMALL_LIMIT) if repo.by_path("pyproject.toml") else None
    if text:
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            data = {}
        _from_pyproject(declared, data)
    text = repo.read_text("setup.cfg", SMALL_LIMIT) if repo.by_path("setup.cfg") else None
    if text:
        _from_setup_cfg(declared, text)
    text = repo.read_text("setup.py", SMALL_LIMIT) if repo.by_path("setup.py") else None
    if text:
        _from_setup_py(declared, text)
    return declared


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _from_pyproject(declared: _Declared, data: Any) -> None:
    if not isinstance(data, dict):
        return
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    name = project.get("name") or poetry.get("name")
    if isinstance(name, str) and not declared.name:
        declared.name, declared.source = name, "pyproject.toml"
    for table_name, table in (("[project.scripts]", project.get("scripts")), ("[project.gui-scripts]",
                              project.get("gui-scripts")), ("[tool.poetry.scripts]", poetry.get("scripts"))):
        if isinstance(table, dict):
            for script, target in table.items():
                if isinstance(target, str) and ":" in target:
                    declared.scripts.append((script, target.split(":")[0].strip(), f"pyproject.toml {table_name}"))
    setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
    package_dir = setuptools.get("package-dir")
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        declared.roots.add(package_dir[""])
    packages = setuptools.get("packages")
    if isinstance(packages, dict) and isinstance(packages.get("find"), dict):
        declared.roots.update(_strings(packages["find"].get("where")))
    declared.packages.update(_strings(packages))
    declared.py_modules.update(_strings(setuptools.get("py-modules")))
    for item in poetry.get("packages", []) if isinstance(poetry.get("packages"), list) else []:
        if isinstance(item, dict) and isinstance(item.get("include"), str):
            root = item.get("from") if isinstance(item.get("from"), str) else ""
            declared.packages.add(item["include"].replace("/", "."))
            if root:
                declared.roots.add(root)
    hatch = tool.get("hatch") if isinstance(tool.get("hatch"), dict) else {}
    wheel = hatch.get("build", {}).get("targets", {}).get("wheel", {}) if isinstance(hatch.get("build"), dict) else {}
    for path in _strings(wheel.get("packages") if isinstance(wheel, dict) else None):
        root, _, package = path.rstrip("/").rpartition("/")
        declared.packages.add(package)
        if root:
            declared.roots.add(root)


def _from_setup_cfg(declared: _Declared, text: str) -> None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    if parser.has_option("metadata", "name") and not declared.name:
        declared.name, declared.source = parser.get("metadata", "name").strip(), "setup.cfg"
    options = parser["options"] if parser.has_section("options") else {}
    for line in str(options.get("package_dir", "")).splitlines():
        key, _, value = line.partition("=")
        if not key.strip() and value.strip():
            declared.roots.add(value.strip())
    packages = str(options.get("packages", ""))
    if "find:" in packages or "find_namespace:" in packages:
        if parser.has_option("options.packages.find", "where"):
            declared.roots.add(parser.get("options.packages.find", "where").strip())
    else:
        declared.packages.update(p.strip() for p in re.split(r"[\s,]+", packages) if p.strip())
    declared.py_modules.update(p.strip() for p in re.split(r"[\s,]+", str(options.get("py_modules", ""))) if p.strip())
    if parser.has_option("options.entry_points", "console_scripts"):
        for match in _ENTRY_POINT.finditer(parser.get("options.entry_points", "console_scripts")):
            declared.scripts.append((match.group(1), match.group(2), "setup.cfg console_scripts"))


def _from_setup_py(declared: _Declared, text: str) -> None:
    name = _SETUP_NAME.search(text)
    if name and not declared.name:
        declared.name, declared.source = name.group(1), "setup.py"
    declared.roots.update(m.group(1) for m in _SETUP_PACKAGE_DIR.finditer(text))
    declared.roots.update(m.group(1) for m in _SETUP_FIND.finditer(text))
    for match in _SETUP_LIST.finditer(text):
        names = {quoted for quoted in _QUOTED.findall(match.group(2))}
        (declared.packages if match.group(1) == "packages" else declared.py_modules).update(names)
    scripts = text.find("console_scripts")
    if scripts >= 0:
        block = text[scripts: text.find("]", scripts) + 1 or len(text)]
        for quoted in _QUOTED.findall(block):
            match = _ENTRY_POINT.match(quoted.strip())
            if match:
                declared.scripts.append((match.group(1), match.group(2), "setup.py console_scripts"))


# Commands that run files: where a Python file is named as something to run.

_RUNNER = lazy(
    r"(?<![\w/.-])(?:python[\d.]*|pypy3?|torchrun|deepspeed|accelerate\s+launch|uv\s+run(?:\s+python[\d.]*)?|"
    r"poetry\s+run\s+python[\d.]*|pipenv\s+run\s+python[\d.]*|(streamlit)\s+run|(gradio)|(panel)\s+serve|"
    r"(chainlit)\s+run|(solara)\s+run|%run)"
    r"(?:\s+-[-\w.]+(?:[= ](?![-\s])[^\s;&|'\"\]]*)?)*"
    r"\s+['\"]?(?:-m\s+([A-Za-z_][\w.]*)|((?:\.{0,2}/)?[\w./{}-]*[\w}]\.py)\b)"
)
_SERVER = lazy(
    r"(?<![\w/.-])(uvicorn|gunicorn|hypercorn|daphne|waitress-serve|fastapi\s+(?:run|dev)|flask\s+(?:--app|-A)|"
    r"serve\s+run|bentoml\s+serve|modal\s+(?:serve|deploy|run))"
    r"(?:\s+-[-\w.]+(?:[= ](?![-\s])[^\s;&|'\"\]]*)?)*"
    r"\s+['\"]?((?:\.{0,2}/)?[\w./-]+\.py|[A-Za-z_][\w.]*(?=:|\b))"
)
_IMPORT_PATH = lazy(r"import_path\s*:\s*['\"]?([A-Za-z_][\w.]*):\w+")
_FLASK_APP = lazy(r"FLASK_APP\s*[=:]\s*['\"]?([\w./-]+)")
_HANDLER_SETTING = lazy(r"(?im)^\s*-?\s*handler\s*:\s*['\"]?([\w./-]+)\.\w+['\"]?\s*$")
_LAMBDA_CMD = lazy(r"(?im)^\s*CMD\s*\[\s*['\"]([\w./-]+)\.(\w+)['\"]\s*\]")
_DOCKER_RUN = lazy(r"(?i)\s*(?:CMD|ENTRYPOINT|RUN)\b")
_FENCE = lazy(r"^\s*(```|~~~)")
_INLINE_CODE = lazy(r"`([^`\n]+)`")
_CI_FILES = (".gitlab-ci.yml", "azure-pipelines.yml", "Jenkinsfile", "tox.ini", ".pre-commit-config.yaml",
             "bitbucket-pipelines.yml", "cloudbuild.yaml", "cloudbuild.yml", "app.yaml", "Procfile", "MLproject",
             "dvc.yaml", "serverless.yml", "serverless.yaml", "template.yaml", "template.yml", "Taskfile.yml",
             "justfile", "Justfile", "modal.toml", "fly.toml", "railway.json", "render.yaml", "netlify.toml")


@dataclass(frozen=True)
class _Target:
    """A file named as something to run: by which file, with which command, and how (a script, an app)."""

    target: str  # a path (`src/train.py`) or a dotted module (`app.main`)
    dotted: bool
    where: str  # the file that names it
    command: str
    app: str = ""  # framework when it is served (uvicorn, streamlit...), else ""
    #: `.py` files given to the script after its name (`python train.py config/train_small.py`): Python runs only
    #: the first file of a command, so the others are the script's input, read by it (nanoGPT's config files).
    arguments: tuple[str, ...] = ()


def _command_sources(repo: RepoView, markdown: Mapping[str, str]) -> Iterator[tuple[str, str, bool]]:
    """(path, text, lambda image) of every file whose text can name what to run, Markdown as its code only."""
    for f in repo.files:
        name = f.name
        lower = name.lower()
        if (lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile")
                or lower == "containerfile"):
            text = repo.read_text(f.path, SMALL_LIMIT) or ""
            commands = "\n".join(line for line in _joined_lines(text).splitlines() if _DOCKER_RUN.match(line))
            yield f.path, commands, bool(re.search(r"(?im)^\s*FROM\s+\S*lambda", text))
        elif (name in _CI_FILES or lower in ("makefile", "gnumakefile") or lower.endswith((".mk", ".sh", ".bash"))
              or (f.path.startswith((".github/workflows/", ".circleci/")) and lower.endswith((".yml", ".yaml")))
              or re.match(r"(docker-)?compose[\w.-]*\.ya?ml$", lower)):
            yield f.path, _joined_lines(repo.read_text(f.path, SMALL_LIMIT) or ""), False
    for path, text in markdown.items():
        yield path, _code_of(path, text), False


def _joined_lines(text: str) -> str:
    """The text with backslash-continued lines joined (Dockerfile, shell, Makefile)."""
    return re.sub(r"\\\r?\n", " ", text)


def _code_of(path: str, text: str) -> str:
    """The code of a Markdown file (fenced blocks and inline code spans); all of an RST or HTML file."""
    if not path.lower().endswith((".md", ".markdown")):
        return text
    code: list[str] = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t", "$ ")):
            code.append(line)
        else:
            code.extend(_INLINE_CODE.findall(line))
    return "\n".join(code)


def _recorded_targets(repo: RepoView, path: str, text: str, is_lambda: bool) -> list[_Target]:
    """`_targets_in` of one file's text, recorded per file (the file's share of the build, see `RepoView.per_file`):
    the regular expressions over every Markdown, CI and container file cost more than a warm run's other work."""
    def compute() -> list[list[Any]]:
        return [[*_fields_of(t)[:-1], list(t.arguments)] for t in _targets_in(path, text, is_lambda)]

    rows = repo.per_file(f"run-targets:{int(is_lambda)}", path, compute, _target_rows)
    return [_Target(target, dotted, where, command, app, tuple(arguments))
            for target, dotted, where, command, app, arguments in rows]


def _fields_of(target: _Target) -> tuple[Any, ...]:
    """A target's fields, in order (not deep-copied as `dataclasses.astuple` does)."""
    return (target.target, target.dotted, target.where, target.command, target.app, target.arguments)


def _target_rows(rows: Any) -> bool:
    return type(rows) is list and all(
        type(row) is list and len(row) == 6 and type(row[1]) is bool
        and all(type(v) is str for v in (row[0], row[2], row[3], row[4]))
        and type(row[5]) is list and all(type(v) is str for v in row[5])
        for row in rows
    )


def _targets_in(path: str, text: str, is_lambda: bool) -> Iterator[_Target]:
    """Every Python file or module the text runs or serves."""
    for match in _RUNNER.finditer(text):
        app = next((g for g in match.groups()[:5] if g), "")
        module, script = match.group(6), match.group(7)
        command = _excerpt(text, match)
        if module:
            yield _Target(module, True, path, command, app)
        elif script:
            end = re.search(r"[;&|\n]|$", text[match.end():])
            rest = text[match.end(): match.end() + end.start()] if end else ""
            arguments = tuple(word.strip("'\"") for word in rest.split() if word.strip("'\"").endswith(".py"))
            yield _Target(script, False, path, command, app, arguments if not app else ())
    for match in _SERVER.finditer(text):
        server, target = match.group(1), match.group(2)
        framework = server.split()[0]
        if target.endswith(".py"):
            yield _Target(target, False, path, _excerpt(text, match), framework)
        elif not target.startswith("-"):
            yield _Target(target, True, path, _excerpt(text, match), framework)
    for match in _IMPORT_PATH.finditer(text):  # a Ray Serve / Anyscale service config
        yield _Target(match.group(1), True, path, match.group(0).strip(), "serve")
    for match in _FLASK_APP.finditer(text):
        target = match.group(1)
        yield _Target(target, not target.endswith(".py"), path, match.group(0), "flask")
    name = path.rpartition("/")[2].lower()
    if is_lambda or name.startswith(("serverless.", "template.")):
        for match in (_LAMBDA_CMD if is_lambda else _HANDLER_SETTING).finditer(text):
            yield _Target(match.group(1).replace("/", "."), True, path, match.group(0).strip(), "lambda")


def _excerpt(text: str, match: re.Match) -> str:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = " ".join(text[start: end if end >= 0 else len(text)].split())
    line = line.strip("[]").replace('", "', " ").replace('","', " ").strip('"')
    return line if len(line) <= 80 else match.group(0).strip()[:80]


# Markdown links: docs assets and published result tables.

_MD_LINK = lazy(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
_MD_REFERENCE = lazy(r"(?m)^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HTML_LINK = lazy(r"""(?:src|href)\s*=\s*["']([^"'\s]+)["']""", re.I)
_RST_LINK = lazy(r"(?m)^\s*\.\.\s+(?:image|figure|include|literalinclude|csv-table)::\s*(\S+)|`[^`<]*<([^>`]+)>`_")
#: A notebook viewer's link to a notebook of a GitHub repository: nbviewer and Colab (`.../github/ORG/REPO/blob/REF/
#: PATH.ipynb`) and Binder (`...?filepath=PATH.ipynb`, `labpath=`, `urlpath=`).
_RENDERED_NOTEBOOK = lazy(
    r"(?:nbviewer\.(?:jupyter\.)?org|colab\.research\.google\.com)/github/[^/\s]+/[^/\s]+/blob/[^/\s]+/"
    r"([^\s)\]\"'<>#?]+\.ipynb)"
    r"|mybinder\.org/\S*?[?&](?:filepath|labpath|urlpath)=(?:lab/tree/|tree/)?([^\s&)\]\"'<>#]+\.ipynb)"
)
_GITHUB_FILE = lazy(r"https?://(?:github\.com/[^/]+/[^/]+/(?:blob|raw)/[^/]+|raw\.githubusercontent\.com/[^/]+"
                    r"/[^/]+/[^/]+)/(\S+)")


def _links(path: str, text: str, listed: frozenset[str]) -> Iterator[str]:
    """Repository paths a Markdown, RST or HTML file links to (files that exist; folders end with `/`)."""
    folder = path.rpartition("/")[0]
    for pattern in (_MD_LINK, _MD_REFERENCE, _HTML_LINK, _RST_LINK):
        for match in pattern.finditer(text):
            raw = next((g for g in match.groups() if g), "")
            github = _GITHUB_FILE.match(raw)
            if github:
                raw = "/" + github.group(1)
            elif "://" in raw or raw.startswith(("#", "mailto:", "data:")):
                continue
            raw = raw.split("#", 1)[0].split("?", 1)[0]
            if not raw:
                continue
            resolved = _normalise(raw[1:] if raw.startswith("/") else f"{folder}/{raw}" if folder else raw)
            if resolved is not None and (resolved in listed or resolved.endswith("/")):
                yield resolved
    for match in _GITHUB_FILE.finditer(text):  # a raw URL in prose or a code block (`pd.read_csv("https://...")`)
        resolved = _normalise(match.group(1).rstrip(").,'\"`"))
        if resolved is not None and resolved in listed:
            yield resolved


def _normalise(path: str) -> str | None:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) + ("/" if path.endswith("/") else "")


# The build.

_LESSON_FOLDER = lazy(
    r"^(?:\d{1,2}[-_. ]|week[-_ ]?\d|lesson|module[-_ ]?\d|chapter|lecture|day[-_ ]?\d|session[-_ ]?\d|unit[-_ ]?\d|"
    r"cohorts?$|homeworks?$|assignments?$)", re.I,
)
_GALLERY_DIRS = lazy(r"""['"]examples_dirs['"]\s*:\s*(\[[^\]]*\]|['"][^'"]+['"])""")
CONFIG_FILES = {
    "setup.py": "the packaging script", "conf.py": "a Sphinx configuration", "noxfile.py": "nox sessions",
    "fabfile.py": "Fabric tasks", "dodo.py": "doit tasks", "gunicorn.conf.py": "a gunicorn configuration",
    "gunicorn_config.py": "a gunicorn configuration", "ipython_config.py": "an IPython configuration",
    "jupyter_notebook_config.py": "a Jupyter configuration", "jupyter_server_config.py": "a Jupyter configuration",
    "jupyter_lab_config.py": "a Jupyter configuration", "jupyterhub_config.py": "a JupyterHub configuration",
    "hubconf.py": "torch.hub's entry points", "pelicanconf.py": "a Pelican configuration",
    "publishconf.py": "a Pelican configuration", "mkdocs_hooks.py": "MkDocs hooks",
}
APP_NAMES = {
    "fastapi": "a FastAPI app", "flask": "a Flask app", "starlette": "a Starlette app", "django": "a Django app",
    "gradio": "a Gradio app", "streamlit": "a Streamlit page", "ray-serve": "a Ray Serve deployment",
    "bentoml": "a BentoML service", "modal": "a Modal app", "lambda": "an AWS Lambda handler",
    "cloud-functions": "a Google Cloud Functions handler", "azure-functions": "an Azure Functions app",
    "dash": "a Dash app", "panel": "a Panel app", "chainlit": "a Chainlit app",
}
SERVERS = {"uvicorn": "fastapi", "hypercorn": "fastapi", "daphne": "django", "gunicorn": "", "waitress-serve": "",
           "fastapi": "fastapi", "flask": "flask", "serve": "ray-serve", "bentoml": "bentoml", "modal": "modal",
           "streamlit": "streamlit", "gradio": "gradio", "panel": "panel", "chainlit": "chainlit",
           "solara": "solara", "lambda": "lambda"}


def template_folder(path: str) -> str | None:
    """The top-most folder of `path` whose name is Jinja (`{{ cookiecutter.repo_name }}/`), or None."""
    parts = path.split("/")
    for depth, part in enumerate(parts[:-1]):
        if ("{{" in part and "}}" in part) or ("{%" in part and "%}" in part):
            return "/".join(parts[: depth + 1]) + "/"
    return None


@dataclass
class _Build:
    """Working state of one build (discarded afterwards)."""

    repo: RepoView
    facts: FactSource
    python: list[str]
    listed: frozenset[str]
    templates: dict[str, str]  # folder -> reason
    declared: _Declared = field(default_factory=_Declared)
    package_roots: dict[str, str] = field(default_factory=dict)  # top-level package folder -> import root
    packages: dict[str, Package] = field(default_factory=dict)  # folder -> package
    modules: dict[str, str] = field(default_factory=dict)
    top: dict[str, str | None] = field(default_factory=dict)  # Python file -> its top-level package folder
    by_dotted: dict[str, str] = field(default_factory=dict)
    imported: dict[str, str] = field(default_factory=dict)
    local_imports: dict[str, dict[str, None]] = field(default_factory=dict)  # importer -> targets, in order
    io_helpers: dict[str, dict[str, str]] = field(default_factory=dict)
    runs: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (reason, framework)
    serves: dict[str, tuple[str, str]] = field(default_factory=dict)
    gallery: dict[str, str] = field(default_factory=dict)  # folder -> reason
    execs: dict[str | None, str] = field(default_factory=dict)  # file another executes with exec() -> that file
    arguments: dict[str, str] = field(default_factory=dict)  # `.py` file a command passes to a script -> reason
    markdown: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)  # base name -> modules of that name (on first use)


def build_project(repo: RepoView, facts: FactSource | None = None) -> Project:
    """The model of the repository the view lists (its files read through the view, and `facts` for the
    prescan of Python files and notebooks, which reads them unless a cache knows them)."""
    build = _Build(
        repo, facts or FactSource(repo), [f.path for f in repo.files if f.path.endswith(".py")], repo.paths,
        _template_folders(repo),
    )
    build.declared = _declared(repo)
    _find_packages(build)
    _resolve_imports(build)
    build.markdown = {
        f.path: repo.read_text(f.path, SMALL_LIMIT) or "" for f in repo.files
        if path_suffix(f.path) in (".md", ".markdown", ".rst") and template_folder(f.path) is None
    }
    _find_run_targets(build)
    _find_gallery(build)
    roles = {path: _python_role(build, path) for path in build.python}
    links: dict[str, str] = {}
    for path, text in sorted(build.markdown.items()):
        for target in _links(path, text, build.listed):
            links.setdefault(target, path)
    roles.update(_other_roles(build, roles, links))
    rendered: dict[str, str] = {}
    for path, text in sorted(build.markdown.items()):
        for match in _RENDERED_NOTEBOOK.finditer(text):
            target = _normalise(unquote(match.group(1) or match.group(2)))
            if target is not None and target in build.listed:
                rendered.setdefault(target, path)
    kind, kind_reason = _repository_kind(build, roles)
    return Project(
        kind=kind, kind_reason=kind_reason, published=_published_collection(build, kind), rendered=rendered,
        packages=tuple(sorted(build.packages.values(), key=lambda p: p.path)),
        modules=build.modules, roles=roles, imported=build.imported,
        local_imports={importer: tuple(targets) for importer, targets in build.local_imports.items()},
        first_party=first_party_names(f.path for f in repo.files), io_helpers=build.io_helpers, linked=links,
    )


#: Files an `import` statement can load, by suffix (sources, stubs, extensions, notebooks run by import hooks).
IMPORTABLE_SUFFIXES = (".py", ".pyi", ".pyx", ".ipynb", ".so", ".pyd")


def first_party_names(paths: Iterable[str]) -> frozenset[str]:
    """Top-level names the repository's own files can be imported as: every importable file's stem and every
    folder that holds one, at any depth (a script's folder is on `sys.path` when it runs, pytest puts a test's
    folder there, and a folder without `__init__.py` is a namespace package). Generous on purpose: a
    third-party name shadowed by a local folder is left unreported rather than reported wrongly."""
    names: set[str] = set()
    for path in paths:
        if path.endswith(IMPORTABLE_SUFFIXES):
            parts = path.split("/")
            names.add(parts[-1].split(".", 1)[0])
            names.update(parts[:-1])
    return frozenset(names)


def _template_folders(repo: RepoView) -> dict[str, str]:
    folders: dict[str, str] = {}
    marker = next((name for name in ("cookiecutter.json", "copier.yml", "copier.yaml") if repo.by_path(name)), "")
    for f in repo.files:
        folder = template_folder(f.path)
        if folder is not None and folder not in folders:
            what = f"next to {marker}" if marker else "its name is Jinja"
            folders[folder] = f"inside the template folder `{folder}` ({what})"
    if marker.startswith("copier"):
        text = repo.read_text(marker, SMALL_LIMIT) or ""
        sub = re.search(r"(?m)^_subdirectory\s*:\s*['\"]?([\w./-]+)", text)
        if sub:
            folder = sub.group(1).strip("/") + "/"
            folders.setdefault(folder, f"inside the copier template folder `{folder}` ({marker} `_subdirectory`)")
    return folders


def _in_template(build: _Build, path: str) -> str | None:
    return next((reason for folder, reason in build.templates.items() if path.startswith(folder)), None)


def _find_packages(build: _Build) -> None:
    """Packages (folders with `__init__.py`, and declared ones), then each Python file's dotted name."""
    python = [p for p in build.python if _in_template(build, p) is None]
    inits = {p[: -len("__init__.py")] for p in python if p.endswith("/__init__.py")}
    for folder in sorted(inits):
        parent = folder[:-1].rpartition("/")[0]
        if (parent + "/" if parent else "") in inits:
            continue
        root = parent + "/" if parent else ""
        build.package_roots[folder] = root
    declared = build.declared
    roots = [r.strip("/") + "/" if r.strip("/") not in ("", ".") else "" for r in declared.roots] or [""]
    has_python = {p.rpartition("/")[0] + "/" for p in python}
    for name in sorted(declared.packages):
        for root in roots:
            folder = root + name.replace(".", "/") + "/"
            if any(f.startswith(folder) for f in has_python) and not any(
                folder.startswith(top) for top in build.package_roots
            ):
                build.package_roots[folder] = root
    source = declared.source or "the packaging files"
    for folder, root in build.package_roots.items():
        dotted = folder[len(root):-1].replace("/", ".")
        if folder in inits:
            how = f"has {folder}__init__.py" + (f"; `{root}` is its import root" if root else "")
        else:
            how = f"declared by {source}, no __init__.py (a namespace package)"
        build.packages[folder] = Package(dotted, folder, how)
    for folder in sorted(inits):
        top = _top_package(build, folder + "__init__.py")
        if top is not None and folder not in build.packages:
            root = build.package_roots[top]
            build.packages[folder] = Package(folder[len(root):-1].replace("/", "."), folder,
                                             f"has {folder}__init__.py, inside package `{build.packages[top].name}`")
    for path in python:
        top = build.top[path] = _top_package(build, path)
        if top is not None:
            dotted = path[len(build.package_roots[top]):-3].replace("/", ".")
            dotted = dotted[: -len(".__init__")] if dotted.endswith(".__init__") else dotted
        else:
            dotted = path.rpartition("/")[2][:-3]
            if dotted == "__init__":
                dotted = path.rpartition("/")[0].rpartition("/")[2]
        build.modules[path] = dotted
        if top is not None:
            build.by_dotted.setdefault(dotted, path)


def _top_package(build: _Build, path: str) -> str | None:
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth]) + "/"
        if folder in build.package_roots:
            return folder
    return None


def _resolve_imports(build: _Build) -> None:
    """Which repository modules each Python file and notebook imports; the I/O helpers Python files import from
    loose modules (`from utils import load_data`)."""
    loose = {p for p, top in build.top.items() if top is None}
    importers = list(build.top)
    importers += [f.path for f in build.repo.files if f.path.endswith(".ipynb") and _in_template(build, f.path) is None]
    roots = tuple(r.strip("/") + "/" for r in build.declared.roots if r.strip("/") not in ("", "."))
    #: The first name of every import a loose file or folder can satisfy: other imports need no look-up.
    local = {p.rpartition("/")[2][:-3] for p in loose} | {p.split("/")[-2] for p in loose if "/" in p}
    local |= {part for p in loose for part in p.split("/")[:-1]}
    bases_of: dict[str, tuple[str, ...]] = {}
    for importer in importers:
        facts = build.facts.get(importer, loose=importer in loose and not is_test_path(importer))
        if not facts.imports:
            continue
        folder = importer.rpartition("/")[0]
        bases = bases_of.get(folder)
        if bases is None:
            bases = bases_of[folder] = _bases(folder) + roots
        for level, module, names in facts.imports:
            if not level and module.partition(".")[0] not in local and module.partition(".")[0] not in build.by_dotted:
                continue
            for target, loose_names, named in _import_targets(build, importer, level, module, names, loose, bases):
                if target != importer:
                    build.imported.setdefault(target, importer)
                    if named and importer.endswith(".py"):
                        build.local_imports.setdefault(importer, {})[target] = None
                if loose_names is not None and importer.endswith(".py"):
                    _note_helpers(build, importer, target, module, loose_names)


def _bases(folder: str) -> tuple[str, ...]:
    """The folder of an importing file and every folder above it, each with a trailing slash (root: `""`)."""
    bases = []
    while folder:
        bases.append(folder + "/")
        folder = folder.rpartition("/")[0]
    bases.append("")
    return tuple(bases)


def _import_targets(
    build: _Build, importer: str, level: int, module: str, names: tuple[str, ...], loose: set[str],
    bases: tuple[str, ...],
) -> Iterator[tuple[str, tuple[str, ...] | None, bool]]:
    """(repository file, names imported from it when it is a loose module, whether the statement names it) for
    one import statement: `from a.b import c` names `a/b.py` (and `a/b/c.py` when it is a module) and loads
    `a/__init__.py` on the way."""
    by_dotted, modules = build.by_dotted, build.modules
    if level:
        if build.top.get(importer) is None:
            return
        dotted = modules[importer]
        base = dotted.split(".") if importer.endswith("__init__.py") else dotted.split(".")[:-1]
        base = base[: len(base) - (level - 1)] if level > 1 else base
        target = ".".join(base + ([module] if module else []))
        for name in (target, *(f"{target}.{n}" for n in names)):
            if name in by_dotted:
                yield by_dotted[name], None, True
        return
    first, dot, _ = module.partition(".")
    if first in by_dotted:
        if dot:
            prefix = ""
            for part in module.split("."):
                prefix = f"{prefix}.{part}" if prefix else part
                found = by_dotted.get(prefix)
                if found:
                    yield found, None, prefix == module
        else:
            yield by_dotted[first], None, True
        for name in names:
            found = by_dotted.get(f"{module}.{name}")
            if found:
                yield found, None, True
        return
    relative = module.replace(".", "/")
    for base in bases:
        for candidate in (f"{base}{relative}.py", f"{base}{relative}/__init__.py"):
            if candidate in modules:
                yield candidate, (names if candidate in loose else None), True
                for name in names:
                    sub = f"{base}{relative}/{name}.py"
                    if sub in modules:
                        yield sub, None, True
                if dot and f"{base}{first}/" not in build.packages and candidate in loose:
                    folder = f"{base}{first}/"
                    build.packages.setdefault(folder, Package(
                        first, folder, f"imported as `{module}` by {importer} (a namespace package: no __init__.py)"
                    ))
                return


def _note_helpers(build: _Build, importer: str, target: str, module: str, names: tuple[str, ...]) -> None:
    io = dict(build.facts.io_functions(target))
    if not io:
        return
    helpers = build.io_helpers.setdefault(importer, {})
    for name in names or tuple(f"{module}.{function}" for function in io):
        function = name.rpartition(".")[2]
        if function in io:
            helpers[name] = f"`{io[function]}(...)` in {target}"


def _find_run_targets(build: _Build) -> None:
    """Python files that something runs (scripts) or serves (apps), with the file and command that say so."""
    sources = list(_command_sources(build.repo, build.markdown))
    for f in build.repo.files:
        if path_suffix(f.path) == ".ipynb" and _in_template(build, f.path) is None:
            commands = build.facts.get(f.path).commands
            if commands:
                sources.append((f.path, "\n".join(commands), False))
        elif f.path in build.top:
            for command in build.facts.get(f.path).commands:  # `exec(open("configurator.py").read())`
                target = _normalise(f"{f.path.rpartition('/')[0]}/{command[5:]}")
                if target != f.path:
                    build.execs.setdefault(target, f.path)
    targets = [target for path, text, is_lambda in sorted(sources)
               for target in _recorded_targets(build.repo, path, text, is_lambda)]
    targets += [
        _Target(module, True, where, f"{script} = {module}:...", "") for script, module, where in build.declared.scripts
    ]
    for target in targets:
        path = _target_path(build, target)
        if path is None:
            continue
        if target.app:
            framework = SERVERS.get(target.app.split()[0], "")
            verb = "run" if target.app == "streamlit" else "served"
            build.serves.setdefault(path, (f"{verb} by {target.where} (`{target.command}`)", framework))
        elif target.where.endswith(("pyproject.toml", "setup.cfg", "setup.py")) or " " in target.where:
            build.runs.setdefault(path, (f"a console script in {target.where} (`{target.command}`)", "console"))
        else:
            build.runs.setdefault(path, (f"run by {target.where} (`{target.command}`)", ""))
        for argument in target.arguments:
            read = _target_path(build, _Target(argument, False, target.where, target.command))
            if read is not None and read != path:
                build.arguments.setdefault(read, f"given to {path} as its argument by {target.where} "
                                                 f"(`{target.command}`)")


def _target_path(build: _Build, target: _Target) -> str | None:
    """The Python file a command names, looked for from the naming file's folder, then from the root."""
    folder = target.where.rpartition("/")[0]
    prefix = folder + "/" if folder else ""
    if "{" in target.target:
        return None
    if target.dotted:
        found = build.by_dotted.get(target.target)
        if found is not None:
            main = found.rpartition("/")[0] + "/__main__.py"
            return main if found.endswith("__init__.py") and main in build.modules else found
        relative = target.target.replace(".", "/")
        candidates = [f"{base}{relative}{end}" for base in (prefix, "", "src/") for end in (".py", "/__main__.py")]
    else:
        relative = target.target.lstrip("./") if not target.target.startswith("../") else target.target
        candidates = [c for c in (_normalise(prefix + relative), _normalise(relative)) if c]
    for candidate in candidates:
        if candidate in build.modules:
            return candidate
    if not target.dotted:  # a Dockerfile that copies its files elsewhere: the one file of that name below it
        name = relative.rpartition("/")[2]
        if not build.by_name:
            for module in build.modules:
                build.by_name.setdefault(module.rpartition("/")[2], []).append(module)
        # A module named `relative`, or ending with it, has its base name: looked up by name, not by a scan.
        below = [p for p in build.by_name.get(name, ()) if p.startswith(prefix)]
        if len(below) == 1:
            return below[0]
    return None


def _find_gallery(build: _Build) -> None:
    for path in build.python:
        if path.rpartition("/")[2] != "conf.py":
            continue
        text = build.repo.read_text(path, SMALL_LIMIT) or ""
        if "sphinx_gallery" not in text:
            continue
        match = _GALLERY_DIRS.search(text)
        folder = path.rpartition("/")[0]
        for raw in _QUOTED.findall(match.group(1)) if match else ["../examples"]:  # sphinx-gallery's default
            resolved = _normalise(f"{folder}/{raw}/" if folder else f"{raw}/")
            if resolved:
                build.gallery[resolved] = f"a Sphinx-Gallery example ({path} `examples_dirs`)"


def _python_role(build: _Build, path: str) -> Role:
    """The role of one Python file: the first rule that decides, with its reason."""
    name = path.rpartition("/")[2]
    template = _in_template(build, path)
    if template is not None:
        return Role(TEMPLATE, template)
    facts = build.facts.get(path)
    if facts.jinja:
        return Role(TEMPLATE, f"Jinja syntax at line {facts.jinja}")
    if name.endswith(("_pb2.py", "_pb2_grpc.py")):
        return Role(GENERATED, "protocol buffer code (`*_pb2.py`)")
    if "/migrations/" in f"/{path}" or "/alembic/versions/" in f"/{path}":
        return Role(GENERATED, "a database migration")
    if facts.generated:
        return Role(GENERATED, "its header says it is generated")
    if is_test_path(path):
        tests_folder = any(part in ("tests", "test") for part in path.split("/")[:-1])
        if facts.tests or tests_folder or name == "conftest.py":
            why = "pytest's conftest" if name == "conftest.py" else "under a tests folder" if tests_folder else \
                "named like a test and defines tests"
            return Role(TEST, f"a test module ({why})")
    if name in CONFIG_FILES:
        return Role(CONFIG, CONFIG_FILES[name])
    if path in build.execs:
        return Role(CONFIG, f"run inside {build.execs[path]} by `exec(open(...).read())`: part of that script")
    if path in build.arguments and path not in build.runs:
        return Role(CONFIG, f"{build.arguments[path]}: read by that script, not run")
    folder = path.rpartition("/")[0]
    if name == "settings.py" and any(f"{folder}/{n}".lstrip("/") in build.modules for n in ("urls.py", "wsgi.py")):
        return Role(CONFIG, "Django settings")
    if name == "__init__.py":
        package = build.packages.get(path[: -len("__init__.py")])
        return Role(PACKAGE_INIT, f"the `__init__` of package `{package.name if package else folder}`")
    gallery = next((reason for folder, reason in build.gallery.items() if path.startswith(folder)), None)
    if gallery is not None:
        return Role(ENTRY_SCRIPT, gallery, "sphinx-gallery")
    top = build.top.get(path)
    imported_by = build.imported.get(path)
    served = build.serves.get(path)
    if served is not None:
        return Role(APP_MODULE, served[0], served[1] or facts.app)
    if facts.app and not (facts.app == "streamlit" and imported_by and "/pages/" not in f"/{path}"):
        return Role(APP_MODULE, f"defines {APP_NAMES.get(facts.app, 'an app')}", facts.app)
    run = build.runs.get(path)
    if run is not None:
        return Role(ENTRY_SCRIPT, run[0], facts.cli or run[1])
    if name == "__main__.py":
        return Role(ENTRY_SCRIPT, "`python -m` runs it", facts.cli)
    if name == "manage.py":
        return Role(ENTRY_SCRIPT, "Django's command-line utility", "django")
    cli = f"parses the command line ({facts.cli})" if facts.cli else ""
    if top is not None:
        package = build.packages[top].name
        if cli and (facts.main_guard or facts.shebang):
            return Role(ENTRY_SCRIPT, f"{cli} and has a main guard, in package `{package}`", facts.cli)
        if facts.cli in ("click", "typer", "fire"):
            return Role(ENTRY_SCRIPT, f"defines {facts.cli} commands, in package `{package}`", facts.cli)
        return Role(LIBRARY_MODULE, f"module `{build.modules[path]}` of package `{package}`")
    stem = name[:-3]
    if stem in build.declared.py_modules:
        return Role(LIBRARY_MODULE, f"a module declared by {build.declared.source or 'the packaging files'}")
    if facts.shebang:
        return Role(ENTRY_SCRIPT, "starts with a `#!` line", facts.cli)
    if facts.main_guard:
        return Role(ENTRY_SCRIPT, f"has a main guard (line {facts.main_guard})", facts.cli)
    if cli:
        return Role(ENTRY_SCRIPT, cli, facts.cli)
    if stem.startswith("__") and stem.endswith("__"):
        return Role(LIBRARY_MODULE, f"a `{stem}` module, read for its values")
    if imported_by is not None:
        return Role(LIBRARY_MODULE, f"a loose module imported by {imported_by}")
    facts = build.facts.get(path, loose=True)
    if facts.top_code > 0:
        return Role(
            ENTRY_SCRIPT, f"a loose file that runs code at its top level (line {facts.top_code}) and that no file imports"
        )
    return Role(LIBRARY_MODULE, "a loose module that only defines things (nothing imports or runs it)")


def _other_roles(build: _Build, roles: Mapping[str, Role], links: Mapping[str, str]) -> dict[str, Role]:
    """Roles of files other than Python modules: templates, DVC-managed, test fixtures, result tables, docs."""
    found: dict[str, Role] = {}
    dvc = _dvc_outputs(build)
    linked_folders = {target.rpartition("/")[0] + "/" for target in links if not target.endswith("/")}
    linked_folders |= {target for target in links if target.endswith("/")}
    markdown_folders = {path.rpartition("/")[0] + "/" for path in build.markdown}
    for f in build.repo.files:
        path = f.path
        if path in roles or path in build.markdown or path_suffix(f.path) == ".ipynb":
            continue
        folder = path.rpartition("/")[0] + "/" if "/" in path else ""
        template = _in_template(build, path)
        if template is not None or path_suffix(f.path) in (".jinja", ".j2", ".jinja2"):
            found[path] = Role(TEMPLATE, template or f"a Jinja template (`{path_suffix(f.path)}`)")
            continue
        managed = next((out for out in dvc if path == out.rstrip("/") or (out.endswith("/") and path.startswith(out))),
                       None)
        if managed is not None:
            found[path] = Role(DVC_MANAGED, dvc[managed])
            continue
        parts = path.split("/")[:-1]
        if any(part.lower() in TEST_DIRS or TEST_DIRS.intersection(re.split(r"[-_.]", part.lower())) for part in parts):
            found[path] = Role(TEST_FIXTURE, "under a test folder")
            continue
        table = path_suffix(f.path) in TABLE_SUFFIXES and path_suffix(f.path) not in (".md", ".txt")
        if table and RESULT_WORDS.search(path):
            if path in links:
                found[path] = Role(RESULT_TABLE, f"a results table linked from {links[path]}")
                continue
            if folder in linked_folders and folder in markdown_folders:
                found[path] = Role(RESULT_TABLE, f"a results table in `{folder}`, whose Markdown links its tables")
                continue
        if table and not DATA_DIRS.intersection(parts) and (build.repo.size(path) or 0) <= 16_000 \
                and path_suffix(path) in (".csv", ".tsv") and _links_table(build.repo.read_text(path, 16_000) or ""):
            found[path] = Role(DOCS_ASSET, "a small table of links (an index of pages, videos, notebooks), not data")
            continue
        if table and path in links and not DATA_DIRS.intersection(parts) and (build.repo.size(path) or 0) <= 16_000:
            found[path] = Role(RESULT_TABLE, f"a small table {links[path]} links (published, like a page)")
            continue
        if not table and path in links:
            found[path] = Role(DOCS_ASSET, f"linked from {links[path]}")
        elif not table and any(part.lower() in DOCS_DIRS for part in parts):
            found[path] = Role(DOCS_ASSET, "under a documentation folder")
    return found


def _links_table(text: str) -> bool:
    """Whether most rows of a small table hold a link (a URL, or a Markdown or notebook file name)."""
    rows = [row for row in text.splitlines()[1:] if row.strip()]
    linked = sum(1 for row in rows if "://" in row or ".md" in row or ".ipynb" in row)
    return bool(rows) and 2 * linked >= len(rows)


def _dvc_outputs(build: _Build) -> dict[str, str]:
    """Paths DVC manages (`.dvc` pointers' targets and `dvc.yaml` outputs; folders end with `/`) -> reason."""
    outputs: dict[str, str] = {}
    for f in build.repo.files:
        if f.path.endswith(".dvc") and f.name != ".dvc":
            target = f.path[: -len(".dvc")]
            outputs[target] = f"managed by DVC ({f.path})"
            outputs[target + "/"] = f"managed by DVC ({f.path})"
        elif f.name in ("dvc.yaml", "dvc.yml"):
            folder = f.path.rpartition("/")[0]
            for out in _dvc_yaml_outputs(build.repo.read_text(f.path, SMALL_LIMIT) or ""):
                resolved = _normalise(f"{folder}/{out}" if folder else out)
                if resolved:
                    outputs[resolved] = f"an output of a {f.path} stage"
                    outputs[resolved.rstrip("/") + "/"] = f"an output of a {f.path} stage"
    return outputs


def _dvc_yaml_outputs(text: str) -> list[str]:
    """The `outs`, `metrics` and `plots` paths of a dvc.yaml (never constructed into objects beyond plain data)."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return []
    stages = data.get("stages") if isinstance(data, dict) else None
    found: list[str] = []
    for stage in stages.values() if isinstance(stages, dict) else ():
        if not isinstance(stage, dict):
            continue
        for key in ("outs", "metrics", "plots"):
            for item in stage.get(key) or () if isinstance(stage.get(key), list) else ():
                if isinstance(item, str):
                    found.append(item)
                elif isinstance(item, dict):
                    found.extend(k for k in item if isinstance(k, str))
    return found


#: A collection of at least this many notebooks in reading order is a book: read on GitHub, with its outputs.
PUBLISHED_NOTEBOOKS = 20
#: A chapter's notebook: its name starts with its number (`01.02-Help.ipynb`, `03_training.ipynb`, `2-eda.ipynb`).
_CHAPTER = lazy(r"^\d{1,3}(?:\.\d{1,3})*[-_. ]")
#: Files that build notebooks into a book or a site (Jupyter Book, MyST, Quarto).
BOOK_FILES = ("_toc.yml", "_toc.yaml", "myst.yml", "_quarto.yml", "_quarto.yaml")


def _published_collection(build: _Build, kind: str) -> str:
    """Why a collection's notebooks are published reading material ("" when they are not): lesson folders (a
    course), or a book: many notebooks numbered as chapters, or built by a book tool. Many notebooks alone are
    not a book: a set of competition or experiment notebooks is the author's work, outputs and all."""
    if kind != COLLECTION:
        return ""
    top_folders = {f.path.split("/")[0] for f in build.repo.files if "/" in f.path}
    lessons = sum(1 for name in top_folders if _LESSON_FOLDER.match(name))
    if lessons >= 3:
        return f"a course: {lessons} lesson folders"
    book = next((f.path for f in build.repo.files if f.name in BOOK_FILES), None)
    if book is not None:
        return f"a book: {book} builds it"
    names = [f.name for f in build.repo.files if path_suffix(f.path) == ".ipynb"]
    chapters = sum(1 for name in names if _CHAPTER.match(name))
    if chapters >= PUBLISHED_NOTEBOOKS and 2 * chapters >= len(names):
        return f"a book: {chapters} of {len(names)} notebooks numbered as chapters"
    return ""


def _repository_kind(build: _Build, roles: Mapping[str, Role]) -> tuple[str, str]:
    """What kind of repository this is, and why."""
    repo = build.repo
    marker = next((name for name in ("cookiecutter.json", "copier.yml", "copier.yaml") if repo.by_path(name)), "")
    if marker or build.templates:
        folder = next(iter(build.templates), "")
        return TEMPLATE, " and ".join(x for x in (marker, f"the template folder `{folder}`" if folder else "") if x)
    top_folders = sorted({f.path.split("/")[0] for f in repo.files if "/" in f.path})
    lessons = [name for name in top_folders if _LESSON_FOLDER.match(name)]
    if len(lessons) >= 3:
        shown = ", ".join(lessons[:3]) + (", ..." if len(lessons) > 3 else "")
        return COLLECTION, f"{len(lessons)} lesson folders ({shown})"
    code = [p for p, r in roles.items() if r.kind in (ENTRY_SCRIPT, LIBRARY_MODULE, APP_MODULE, PACKAGE_INIT)]
    notebooks = [f.path for f in repo.files if path_suffix(f.path) == ".ipynb"]
    if notebooks and len(notebooks) >= 2 * max(1, len(code)):
        return COLLECTION, f"{len(notebooks)} notebooks and {len(code)} Python modules"
    declared = build.declared
    packages = sorted(p.name for p in build.packages.values() if "." not in p.name and not is_test_path(p.path + "x.py"))
    apps = [p for p, r in sorted(roles.items()) if r.kind == APP_MODULE and not _aside(p)]
    if apps:
        role = roles[apps[0]]
        return APPLICATION, f"app modules: {apps[0]} ({role.framework or 'app'})" + (
            f" and {len(apps) - 1} more" if len(apps) > 1 else "")
    if declared.name and packages:
        return LIBRARY, f"{declared.source} declares the distribution `{declared.name}` (packages: " \
                        f"{', '.join(packages[:5])})"
    for name in ("dvc.yaml", "MLproject"):
        if repo.by_path(name):
            return PIPELINE, f"{name} defines the pipeline"
    scripts = [p for p, r in roles.items() if r.kind == ENTRY_SCRIPT]
    return PIPELINE, f"{len(scripts)} entry scripts and {len(code) - len(scripts)} modules, no distribution declared"


def _aside(path: str) -> bool:
    """Under an examples, docs or demo folder: not what the repository is."""
    return any(part.lower() in ("examples", "example", "docs", "doc", "demo", "demos", "samples", "tutorials")
               for part in path.split("/")[:-1])


class _NoFiles:
    """A repository view with no files, for deciding the role of a file alone."""

    files = ()
    paths = frozenset()

    def by_path(self, path: str) -> None:
        return None

    def read_text(self, path: str, limit: int | None = None) -> None:
        return None


_EMPTY_VIEW: Any = _NoFiles()


def _lone_role(path: str, text: str) -> Role:
    """The role of a Python file decided from its own path and text (no packages, imports or run commands)."""
    facts = scan_python(text, loose=True)
    build = _Build(_EMPTY_VIEW, FactSource(_EMPTY_VIEW, known=lambda p: facts), [path],
                   frozenset((path,)), {})
    build.modules[path] = path.rpartition("/")[2][:-3]
    return _python_role(build, path)
