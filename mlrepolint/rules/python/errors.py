"""Logging and error handling: `print` for reporting, bare `except:`, exceptions swallowed without a trace."""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatchcase

from mlrepolint.api import (
    IMPORTABLE, Context, PythonChecker, PythonFile, Rule, Severity, dotted_name, is_main_guard,
)

#: Files whose job is to talk to a terminal or that are not importable library code.
PRINT_EXEMPT = (
    "setup.py", "__main__.py", "conftest.py", "noxfile.py", "conf.py", "manage.py", "cli.py",
    "scripts/*", "examples/*", "docs/*", "bin/*",
)
#: Functions whose purpose is to print (`show_versions()`, `print_summary()`), and a script's `main`.
ALLOWED_FUNCTIONS = ("main", "show_*", "print_*", "display_*", "pprint_*")
#: Names of the flags that make printing a documented option (`if verbose: print(...)`).
VERBOSE_FLAGS = ("verbose", "verbosity", "debug", "show_progress")

PRINT_IN_MODULE = Rule(
    code="MLR801",
    name="print-in-module",
    notebooks=False,
    category="logging-errors",
    severity=Severity.WARNING,
    summary="`print` used for reporting in an importable module instead of `logging`",
    description=(
        "Reports each `print(...)` call in an importable module: a library module, a package `__init__` or an "
        "app module (a FastAPI, Flask or Gradio app, a Lambda handler...), as the project model decides (see "
        "`mlrepolint explain`). Entry scripts and command-line tools may print, since their output is their "
        "interface: a file something runs (a Dockerfile, Makefile, README or CI command, `[project.scripts]`), a "
        "file with a `#!` line, a main guard or argument parsing, click/typer/fire commands, a loose script "
        "nothing imports; so may tests, configuration files, Streamlit pages, templates and notebooks (run by "
        "their kernel, never imported, even with the rule turned on for notebooks). Allowed anywhere: "
        "prints inside a function whose name matches `allowed-functions` (a script's `main`, `show_versions`, "
        "`print_summary`...), under an `if` that tests a verbosity flag (`if verbose:`, `if self.verbose > 1:`: "
        "printing is then a documented option, as in scikit-learn), inside the `if __name__ == "
        "\"__main__\":` block, `print(..., file=handle)` writing to a file other than `sys.stdout` / "
        "`sys.stderr`, and files matching `exempt` (`setup.py`, `__main__.py`, command-line modules named "
        "`cli.py`, `scripts/*`, `examples/*`, ...). The rubric counts modules: the share of importable modules "
        "that report through `logging`."
    ),
    rationale=(
        "Training progress and evaluation metrics printed to stdout cannot be filtered by level, timestamped, "
        "sent to a file or silenced when the module is imported by a serving process or a hyper-parameter "
        "sweep; `logging` can do all of that, and experiment trackers hook into it."
    ),
    fix=(
        "Create `logger = logging.getLogger(__name__)` at module level and call `logger.info(...)`; configure "
        "logging once in the script's `main()`."
    ),
    bad='def evaluate(model, X, y):\n    acc = model.score(X, y)\n    print(f"accuracy: {acc:.3f}")\n',
    good=(
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef evaluate(model, X, y):\n"
        '    acc = model.score(X, y)\n    logger.info("accuracy: %.3f", acc)\n'
    ),
    options={"allowed-functions": ALLOWED_FUNCTIONS, "exempt": PRINT_EXEMPT},
)

BARE_EXCEPT = Rule(
    code="MLR802",
    name="bare-except",
    category="logging-errors",
    severity=Severity.WARNING,
    summary="Bare `except:` catches everything, including KeyboardInterrupt",
    description=(
        "Reports an `except:` clause without an exception type. Not flagged: a bare `except:` whose body ends "
        "by re-raising (`raise`), the clean-up idiom. The rubric counts exception handlers: the share that name "
        "what they catch."
    ),
    rationale=(
        "A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`: a training run cannot be stopped "
        "with Ctrl-C, and CUDA out-of-memory errors or typos in a metric name turn into silently wrong results."
    ),
    fix="Catch the exceptions you expect (`except (ValueError, KeyError):`), or `except Exception:` and log it.",
    bad="try:\n    batch = next(loader)\nexcept:\n    batch = None\n",
    good="try:\n    batch = next(loader)\nexcept StopIteration:\n    batch = None\n",
)

