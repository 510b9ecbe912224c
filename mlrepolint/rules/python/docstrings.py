"""Docstrings on public modules, classes and functions."""

from __future__ import annotations

import ast
from typing import Union

from mlrepolint.api import (
    CONFIG, GENERATED, TEMPLATE, Context, PythonChecker, PythonFile, Rule, Severity, has_docstring,
)

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

_TEST_OPTION = {"include-tests": False}

MISSING_MODULE_DOCSTRING = Rule(
    code="MLR101",
    name="missing-module-docstring",
    notebooks=False,
    category="documentation",
    severity=Severity.WARNING,
    summary="Public module without a docstring",
    description=(
        "Reports a public module that has code but no docstring: a file whose name does not start with `_`, in "
        "no folder whose name does (a module of a private package such as `pkg/_internal/` is private too, as "
        "pydocstyle decides). Empty files, test files and the module docstring of `__init__.py` are skipped "
        "unless the options `include-tests` / `include-init` turn them on; so are files that are not modules in "
        "the project model (`mlrepolint explain`): configuration files (Sphinx `conf.py`, a `.py` file a script "
        "takes as its argument or runs with `exec`), templates and generated code."
    ),
    rationale=(
        "In an ML repository the module docstring is where a reader learns what a script trains, on which data, "
        "and how to run it; without it every `train_v2.py` has to be read line by line."
    ),
    fix="Add a docstring as the first statement of the module saying what it does and how to use it.",
    bad="import pandas as pd\n\n\ndef load(path):\n    return pd.read_csv(path)\n",
    good='"""Load the raw churn dataset."""\nimport pandas as pd\n',
    options={**_TEST_OPTION, "include-init": False},
)

MISSING_CLASS_DOCSTRING = Rule(
    code="MLR102",
    name="missing-class-docstring",
    notebooks=False,
    category="documentation",
    severity=Severity.WARNING,
    summary="Public class without a docstring",
    description=(
        "Reports a public class (name not starting with `_`, not defined inside a function) without a "
        "docstring (one its body assigns, `__doc__ = build_doc(...)`, counts). The finding is on the `class` "
        "line, not on its decorators. Test files are skipped unless `include-tests` is on."
    ),
    rationale=(
        "Model, dataset and trainer classes carry the assumptions of an experiment (input shapes, label "
        "encoding, device); a docstring is where they are written down."
    ),
    fix="Add a docstring saying what the class represents and what its constructor expects.",
    bad="class ChurnModel(nn.Module):\n    def forward(self, x):\n        ...\n",
    good='class ChurnModel(nn.Module):\n    """Two-layer MLP over the 42 churn features."""\n',
    options=dict(_TEST_OPTION),
)

MISSING_FUNCTION_DOCSTRING = Rule(
    code="MLR103",
    name="missing-function-docstring",
    notebooks=False,
    category="documentation",
    severity=Severity.WARNING,
    summary="Public function or method without a docstring",
    description=(
        "Reports a public function or method without a docstring. Not flagged: private names (leading `_`), "
        "dunder methods, functions nested in functions, `@overload` stubs, property setters and deleters, "
        "methods of private classes. The finding is on the `def` line, not on its decorators. Test files are "
        "skipped unless `include-tests` is on."
    ),
    rationale=(
        "Training and preprocessing functions hide choices (normalisation, split seeds, units) that callers "
        "must know; an undocumented `preprocess(df)` is how train/serve skew starts."
    ),
    fix="Add a docstring saying what the function does, its inputs and what it returns.",
    bad="def preprocess(df):\n    return (df - df.mean()) / df.std()\n",
    good='def preprocess(df):\n    """Standardise every column to zero mean and unit variance."""\n',
    options=dict(_TEST_OPTION),
)


#: Roles of Python files that are not modules anyone reads as an API: a docstring there documents nothing.
_NOT_MODULES = (CONFIG, TEMPLATE, GENERATED)


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _decorator_names(node: FunctionNode | ast.ClassDef) -> list[str]:
    names = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute):
            names.append(target.attr)
        elif isinstance(target, ast.Name):
            names.append(target.id)
    return names


def _is_exempt_function(node: FunctionNode) -> bool:
    if not _is_public(node.name):  # private and dunder names alike
        return True
    return any(name in ("overload", "setter", "deleter") for name in _decorator_names(node))


class DocstringChecker(PythonChecker):
    """Public definitions must say what they are."""

    rules = (MISSING_MODULE_DOCSTRING, MISSING_CLASS_DOCSTRING, MISSING_FUNCTION_DOCSTRING)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Walk module, class and function definitions that are public, skipping function bodies."""
        self._check_module(file, ctx)
        self._check_body(file, ctx, file.tree.body, in_public_class=None)

    def _skip_file(self, file: PythonFile, ctx: Context, rule: Rule) -> bool:
        return file.is_test and not ctx.options(rule)["include-tests"]

    def _check_module(self, file: PythonFile, ctx: Context) -> None:
        rule = MISSING_MODULE_DOCSTRING
        options = ctx.options(rule)
        if not file.tree.body or self._skip_file(file, ctx, rule):
            return
        if file.name == "__init__.py":
            if not options["include-init"]:
                return
        elif not all(_is_public(part) for part in file.path.split("/")):
            return
        if ctx.project.role_for(file.path, file.text).kind in _NOT_MODULES:
            return
        ctx.examine(rule)
        if not has_docstring(file.tree):
            ctx.report(rule, 1, 1, f"public module {file.name} has no docstring")

    def _check_body(self, file: PythonFile, ctx: Context, body: list[ast.stmt], in_public_class: bool | None) -> None:
        """Check the definitions in a module body (`in_public_class` None) or a class body."""
        for node in body:
            if isinstance(node, ast.ClassDef):
                public = _is_public(node.name) and in_public_class is not False
                if public and not self._skip_file(file, ctx, MISSING_CLASS_DOCSTRING):
                    ctx.examine(MISSING_CLASS_DOCSTRING)
                    if not has_docstring(node) and not _assigns_doc(node):
                        ctx.report(
                            MISSING_CLASS_DOCSTRING, node.lineno, node.col_offset + 1,
                            f"public class {node.name} has no docstring",
                        )
                self._check_body(file, ctx, node.body, in_public_class=public)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if in_public_class is False or _is_exempt_function(node):
                    continue
                if self._skip_file(file, ctx, MISSING_FUNCTION_DOCSTRING):
                    continue
                ctx.examine(MISSING_FUNCTION_DOCSTRING)
                if not has_docstring(node):
                    kind = "method" if in_public_class else "function"
                    ctx.report(
                        MISSING_FUNCTION_DOCSTRING, node.lineno, node.col_offset + 1,
                        f"public {kind} {node.name} has no docstring",
                    )
            elif isinstance(node, (ast.If, ast.Try)) and in_public_class is None:
                # Definitions under `if TYPE_CHECKING:` / `try: ... except ImportError:` are still module level.
                for block in _blocks(node):
                    self._check_body(file, ctx, block, in_public_class)


def _assigns_doc(node: ast.ClassDef) -> bool:
    """`__doc__ = make_doc(...)` in the class body: a docstring built at run time (skorch's estimators)."""
    return any(
        isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__doc__" for t in stmt.targets)
        for stmt in node.body
    )


def _blocks(node: ast.If | ast.Try) -> list[list[ast.stmt]]:
    if isinstance(node, ast.If):
        return [node.body, node.orelse]
    return [node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody]
