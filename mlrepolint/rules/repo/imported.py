"""undeclared-dependency and unused-dependency: what the code imports against what the project declares."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import Any, Callable, Iterator

from mlrepolint.api import (
    Context, Import, RepoChecker, RepoView, Rule, Severity, fnmatch_any, gitignore_spec, is_test_path, lazy,
    scan_imports,
)
from mlrepolint.rules.repo.imports import (
    KNOWN_DISTRIBUTIONS, distributions, install_words_to_names, installed_table, is_third_party, notebook_installs,
    notebook_modules, notebook_source, provided_names, read_python, use_installed_table, with_dependencies,
)
from mlrepolint.rules.repo.declared import TRANSITIVE_MARKERS, Declared, Scope, collect, is_development_file
from mlrepolint.rules.repo.notebooks import load_notebook
from mlrepolint.rules.repo.pins import canonical

UNDECLARED_DEPENDENCY = Rule(
    code="MLR510",
    name="undeclared-dependency",
    category="dependencies",
    severity=Severity.WARNING,
    summary="A third-party package is imported but no dependency file declares it",
    description=(
        "Reports each third-party top-level module that the repository's Python files (and notebooks' code "
        "cells) import while no declaration that covers the importing file provides it. Declarations are "
        "requirements files (`-r` includes followed, `requirements*.in` too), `pyproject.toml` (dependencies, "
        "extras, dependency groups, Poetry / PDM / uv groups, `[build-system] requires`, setuptools' dynamic "
        "files), `Pipfile`, conda environments with their `pip:` list, `setup.py` / `setup.cfg` (read "
        "statically), `pip install` in Dockerfiles, and a notebook's own `!pip install` lines. A declaration "
        "covers its folder and everything below it; one in a folder without code (`requirements/`, `docker/`) "
        "covers the folder above. Files no declaration covers are not looked at (a repository that declares "
        "nothing at all is another rule's finding).\n\n"
        "Not reported: the standard library (of any Python 3 version), the repository's own modules (the "
        "project model's first-party names: any Python file's name and any folder holding Python files), "
        "relative imports, optional imports (inside "
        "`try:` ... `except ImportError:`, under `if TYPE_CHECKING:` or an availability check such as `if "
        "_WANDB_AVAILABLE:` / `if find_spec(...)`, and imports inside functions of a package module or a test, "
        "which load an optional feature), generated `*_pb2` modules, modules the "
        "environment provides (`google.colab`, IPython in a notebook), names in `ignore-modules`, and everything "
        "under a declaration that cannot be read statically (a `setup.py` that computes `install_requires`). "
        "An import name is matched to distributions through a maintained table of names that differ "
        "(`sklearn` -> scikit-learn, `cv2` -> opencv-python and its variants, `PIL` -> Pillow, `yaml` -> PyYAML, "
        "`dotenv` -> python-dotenv, `bs4` -> beautifulsoup4, `skimage` -> scikit-image, ...), namespace "
        "packages spelt out (`google.cloud.storage` -> google-cloud-storage), and the metadata of the "
        "distributions installed where mlrepolint runs (`package-map` adds entries). One finding per module "
        "and declaring folder, at its first import; the rubric counts the third-party modules checked."
    ),
    rationale=(
        "A package that works only because it happens to be installed on the author's machine breaks the "
        "first `pip install -r requirements.txt` on a fresh machine, in CI, in the Docker image or on the "
        "training cluster, and the version that produced the results is recorded nowhere."
    ),
    fix=(
        "Add the distribution (the message names it) to the dependency file that covers the importing code, "
        "with a version; for an optional feature, guard the import with `try:` / `except ImportError:`."
    ),
    bad=(
        "# requirements.txt\npandas==2.2.2\n\n# train.py\nimport pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
    ),
    good=(
        "# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.0\n\n# train.py\nimport pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
    ),
    options={"ignore-modules": (), "package-map": {}},
)

UNUSED_DEPENDENCY = Rule(
    code="MLR511",
    name="unused-dependency",
    category="dependencies",
    severity=Severity.INFO,
    summary="A declared dependency that nothing in the repository imports or runs",
    description=(
        "Reports a main dependency (requirements files whose name does not say development, testing, docs or "
        "linting; `[project] dependencies`; `install_requires`; Poetry's main group; a Pipfile's `[packages]`; "
        "a conda environment's `pip:` list) that no Python file or notebook covered by the declaration imports "
        "(matched through the same table as `undeclared-dependency`). Not reported: development groups and "
        "extras, build requirements, conda packages (their names are not import names), tools and servers "
        "that run from the command line (`gunicorn`, `uvicorn`, `jupyter`, `dvc`, `pytest`, linters), backends "
        "other libraries load by themselves (`pyarrow`, `openpyxl`, `psycopg2`, `python-multipart`, "
        "`tensorboard`, `accelerate`, `sentencepiece`, `protobuf`, ...), type stubs and plugins, pins of "
        "packages that are only ever another package's dependency (`urllib3`, `certifi`, `six`), a dependency "
        "that a used one installs anyway, names in "
        "`ignore-packages`, and a distribution whose name (or import name) appears anywhere in the "
        "repository's code, notebooks, shell scripts, Dockerfiles, Makefiles, CI and config files or README "
        "(`engine=\"openpyxl\"`, `report_to=\"wandb\"`, `CMD uvicorn app:app`). The rubric counts the main "
        "dependencies checked."
    ),
    rationale=(
        "Every dependency is installed, downloaded and scanned on every build, can conflict with the packages "
        "you do use, and is one more thing to keep pinned and patched; a list that says more than the code "
        "needs no longer tells anyone what the code needs."
    ),
    fix=(
        "Remove the dependency, or move it to a development group or an extra if a tool or an optional feature "
        "uses it."
    ),
    bad="# requirements.txt\npandas==2.2.2\nrequests==2.32.3\n\n# train.py\nimport pandas as pd\n",
    good="# requirements.txt\npandas==2.2.2\n\n# train.py\nimport pandas as pd\n",
    options={"ignore-packages": ()},
)

#: Distributions used without being imported: command-line tools, servers, plugins, and backends that other
#: libraries load by name (by PEP 503 name; `*` ends a prefix).
USED_WITHOUT_IMPORT = (
    "pip", "setuptools", "wheel", "build", "twine", "pip-tools", "uv", "poetry", "pdm", "hatch", "hatchling",
    "flit", "flit-core", "setuptools-scm", "cython", "pybind11", "ninja", "cmake", "scikit-build*",
    "pytest*", "coverage", "tox", "nox", "hypothesis", "mock", "black", "isort", "ruff", "flake8*", "pylint*",
    "mypy*", "pyright", "pre-commit", "bandit", "autopep8", "yapf", "pydocstyle", "codespell", "types-*",
    "*-stubs", "sphinx*", "mkdocs*", "jupyter*", "notebook", "ipykernel", "ipython", "ipywidgets", "nbconvert",
    "nbformat", "nbstripout", "papermill", "voila", "widgetsnbextension", "jupytext", "ipympl", "gunicorn",
    "uvicorn*", "hypercorn", "waitress", "daphne", "gevent", "eventlet", "uvloop", "httptools", "watchfiles",
    "watchdog", "python-multipart", "email-validator", "orjson", "dvc*", "tensorboard*", "pyarrow",
    "fastparquet", "openpyxl", "xlrd", "xlsxwriter", "odfpy", "pyxlsb", "lxml", "html5lib", "tables",
    "psycopg*", "pymysql", "mysqlclient", "pyodbc", "cx-oracle", "oracledb", "s3fs", "gcsfs", "adlfs", "fsspec",
    "boto3", "protobuf", "sentencepiece", "tokenizers", "safetensors", "accelerate", "bitsandbytes",
    "flash-attn", "xformers", "triton", "tiktoken", "blobfile", "kaleido", "matplotlib", "pillow", "h5py",
    "pydot", "graphviz", "tabulate", "jinja2", "numexpr", "bottleneck", "soundfile", "audioread", "av",
    "nvidia-*", "cuda-*", "jaxlib", "tensorflow-io*", "tensorflow-estimator", "tf-keras", "locust",
    "supervisor", "honcho", "prometheus-client", "greenlet", "pyngrok", "gdown", "kaggle", "nvidia-ml-py*",
    "pynvml", "hydra-*", "mlserver*", "torchserve", "torch-model-archiver", "torch-workflow-archiver",
    "seldon-core", "lmdb", "portalocker", "torchdata", "aiohttp", "pycocotools",
)

#: Other files whose text can name a dependency the project runs (Dockerfiles, shell scripts, CI, configs, docs).
TOOL_FILES = (
    "Dockerfile*", "*.Dockerfile", "Containerfile*", "Makefile", "*.mk", "Procfile", "*.sh", "*.bash", "*.yml",
    "*.yaml", "*.toml", "*.cfg", "*.ini", "*.md", "*.rst", "*.txt", "*.json", "MLproject", "Justfile",
)
_TOOL_NAMES = ("Dockerfile", "Containerfile", "Makefile", "Procfile", "MLproject", "Justfile")
_TOOL_SUFFIXES = (".dockerfile", ".mk", ".sh", ".bash", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".md", ".rst",
                  ".txt", ".json")
#: At most this much of another file is read.
OTHER_LIMIT = 256 * 1024


@dataclass
class _Use:
    """A third-party module imported under one declaring folder: the files where no declaration provides it
    (in path order, with the first import's line and notebook cell), and how many files import it at all."""

    key: str
    first: Import | None = None
    first_path: str = ""
    first_cell: int | None = None
    undeclared: int = 0
    files: set[str] = field(default_factory=set)


class DependencyUseChecker(RepoChecker):
    """Compares the imports of every Python file and notebook with the dependencies declared above them."""

    rules = (UNDECLARED_DEPENDENCY, UNUSED_DEPENDENCY)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Read the declarations, then each covered file's imports (text-level, never parsed again)."""
        scopes = collect(repo)
        if not scopes:
            return  # declares nothing: not this rule's to say
        use_installed_table(repo.derived("installed-distributions", installed_table))
        self.repo, self.ctx = repo, ctx
        options = ctx.options(UNDECLARED_DEPENDENCY)
        ignored = set(options["ignore-modules"])
        extra_map = {
            name: tuple(canonical(d) for d in ([value] if isinstance(value, str) else value))
            for name, value in dict(options["package-map"]).items()
        }
        local = ctx.project.first_party | self._notebook_modules()
        self.declaration_files = {path for scope in scopes for path in scope.files}
        self.read: list[str] = []  # code files read, for unused-dependency's search of names
        self.texts: dict[str, str] = {}  # the texts of those read in this run (the others' shares are recorded)
        self._scopes, self._local, self._ignored, self._extra_map = scopes, local, ignored, extra_map
        self._packages = {posixpath.dirname(f.path) for f in repo.files if f.name == "__init__.py"}
        self._manifests = {s.folder: s.manifest for s in scopes}
        self._judged: dict[tuple[str, ...], tuple[bool, frozenset[str], Scope | None]] = {}
        self._analysed: dict[tuple[str, tuple[str, ...], int], tuple[frozenset[str], str] | None] = {}
        # Each code file's contribution is recorded per file under everything else it depends on (the
        # declarations, the first-party names, the options, the packages): a change to one file redoes its own.
        context = repr((scopes, sorted(local), sorted(ignored), sorted(extra_map.items()), sorted(self._packages)))
        namespace = "dependency-use:" + hashlib.blake2b(context.encode("utf-8", "surrogateescape"),
                                                        digest_size=12).hexdigest()
        code = [f.path for f in repo.files
                if _is_code(f.path) and f.path not in self.declaration_files and any(s.covers(f.path) for s in scopes)]

        def share_of(path: str) -> list[Any]:
            return repo.per_file(namespace, path, lambda: self._contribution(path), _contribution_ok)

        reports_unused = ctx.keeps({declared.path for scope in scopes for declared in scope.declared})
        shares = {path: share_of(path) for path in (code if reports_unused else self._needed(code, share_of))}
        uses: dict[tuple[str, str], _Use] = {}  # (declaring folder, module) -> its use
        used: dict[str, set[str]] = {s.folder: set() for s in scopes}  # declaring folder -> distributions imported
        for path, share in shares.items():
            read, folders, names, counted = share
            if read:
                self.read.append(path)
            for folder in folders:
                used[folder].update(names)
            for folder, key, undeclared, first in counted:
                use = uses.setdefault((folder, key), _Use(key))
                use.files.add(path)
                use.undeclared += undeclared
                if use.first is None and first is not None:
                    module, line, level, imported_names, optional, in_function, cell = first
                    use.first = Import(module, line, level, tuple(imported_names), optional, in_function)
                    use.first_path, use.first_cell = path, cell
        by_folder = {s.folder: s for s in scopes}
        for (folder, _), use in sorted(uses.items()):
            self._report_undeclared(use, by_folder[folder])
        if reports_unused:
            self._report_unused(scopes, used)  # its findings are about the declaration files

    def _needed(self, code: list[str], share_of: Callable[[str], list[Any]]) -> list[str]:
        """The code files whose contributions a run that does not report unused-dependency needs (its findings are
        about the declaration files): all of them, except in a run limited to named files (the pre-commit hook)
        when the named files import nothing undeclared. An undeclared import is reported at the first file that
        imports the module (with the number of the others), so only then do the other files count."""
        kept = [path for path in code if self.ctx.keeps((path,))]
        undeclared = any(entry[2] for path in kept for entry in share_of(path)[3])
        return code if undeclared or len(kept) == len(code) else kept

    def _contribution(self, path: str) -> list[Any]:
        """One code file's part of the comparison: [read, covering folders, distributions its imports can be,
        [[declaring folder, module, undeclared imports, first undeclared import row or None], ...]]."""
        covering = [s for s in self._scopes if s.covers(path)]  # outermost first
        key = tuple(s.folder for s in covering)
        if key not in self._judged:
            nearest = [s for s in covering if self._manifests[s.folder]]
            readable = not any(s.unreadable for s in covering)
            self._judged[key] = (
                readable and bool(nearest), with_dependencies(frozenset().union(*(s.names for s in covering))),
                nearest[-1] if nearest else None,
            )
        judge, declared, nearest_manifest = self._judged[key]
        # A library's (or a test's) import inside a function is of an optional feature: the test skips
        # without it, the library asks for it when the feature is used.
        lazy_is_optional = posixpath.dirname(path) in self._packages or is_test_path(path)
        names: set[str] = set()
        counted: dict[str, list[Any]] = {}  # module -> [declaring folder, module, undeclared, first row]
        share = self.repo.per_file("imports", path, lambda: self._scan(path), _well_formed)
        for imported, cell, installs in _imports_of(share):
            what = self._analysed.get((imported.module, imported.names, imported.level))
            if what is None:  # the same statement recurs in many files: its analysis is done once
                third_party = is_third_party(imported.module, self._local, imported.level) \
                    and imported.top not in self._ignored
                what = self._analysed[(imported.module, imported.names, imported.level)] = (
                    (distributions(imported.module, imported.names)
                     | frozenset(self._extra_map.get(imported.top, ())), _module_key(imported)) if third_party else None
                )
            if what is None or (cell is not None and imported.top == "IPython"):
                continue  # not third-party; or IPython, which a notebook's kernel provides
            candidates, module_key = what
            names.update(candidates)
            if imported.optional or (imported.in_function and lazy_is_optional) or not judge:
                continue  # optional, a library's lazy import of an optional feature, or not judged here
            assert nearest_manifest is not None  # judged only where a manifest covers the file
            entry = counted.setdefault(module_key, [nearest_manifest.folder, module_key, 0, None])
            if candidates & declared or (installs and candidates & with_dependencies(installs)):
                continue
            entry[2] += 1
            if entry[3] is None:
                entry[3] = [imported.module, imported.line, imported.level, list(imported.names), imported.optional,
                            imported.in_function, cell]
        return [share is not None, list(key), sorted(names), list(counted.values())]

    def _notebook_modules(self) -> frozenset[str]:
        """Modules the repository's notebooks write themselves (`%%writefile helpers.py`)."""
        found: set[str] = set()
        for f in self.repo.files:
            if f.path.endswith(".ipynb"):
                written = self.repo.per_file("notebook-modules", f.path,
                                             lambda path=f.path: _written(self.repo, path), _strings)
                found.update(written)
        return frozenset(found)

    def _scan(self, path: str) -> list | None:
        """One code file's imports ([module, line, level, names, optional, in function, cell] each) and the names
        a notebook installs itself; None when the file cannot be read."""
        text = self._text(path)
        if text is None:
            return None
        if path.endswith(".ipynb"):
            notebook = load_notebook(self.repo, path)
            assert notebook is not None and notebook.error is None
            installs = sorted(install_words_to_names(notebook_installs(notebook.cells)))
            return [[[*imported[:3], list(imported.names), *imported[4:], cell]
                     for cell, source in notebook_source(notebook.cells) for imported in scan_imports(source)],
                    installs]
        return [[[*imported[:3], list(imported.names), *imported[4:], None]
                 for imported in (scan_imports(text) if "import" in text else ())], []]

    def _text(self, path: str) -> str | None:
        """A code file's text (a notebook's JSON), read once a run; None when it cannot be read."""
        if path not in self.texts:
            if path.endswith(".ipynb"):
                notebook = load_notebook(self.repo, path)
                text = notebook.text if notebook is not None and notebook.error is None else None
            else:
                text = read_python(self.repo, path)
            if text is None:
                return None
            self.texts[path] = text
        return self.texts[path]

    def _mentioned(self, path: str, vocabulary: list[str], namespace: str) -> frozenset[str]:
        """The words of `vocabulary` the (lower-cased) code file names as whole words: its share of the search."""
        def compute() -> list[str]:
            text = self._text(path)
            return _named_words(text if text is not None else "", vocabulary)

        return frozenset(self.repo.per_file(namespace, path, compute, _strings))

    def _report_undeclared(self, use: _Use, scope: Scope) -> None:
        self.ctx.examine(UNDECLARED_DEPENDENCY)
        if use.first is None:
            return
        others = len(use.files) - 1
        more = f" (and in {others} more file{'s' if others != 1 else ''})" if others > 0 else ""
        where = f"cell {use.first_cell}: " if use.first_cell is not None else ""
        targets = sorted((p for p in scope.files if _preference(p) is not None), key=_preference)
        target = f"`{targets[0]}`" if targets else "the project's dependencies"
        self.ctx.report(
            UNDECLARED_DEPENDENCY, None if use.first_cell is not None else use.first.line, None,
            f"{where}`{use.key}` is imported{more} but no declared dependency provides it: add "
            f"`{_suggestion(use.first)}` to {target}",
            path=use.first_path,
        )

    def _report_unused(self, scopes: list[Scope], used: dict[str, set[str]]) -> None:
        ctx = self.ctx
        ignored = {canonical(name) for name in ctx.options(UNUSED_DEPENDENCY)["ignore-packages"]}
        covered = {s.folder: [p for p in self.read if s.covers(p)] for s in scopes}
        candidates: list[tuple[Scope, Declared]] = []
        for scope in scopes:
            if not covered[scope.folder]:
                continue  # no code under it was read: nothing to compare with
            seen: set[str] = set()
            for declared in scope.declared:
                if not declared.runtime or declared.name in seen:
                    continue
                seen.add(declared.name)
                ctx.examine(UNUSED_DEPENDENCY)
                name = declared.name
                if (name in used[scope.folder] or name in ignored or name in TRANSITIVE_MARKERS
                        or _used_without_import(name)):
                    continue  # imported, ignored, a pin of someone else's dependency, or a tool
                candidates.append((scope, declared))
        if not candidates:
            return
        brought = {
            s.folder: with_dependencies(d.name for d in s.declared if d.name in used[s.folder]) for s in scopes
        }
        searched = [(scope, declared, frozenset(word.lower() for word in _spellings(declared.name)))
                    for scope, declared in candidates if declared.name not in brought[scope.folder]]
        # Each code file's share of the search is the words it names, out of all the searched ones: recorded per
        # file, so a change to one file searches that file again, and the others only when the words change.
        vocabulary = sorted({word for _, _, words in searched for word in words})
        digest = hashlib.blake2b("\0".join(vocabulary).encode(), digest_size=12).hexdigest()
        namespace = "mentions:" + digest
        mentioned: dict[str, frozenset[str]] = {}
        named_elsewhere: set[str] = set()  # the words the repository's other files name (see `_other_files`)
        for path in self._other_files():
            named_elsewhere.update(self.repo.per_file(
                "other-mentions:" + digest, path, lambda path=path: self._other_mentioned(path, vocabulary), _strings))

        # Per declaring folder, the files below it searched so far (in order) and the words they name together:
        # each dependency's search goes on from where the last one stopped, and what the files searched already
        # name is one set test, not one per file.
        searching = {folder: (iter(paths), set()) for folder, paths in covered.items()}

        def named_below(folder: str, words: frozenset[str]) -> bool:
            paths, named = searching[folder]
            if words & named:
                return True
            for path in paths:
                if path not in mentioned:
                    mentioned[path] = self._mentioned(path, vocabulary, namespace)
                named.update(mentioned[path])
                if mentioned[path] & words:
                    return True
            return False

        for scope, declared, words in searched:
            # also installed by a dependency the code uses (pinning it is a choice, not waste): not searched
            if named_below(scope.folder, words) or words & named_elsewhere:
                continue
            # A long declaration is named, not cut: a cut URL could end inside a token the masking no longer sees.
            shown = declared.text if len(declared.text) <= 60 else declared.name
            ctx.report(
                UNUSED_DEPENDENCY, declared.line, None,
                f"`{shown}` is declared but nothing in the repository imports or runs it",
                path=declared.path,
            )

    def _other_files(self) -> list[str]:
        """The repository's other files that can name a tool it runs (not the declaration files themselves:
        declaring a package is not using it)."""
        # Names first, the patterns only on the files whose name can match (see `declared.Collector.scopes`).
        candidates = [
            f for f in self.repo.files if f.name.startswith(_TOOL_NAMES) or f.path.lower().endswith(_TOOL_SUFFIXES)
        ]
        spec = gitignore_spec(TOOL_FILES)
        return [f.path for f in candidates if f.path not in self.declaration_files
                and (_is_tool_file_name(f.name) or spec.match_file(f.path))]

    def _other_mentioned(self, path: str, vocabulary: list[str]) -> list[str]:
        """The words of `vocabulary` one of the other files names (its share of the search); none when it is
        larger than OTHER_LIMIT."""
        size = self.repo.size(path)
        text = self.repo.read_text(path) if size is not None and size <= OTHER_LIMIT else None
        return _named_words(text, vocabulary) if text else []


#: A run of word characters and dashes: what `_mentions` takes for one word.
_RUN = lazy(r"[\w-]+")
_WORDISH = lazy(r"[\w-]")
#: Up to this many words, `_named_words` searches for each (see there).
_FEW_WORDS = 8
#: Characters: searching this much text word by word costs about what loading RE2 and building a set of words does
#: (a few milliseconds): a process that searches less (the hook on a declaration file) never loads it.
_SET_PAYS_OFF = 1 << 19
_searched_without_set = 0


#: A base name one of TOOL_FILES matches (a path matches them also through a folder's name: `spec.match_file`).
_is_tool_file_name = fnmatch_any(tuple(TOOL_FILES))


def _named_words(text: str, vocabulary: list[str]) -> list[str]:
    """The words of `vocabulary` the text names as whole words, case aside (what `_mentions` looks for).

    Only a word found in the lower-cased text as a substring can be named, and few are (NVIDIA NeMo's 3,541
    texts, 48 words: 0.4 a text). A few words are each looked for with `in`; more, once the process has
    searched enough text for it to pay, are all looked for in one pass of RE2's set matcher (0.07 s on NeMo,
    where a search per word took 1.15 s and splitting every text into its runs of word characters 0.4-0.6 s). Each
    word found is then checked at its occurrences for the word boundaries."""
    global _searched_without_set
    lowered = text.lower()
    if len(vocabulary) > _FEW_WORDS and _searched_without_set >= _SET_PAYS_OFF:
        found = _word_set(tuple(vocabulary)).found(lowered)
    else:
        _searched_without_set += len(lowered)
        found = [word for word in vocabulary if word in lowered]
    return [word for word in found if _names_word(lowered, word)]


class _WordSet:
    """Which of some words a lower-cased text holds as substrings, in one pass of RE2's set matcher over its UTF-8
    bytes (an ASCII word is in the text exactly when it is in those bytes); a word that is not ASCII is always
    taken as found, for `_names_word` to tell."""

    def __init__(self, words: tuple[str, ...]) -> None:
        import re2

        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1  # one byte a character: surrogates and bad UTF-8 included
        self._set = re2.Set.SearchSet(options)
        self._words = words
        self._in_set: list[int] = []  # the word of each pattern in the set
        self._always: list[int] = []
        for index, word in enumerate(words):
            if word.isascii() and word:
                self._set.Add("".join(c if c.isalnum() else f"\\x{ord(c):02x}" for c in word))
                self._in_set.append(index)
            else:
                self._always.append(index)
        self._set.Compile()

    def found(self, lowered: str) -> list[str]:
        """The words the text may name, in the vocabulary's order."""
        data = lowered.encode("utf-8", "surrogatepass")
        indices = sorted([self._in_set[i] for i in self._set.Match(data) or ()] + self._always)
        return [self._words[i] for i in indices]


@functools.lru_cache(maxsize=8)
def _word_set(words: tuple[str, ...]) -> _WordSet:
    return _WordSet(words)


def _names_word(lowered: str, word: str) -> bool:
    """Whether the lower-cased text names `word` as a whole word, looked for in the text itself."""
    return _whole_word_in(lowered, word) if _RUN.fullmatch(word) else _mentions(lowered, {word})


def _whole_word_in(text: str, word: str) -> bool:
    """Whether `word` (word characters and dashes) is one of the text's runs of such characters somewhere: what
    `_mentions` tells, without a regex that starts with a look-behind (tried at every position of the text)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _WORDISH.match(text, at - 1)) and (end == len(text) or not _WORDISH.match(text, end)):
            return True
        at = text.find(word, at + 1)
    return False


def _written(repo: RepoView, path: str) -> list[str]:
    """The modules one notebook writes itself (`%%writefile helpers.py`)."""
    notebook = load_notebook(repo, path)
    if notebook is not None and notebook.error is None and "%%" in notebook.text:
        return sorted(notebook_modules(notebook.cells))
    return []


def _strings(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _well_formed(share: Any) -> bool:
    """True for a recorded share of a code file: None, or [import rows, installed names]."""
    if share is None:
        return True
    if not (type(share) is list and len(share) == 2 and type(share[0]) is list and _strings(share[1])):
        return False
    return all(
        type(row) is list and len(row) == 7 and type(row[0]) is str and type(row[1]) is int
        and type(row[2]) is int and _strings(row[3]) and type(row[4]) is bool and type(row[5]) is bool
        and (row[6] is None or type(row[6]) is int)
        for row in share[0]
    )


def _imports_of(share: Any) -> Iterator[tuple[Import, int | None, frozenset[str]]]:
    """(import, notebook cell or None, names the notebook installs itself) of one file's recorded imports (see
    `DependencyUseChecker._scan`; None: the file could not be read)."""
    if share is None:
        return
    rows, installs = share
    installs = frozenset(installs)
    for module, line, level, names, optional, in_function, cell in rows:
        yield Import(module, line, level, tuple(names), optional, in_function), cell, installs


def _contribution_ok(share: Any) -> bool:
    """True for a recorded contribution of a code file (see `DependencyUseChecker._contribution`)."""
    if not (type(share) is list and len(share) == 4 and type(share[0]) is bool and _strings(share[1])
            and _strings(share[2]) and type(share[3]) is list):
        return False
    return all(
        type(row) is list and len(row) == 4 and type(row[0]) is str and type(row[1]) is str and type(row[2]) is int
        and (row[3] is None or (type(row[3]) is list and len(row[3]) == 7 and type(row[3][0]) is str
                                and type(row[3][1]) is int and type(row[3][2]) is int and _strings(row[3][3])
                                and type(row[3][4]) is bool and type(row[3][5]) is bool
                                and (row[3][6] is None or type(row[3][6]) is int)))
        for row in share[3]
    )


def _is_code(path: str) -> bool:
    return path.endswith((".py", ".ipynb")) and "{{" not in path


def _module_key(imported: Import) -> str:
    """What a finding is about: the top-level module, or for a namespace package the part that names the
    distribution (`google.cloud.storage`)."""
    if imported.top in ("google", "azure", "backports", "zope", "jaraco", "sphinxcontrib"):
        parts = imported.module.split(".")
        if len(parts) < 3 and len(imported.names) == 1 and imported.top == "google" and parts[-1] == "cloud":
            parts.append(imported.names[0])
        return ".".join(parts[:3])
    return imported.top


def _suggestion(imported: Import) -> str:
    """The distribution to add: the table's first entry for a name that differs, else the name itself."""
    key = _module_key(imported)
    known = KNOWN_DISTRIBUTIONS.get(key) or KNOWN_DISTRIBUTIONS.get(imported.top)
    return known[0] if known else canonical(key.replace(".", "-"))