SWALLOWED_EXCEPTION = Rule(
    code="MLR803",
    name="swallowed-exception",
    category="logging-errors",
    severity=Severity.WARNING,
    summary="A broad exception is caught and ignored (`except Exception: pass`)",
    description=(
        "Reports an exception handler that catches a broad type (bare `except:`, or one of `broad-exceptions`, "
        "alone or in a tuple) and does nothing with it: its body is only `pass`, `...`, `continue` or a "
        "string. Also reports `contextlib.suppress(Exception)`. Not flagged: narrow types (`except "
        "ImportError: pass`, `except KeyError: continue`), handlers that log, re-raise, return or assign, and "
        "three probes whose failure is an answer rather than an error: a `try` with an `else:` block (the code "
        "that runs only when the attempt worked: `try: model.set_grad_checkpointing()` / `except Exception: "
        "pass` / `else: ...`), a `try` whose one statement calls a private member of another object "
        "(`torch._C._jit_set_nvfuser_enabled(False)`: an internal switch not every version of the library "
        "has), and a `try` whose one statement is a lookup with no effect but its exception "
        "(`net.history[-1, \"foobar\"]`). The rubric counts exception handlers."
    ),
    rationale=(
        "A swallowed exception turns a failed data load, a NaN loss or a missing checkpoint into a run that "
        "finishes and reports wrong numbers, with nothing in the logs to say why."
    ),
    fix="Catch the specific exception you expect, or log it (`logger.exception(...)`) before carrying on.",
    bad="try:\n    model.load_state_dict(torch.load(path))\nexcept Exception:\n    pass\n",
    good=(
        "try:\n    model.load_state_dict(torch.load(path))\nexcept FileNotFoundError:\n"
        '    logger.warning("no checkpoint at %s, training from scratch", path)\n'
    ),
    options={"broad-exceptions": ("Exception", "BaseException")},
)

_SUPPRESS_CALLS = ("suppress", "contextlib.suppress")
#: `print` as a name of its own, then what can follow the callee of a call (its `(`, or the `)` or a comment of a
#: parenthesized callee): `fingerprint`, `pprint`, `print_fn`, `console.print` and "print the loss" in a docstring
#: call no builtin, and a plain substring test sent every file mentioning them into the walk of every expression.
#: The character before the name is tested apart (`_NAME_CHARACTER`): a regex that starts with a look-behind is
#: tried at every position of the text, and cost a tenth of a parse on NeMo.
_PRINT_NAME = re.compile(r"print[\s\\]*[(#)]")
_NAME_CHARACTER = re.compile(r"[.\w]")
_TRY_NODES = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
_STDOUT = ("sys.stdout", "sys.stderr")


