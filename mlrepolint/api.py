"""The public API for checkers: everything a plugin (and every built-in checker) imports, and nothing else.

A checker is a class that declares its rules and reports violations of them::

    import ast

    from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, dotted_name

    UNSAFE_LOAD = Rule(
        code="MLR490", name="unsafe-torch-load", category="security", severity=Severity.ERROR,
        summary="...", description="...", rationale="...", fix="...", bad="...", good="...",
        options={"allow": ["tests/*"]},  # option name -> default; the default's type is the option's type
    )

    class TorchLoadChecker(PythonChecker):
        rules = (UNSAFE_LOAD,)

        def check(self, file: PythonFile, ctx: Context) -> None:
            for node in ast.walk(file.tree):
                if isinstance(node, ast.Call) and dotted_name(node.func) == "torch.load":
                    ctx.report(UNSAFE_LOAD, node.lineno, node.col_offset + 1, "torch.load without weights_only")

and registers it under the `mlrepolint.checkers` entry point group in its distribution's `pyproject.toml`::

    [project.entry-points."mlrepolint.checkers"]
    torch-load = "my_package.checks:TorchLoadChecker"

- `PythonChecker.check(file, ctx)` runs once per Python file: `file` is a `PythonFile` (`path` relative to the
  repository root, `text`, `tree` (a stdlib `ast.Module`), `lines`, `tokens`, `name`, `is_test`), parsed once
  and shared by every checker. Files that do not parse never reach checkers (they are `parse-error` findings).
- Notebooks (`.ipynb`) reach the same `check(file, ctx)` as one `PythonFile` of their code cells, IPython syntax
  (`%magic`, `!shell`, `obj?`) blanked, cell magics that are not Python (`%%bash`) left out, cells two blank lines
  apart: report module lines as for any file and the finding lands in its cell. `file.notebook` is None for a
  `.py` file and a `CellMap` for a notebook: its `cells` (each a `Cell`: `number`, counting every cell from 1,
  `start` line in the module, `lines`, `execution_count`, `outputs`, `in_module`, `empty`), `cell_at(line)` and
  `locate(line) -> (cell, line in cell)`. Only the rules of the notebook profile run on notebooks (`Rule(...,
  notebooks=False)` keeps a rule out; the user's `[tool.mlrepolint.notebooks]` and a rule's `notebooks` option
  decide last). The reader is public too: `parse_notebook(data) -> Notebook` (`document`, `cells`, `metadata`,
  `error`, never raising), `cell_source(cell)`, `execution_count(cell)`, `keeps_output(notebook, cell)`.
- `RepoChecker.check(repo, ctx)` runs once per repository: `repo` is a `RepoView` (`root`, `files`, each a
  `RepoFile` with `path` and `tracked`; `is_git`; `matching(globs)` (gitignore-style patterns; `fnmatch_any(globs)`
  tests a name or path against fnmatch globs at once, API 1.8); safe `size`, `read_bytes(path, limit)` and
  `read_text(path, limit)` that never leave the repository and open only regular files, never blocking: a FIFO or
  device is None. With `limit` they read at most that many bytes; without, a file over 32 MiB
  (`mlrepolint.repo.MAX_READ_BYTES`) is None, and `size` tells it from an unreadable one). Read nothing from the
  disk except through it: a repository checker's result is cached with the stat of every file it read through
  the view, and it runs again only when one of them, the file list or the project model changed (API 1.5).
  `repo.per_file(namespace, path, compute, valid)` is `compute()`, a JSON value that depends on that one file
  alone (what the checker finds in it), kept in the cache under the file's stat: a re-run redoes only the shares of
  the files that changed (name the namespace after what is computed, and the options it depends on). A checker
  whose every finding is about one file and depends on that file alone sets `by_file = True`: in a run limited to
  named files (the pre-commit hook) it is shown those files only. A checker whose share of a Python file or
  notebook can be computed from its bytes alone defines `shares_of_source(source, ctx) -> {namespace: value}`:
  the per-file pass, which reads those files anyway (in parallel, in its workers), calls it with a `ReadSource`
  (`path`, `data`, `size`, `text` as `read_text` decodes it, `notebook` parsed for a `.ipynb`, `tree` of `text`
  when the pass parsed it), and `per_file`
  then finds the values ready while the file is unchanged; such a checker runs after the per-file pass (API 1.7).
- `ctx.report(rule, line, column, message, path=None)` records a violation (1-based line and column, or None
  for a whole file; repository checkers pass `path`). `ctx.options(rule)` is the rule's options: its declared
  defaults overridden by the user's `[tool.mlrepolint.rules.<name>]`. `ctx.examine(rule, n)` records how many
  things the rule looked at (scripts, functions, files), the denominator of its score.
- `ctx.project` is the project model (`Project`, built once per run, the same in every checker and worker):
  `ctx.project.role_for(file.path, file.text)` is what a Python file is for, a `Role` with a `kind`
  (`ENTRY_SCRIPT`, `LIBRARY_MODULE`, `PACKAGE_INIT`, `APP_MODULE`, `TEST`, `CONFIG`, `TEMPLATE`, `GENERATED`;
  `IMPORTABLE` holds the kinds other code imports), a `reason` and a `framework` (`fastapi`, `streamlit`,
  `lambda`, `click`, `argparse`...); `ctx.project.role(path)` is the role of any listed file (other files:
  `DVC_MANAGED`, `DOCS_ASSET`, `TEST_FIXTURE`, `RESULT_TABLE`, `TEMPLATE`, or None); `ctx.project.kind` is the
  repository's (`LIBRARY`, `APPLICATION`, `PIPELINE`, `COLLECTION`, `TEMPLATE`, with `kind_reason`);
  `packages`, `modules` (path -> dotted name) and `imported` (module path -> a file that imports it) describe
  the import structure; `linked` maps the files the repository's Markdown links to onto the linking file.
  `mlrepolint explain` prints the model. A per-file checker's findings are cached with the file's content and
  what the model says of that file (`Project.key`): decide from the file's own role. Template files are never
  parsed, so per-file checkers never see them.
- `scan_imports(text)` lists a Python source's import statements without parsing it (each an `Import`: `module`,
  `line`, `level`, `names`, `optional` inside `try`/`except ImportError` or `if TYPE_CHECKING:`, `in_function`),
  the scan the project model and the dependency rules use (API 1.6).
- `lazy(pattern, flags)` stands for `re.compile(pattern, flags)` compiled on first use, for a module's patterns
  used only through their methods (`search`, `finditer`...): a run that never needs one never compiles it, and the
  flake8 plugin and the pre-commit hook start a process per file (API 1.9).
- A repository checker that parses a file itself (a notebook, a YAML config) and cannot reports it with
  `ctx.report(PARSE_ERROR, line, column, message, path=...)` and goes on with the next file.
- A rule's `category` must be one of `CATEGORIES`. Its code is `MLR` and three digits, in the range of its
  category (MLR4xx security, MLR8xx logging and errors, ...; see `mlrepolint.rules.base`); mlrepolint's own
  rules leave `MLRx90`-`MLRx99` of each range to plugins. A code or name already taken (`mlrepolint rules` lists
  them) gets the plugin skipped with a warning. Plugin rules are selected, ignored, configured, suppressed and
  scored exactly like built-in ones.

Checkers never import, execute or evaluate the linted code, never print and never write.

`tomllib` is the standard library's TOML parser, or `tomli` where the standard library has none. Prefer
`parse_toml(text)`: the same parser, but every way it can fail on a repository's file (nesting deep enough to
exhaust the parser's recursion included) is one `TOMLError` with a `message` and a `line`.

`API_VERSION` is `(major, minor)`: the minor number grows when something is added here, the major number when
something here changes incompatibly (1.1 added the project model: `ctx.project` and its types). A plugin that
needs more than the installed version offers can say so at import time (`if API_VERSION < (1, 1): raise
ImportError("needs mlrepolint plugin API 1.1")`): it is then skipped with that message as a warning, and the run
goes on.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlrepolint.astutil import dotted_name, has_docstring, is_main_guard, keyword_value, matches
    from mlrepolint.config import TOMLError, parse_toml, tomllib
    from mlrepolint.importscan import Import, scan_imports
    from mlrepolint.notebook import Cell, CellMap, Notebook, cell_source, execution_count, keeps_output, parse_notebook
    from mlrepolint.patterns import fnmatch_any
    from mlrepolint.project import (
        APP_MODULE, APPLICATION, COLLECTION, CONFIG, DOCS_ASSET, DVC_MANAGED, ENTRY_SCRIPT, GENERATED, IMPORTABLE,
        LIBRARY, LIBRARY_MODULE, PACKAGE_INIT, PIPELINE, RESULT_TABLE, TEMPLATE, TEST, TEST_FIXTURE, Package, Project,
        Role,
    )
    from mlrepolint.regex import lazy
    from mlrepolint.repo import ReadSource, RepoFile, RepoView, gitignore_spec, valid_gitignore_lines
    from mlrepolint.rules.base import (
        CATEGORIES, Applicability, Autofix, Context, PythonChecker, RepoChecker, Rule, Severity,
    )
    from mlrepolint.rules.meta import PARSE_ERROR
    from mlrepolint.source import PythonFile, is_test_path

#: Where each name lives. A name is imported on first use (PEP 562), so a checker that imports five names does not
#: load the notebook reader, the project model's builder or the configuration reader with them: the flake8 plugin
#: and the pre-commit hook start a process per file.
_HOMES = {
    "mlrepolint.astutil": ("dotted_name", "has_docstring", "is_main_guard", "keyword_value", "matches"),
    "mlrepolint.config": ("TOMLError", "parse_toml", "tomllib"),
    "mlrepolint.importscan": ("Import", "scan_imports"),
    "mlrepolint.notebook": ("Cell", "CellMap", "Notebook", "cell_source", "execution_count", "keeps_output",
                            "parse_notebook"),
    "mlrepolint.patterns": ("fnmatch_any",),
    "mlrepolint.project": ("APP_MODULE", "APPLICATION", "COLLECTION", "CONFIG", "DOCS_ASSET", "DVC_MANAGED",
                           "ENTRY_SCRIPT", "GENERATED", "IMPORTABLE", "LIBRARY", "LIBRARY_MODULE", "PACKAGE_INIT",
                           "PIPELINE", "RESULT_TABLE", "TEMPLATE", "TEST", "TEST_FIXTURE", "Package", "Project",
                           "Role"),
    "mlrepolint.regex": ("lazy",),
    "mlrepolint.repo": ("ReadSource", "RepoFile", "RepoView", "gitignore_spec", "valid_gitignore_lines"),
    "mlrepolint.rules.base": ("CATEGORIES", "Applicability", "Autofix", "Context", "PythonChecker", "RepoChecker",
                              "Rule", "Severity"),
    "mlrepolint.rules.meta": ("PARSE_ERROR",),
    "mlrepolint.source": ("PythonFile", "is_test_path"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain global
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME_OF))


# 1.1: parse_toml, TOMLError; 1.2: the project model (Project, Role, the roles); 1.3: notebooks (PythonFile.notebook,
# CellMap, Cell, the notebook reader); 1.4: Autofix, Applicability (a rule's fixes); 1.5: RepoView.per_file,
# RepoChecker.by_file (a repository checker's per-file shares, cached); 1.6: scan_imports, Import; 1.7:
# RepoChecker.shares_of_source, ReadSource (shares computed by the per-file pass); 1.8: fnmatch_any; 1.9: lazy (a
# regular expression compiled on first use)
API_VERSION = (1, 9)

__all__ = [
    "API_VERSION",
    "APPLICATION",
    "APP_MODULE",
    "CATEGORIES",
    "Cell",
    "CellMap",
    "Import",
    "COLLECTION",
    "CONFIG",
    "DOCS_ASSET",
    "DVC_MANAGED",
    "ENTRY_SCRIPT",
    "GENERATED",
    "IMPORTABLE",
    "LIBRARY",
    "LIBRARY_MODULE",
    "Notebook",
    "PACKAGE_INIT",
    "PARSE_ERROR",
    "PIPELINE",
    "RESULT_TABLE",
    "TEMPLATE",
    "TEST",
    "TEST_FIXTURE",
    "Applicability",
    "Autofix",
    "Context",
    "Package",
    "Project",
    "PythonChecker",
    "PythonFile",
    "ReadSource",
    "RepoChecker",
    "RepoFile",
    "RepoView",
    "Role",
    "Rule",
    "Severity",
    "cell_source",
    "execution_count",
    "keeps_output",
    "parse_notebook",
    "scan_imports",
    "TOMLError",
    "dotted_name",
    "fnmatch_any",
    "gitignore_spec",
    "has_docstring",
    "is_main_guard",
    "is_test_path",
    "keyword_value",
    "lazy",
    "matches",
    "parse_toml",
    "tomllib",
    "valid_gitignore_lines",
]