def _used_without_import(name: str) -> bool:
    return any(
        name == p or (p.endswith("*") and name.startswith(p[:-1])) or (p.startswith("*") and name.endswith(p[1:]))
        for p in USED_WITHOUT_IMPORT
    )


def _spellings(name: str) -> set[str]:
    """How code or a command line can name a distribution: `scikit-learn`, `scikit_learn`, `sklearn`."""
    names = {name, name.replace("-", "_")} | set(provided_names(name))
    return {n.split(".", 1)[0] for n in names if n}


def _mentions(text: str, words: set[str]) -> bool:
    """Whether the (lower-cased) text names one of the (lower-case) words as a whole word (`engine="pyarrow"`,
    `CMD uvicorn app:app`); a substring test first, the word boundaries only where it is found."""
    for word in words:
        if word in text and re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            return True
    return False


def _preference(path: str) -> tuple[int, bool, str] | None:
    """Which declaration file a fix should name first (None: not one to name): the main requirements file, then
    pyproject.toml, setup.py..., development files last."""
    name = posixpath.basename(path)
    patterns = ("requirements*.txt", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment*.y*ml",
                "*requirements*.in", "*.txt")
    for rank, pattern in enumerate(patterns):
        if fnmatch(name, pattern):
            return rank, is_development_file(path), path
    return None