def _is_print(call: ast.Call) -> bool:
    """A call of the builtin `print` that writes to the terminal (not `print(..., file=handle)`)."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "print"):
        return False
    for keyword in call.keywords:
        if keyword.arg == "file":
            return dotted_name(keyword.value) in _STDOUT
    return True


def _prints(file: PythonFile, allowed: tuple[str, ...]) -> list[ast.Call]:
    """Print calls in the file, except those inside allowed functions or an `if __name__ == "__main__":` block.

    From the file's one shared walk: a call lies inside a node exactly when its position lies in the node's
    span (a function's span starts at its first decorator), so no second walk of the tree is needed.
    """
    lines = _print_lines(file.text)
    if not lines:  # no call of print: spare the walk of every expression
        return []
    # Only the statements on those lines have their expressions walked (a file with '\r' in it, whose line
    # numbers the text cannot tell as the parser counts them, walks them all).
    calls = file.nodes(ast.Call) if "\r" in file.text else file.nodes_on_lines(lines, ast.Call)
    prints = [call for call in calls if _is_print(call)]  # type: ignore[arg-type]
    if not prints:
        return prints
    skipped = [
        _span(node) for node in file.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.If)
        if (any(fnmatchcase(node.name, glob) for glob in allowed) if not isinstance(node, ast.If)  # type: ignore
            else is_main_guard(node) or _tests_verbosity(node.test))
    ]
    return [
        call for call in prints
        if not any(begin <= (call.lineno, call.col_offset) <= end for begin, end in skipped)
    ]


def _print_lines(text: str) -> set[int]:
    """The lines (1-based, counted at each newline) where a call of `print` can start: `print` as a name of its own
    followed by what can follow a callee (see _PRINT_NAME)."""
    lines: set[int] = set()
    line, counted = 1, 0
    for match in _PRINT_NAME.finditer(text):
        start = match.start()
        if start and _NAME_CHARACTER.match(text, start - 1):
            continue  # `fingerprint(`, `pprint(`, `console.print(`
        line += text.count("\n", counted, start)
        counted = start
        lines.add(line)
    return lines


def _tests_verbosity(test: ast.expr) -> bool:
    """`if verbose:`, `if self.verbose > 0:`, `if verbose and x:`: a test of a verbosity flag."""
    for node in ast.walk(test):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and name.lstrip("_") in VERBOSE_FLAGS:
            return True
    return False


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    """(line, column) of a statement's start (its first decorator's `@`) and of its end."""
    first = min(
        [(node.lineno, node.col_offset)]  # type: ignore[attr-defined]
        + [(d.lineno, d.col_offset - 1) for d in getattr(node, "decorator_list", ())]
    )
    return first, (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


def _type_names(node: ast.expr | None) -> list[str]:
    """The dotted names an `except` clause catches (`[]` for a bare `except:`)."""
    if node is None:
        return []
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return [dotted_name(item) or "" for item in items]


def _is_broad(names: list[str], broad: tuple[str, ...]) -> bool:
    return not names or any(name.split(".")[-1] in broad for name in names)


def _does_nothing(body: list[ast.stmt]) -> bool:
    """Only `pass`, `...`, `continue` or string literals."""
    for stmt in body:
        if isinstance(stmt, (ast.Pass, ast.Continue)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (
            stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)
        ):
            continue
        return False
    return True


def _is_probe(node: ast.Try) -> bool:
    """A `try` that asks a question rather than does work: its failure is an expected answer.

    With an `else:` block, the failure is one branch of a decision (the `else:` is the other). With one
    statement that calls a private member of another object (`torch._C._jit_set_nvfuser_enabled(False)`), it
    flips an internal switch that some versions of the library lack. With one statement that is a bare lookup
    (`net.history[-1, "foobar"]`), the statement has no effect but its exception, so raising is what it is for.
    """
    if node.orelse:
        return True
    if len(node.body) != 1 or not isinstance(node.body[0], ast.Expr):
        return False
    value = node.body[0].value
    if isinstance(value, (ast.Subscript, ast.Attribute, ast.Name)):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        owner = value.func.value
        private = value.func.attr.startswith("_") and not value.func.attr.startswith("__")
        return private and not (isinstance(owner, ast.Name) and owner.id in ("self", "cls"))
    return False


def _reraises(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Raise) and body[-1].exc is None


class ErrorHandlingChecker(PythonChecker):
    """Finds print-based reporting, bare excepts and swallowed exceptions in one walk."""

    rules = (PRINT_IN_MODULE, BARE_EXCEPT, SWALLOWED_EXCEPTION)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Examine the module once for prints, then every exception handler."""
        self._check_prints(file, ctx)
        broad = tuple(ctx.options(SWALLOWED_EXCEPTION)["broad-exceptions"])
        handlers_of = {
            id(handler): node for node in file.nodes(*_TRY_NODES) for handler in node.handlers  # type: ignore
        }
        for node in file.nodes(ast.ExceptHandler, ast.With, ast.AsyncWith):  # the file's one shared walk
            if isinstance(node, ast.ExceptHandler):
                self._check_handler(node, broad, ctx, handlers_of.get(id(node)))
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                self._check_suppress(node, broad, ctx)

    def _check_prints(self, file: PythonFile, ctx: Context) -> None:
        options = ctx.options(PRINT_IN_MODULE)
        # A notebook is run by its kernel, never imported, whatever its cells define (and deciding the role of a
        # file the model does not list costs a prescan of it).
        if file.notebook is not None or file.is_test or file.matches_any(tuple(options["exempt"])):
            return
        role = ctx.project.role_for(file.path, file.text)
        if role.kind not in IMPORTABLE or role.framework == "streamlit":
            return
        ctx.examine(PRINT_IN_MODULE)
        calls = sorted(_prints(file, tuple(options["allowed-functions"])), key=lambda c: (c.lineno, c.col_offset))
        for call in calls:
            ctx.report(
                PRINT_IN_MODULE, call.lineno, call.col_offset + 1,
                "`print` used for reporting in an importable module; use `logging`",
            )

    def _check_handler(
        self, handler: ast.ExceptHandler, broad: tuple[str, ...], ctx: Context, try_node: ast.Try | None
    ) -> None:
        ctx.examine(BARE_EXCEPT)
        ctx.examine(SWALLOWED_EXCEPTION)
        names = _type_names(handler.type)
        if handler.type is None and not _reraises(handler.body):
            ctx.report(BARE_EXCEPT, handler.lineno, handler.col_offset + 1, "bare `except:` catches everything")
        if _is_broad(names, broad) and _does_nothing(handler.body) and not (try_node and _is_probe(try_node)):
            caught = "everything" if not names else ", ".join(names)
            ctx.report(
                SWALLOWED_EXCEPTION, handler.lineno, handler.col_offset + 1,
                f"exception handler catches {caught} and ignores it",
            )

    def _check_suppress(self, node: ast.With | ast.AsyncWith, broad: tuple[str, ...], ctx: Context) -> None:
        for item in node.items:
            call = item.context_expr
            if not (isinstance(call, ast.Call) and dotted_name(call.func) in _SUPPRESS_CALLS):
                continue
            ctx.examine(SWALLOWED_EXCEPTION)
            names = [dotted_name(arg) or "" for arg in call.args]
            if names and _is_broad(names, broad):
                ctx.report(
                    SWALLOWED_EXCEPTION, call.lineno, call.col_offset + 1,
                    f"`suppress({', '.join(names)})` ignores every error in the block",
                )
