"""Scripts versus importable modules: work done at import time, and the `__main__` guard."""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from typing import Iterator

from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, dotted_name, is_main_guard, matches

#: Files whose top level is meant to run: packaging, test configuration, Sphinx, entry points, task runners.
EXEMPT_FILES = ("setup.py", "conftest.py", "conf.py", "__main__.py", "noxfile.py", "fabfile.py", "manage.py")

#: Calls that load data, train, evaluate or do I/O: assigning their result at module level does real work.
WORK_CALLS = (
    "open", "*.open", "read_*", "*.read_*", "*.read", "*.load", "*.loads", "load", "np.load*", "*.loadtxt",
    "*.genfromtxt", "*.from_pretrained", "load_dataset", "*.load_dataset", "*.fit", "*.fit_transform",
    "*.fit_generator", "*.partial_fit", "*.train", "*.predict", "*.predict_proba", "*.transform", "*.evaluate",
    "*.score", "cross_val_score", "*.cross_val_score", "cross_validate", "train_test_split",
    "*.train_test_split", "requests.*", "httpx.*", "urlopen", "*.urlopen", "*.download", "*.urlretrieve",
    "*.connect", "create_engine", "*.create_engine", "*.execute", "*.query", "*.sql", "*.parse_args",
    "subprocess.*", "os.system", "os.popen", "*.to_csv", "*.to_parquet", "*.save", "*.savefig", "*.dump",
    "input", "*.glob", "glob", "*.listdir", "*.walk", "*.iterdir", "*.compute", "*.collect", "*.safe_load",
)
#: Module-level calls that configure rather than work, allowed as bare expression statements.
ALLOWED_CALLS = (
    "warnings.*", "matplotlib.use", "mpl.use", "sys.path.*", "os.environ.setdefault", "load_dotenv",
    "dotenv.load_dotenv", "*.seed", "*.manual_seed", "set_seed", "*.set_seed", "pd.set_option",
    "pd.options.*", "np.set_printoptions", "sns.set*", "plt.style.use", "plt.rc", "plt.rcParams.update",
    "*.setLevel", "*.addHandler", "logging.basicConfig", "*.register", "register_*", "*.register_*",
    "*.add_argument", "*.add_argument_group", "*.set_defaults", "*.filterwarnings", "*.simplefilter",
    "*.disable_eager_execution", "*.set_verbosity*", "*.set_float32_matmul_precision", "*.set_num_threads",
    "*.set_default_dtype", "*.use_deterministic_algorithms", "*.extend", "*.append", "*.update",
    "*.insert", "*.setdefault", "__all__.*", "nltk.download", "*.importorskip",
)

TOP_LEVEL_EXECUTION = Rule(
    code="MLR201",
    name="top-level-execution",
    category="structure",
    severity=Severity.WARNING,
    summary="Module-level statement does work at import time",
    description=(
        "Reports a module-level statement outside the `if __name__ == \"__main__\":` guard that does work when "
        "the module is imported: a call used as a statement (`main()`, `model.fit(X, y)`, `plt.show()`), a "
        "`for` / `while` / `with` block, or an assignment whose value calls a data-loading, training or I/O "
        "function (option `work-calls`, glob patterns over the dotted call name such as `*.read_*` or "
        "`torch.load`). Statements inside module-level `if` and `try` blocks count too. Not flagged: imports, "
        "definitions, docstrings, constants, `__all__`, `logger = logging.getLogger(...)`, `TypeVar(...)`, "
        "`re.compile(...)`, `app = FastAPI()`, `if TYPE_CHECKING:`, `try: import x / except ImportError:`, and "
        "configuration calls listed in `allowed-calls` (`warnings.filterwarnings`, `np.random.seed`, ...). "
        "Files in `exempt` (`setup.py`, `conftest.py`, Sphinx `conf.py`, `__main__.py`, `noxfile.py`, ...) are "
        "skipped; notebooks are not Python files here."
    ),
    rationale=(
        "A notebook turned into `train.py` loads the dataset and trains the model the moment anything imports "
        "it: tests, a serving app or `multiprocessing` workers re-run the whole pipeline, and no function in it "
        "can be reused or tested on its own."
    ),
    fix=(
        "Move the work into functions and call them from `main()` under `if __name__ == \"__main__\":`; keep "
        "only imports, constants and definitions at module level."
    ),
    bad='import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\nmodel.fit(df[FEATURES], df["y"])\n',
    good=(
        'import pandas as pd\n\n\ndef main():\n    df = pd.read_csv("data/train.csv")\n'
        '    model.fit(df[FEATURES], df["y"])\n\n\nif __name__ == "__main__":\n    main()\n'
    ),
    options={"work-calls": WORK_CALLS, "allowed-calls": ALLOWED_CALLS, "exempt": EXEMPT_FILES},
)

MISSING_MAIN_GUARD = Rule(
    code="MLR202",
    name="missing-main-guard",
    category="structure",
    severity=Severity.WARNING,
    summary="Script without an `if __name__ == \"__main__\":` guard",
    description=(
        "Reports, once per file, a script without a main guard. A script is a module that does work at its top "
        "level (as `top-level-execution` defines it) or starts with a `#!` line. Either quote style and either "
        "operand order count as a guard; `!=` does not. Library modules with no top-level work are never asked "
        "for a guard. Files exempt from `top-level-execution` are exempt here too."
    ),
    rationale=(
        "Without the guard a training script cannot be imported by tests, by a serving process or by "
        "`multiprocessing` (DataLoader workers re-import the main module) without running the whole job."
    ),
    fix="Wrap the script's work in `main()` and call it under `if __name__ == \"__main__\":`.",
    bad='#!/usr/bin/env python\nimport train\n\ntrain.run("config.yaml")\n',
    good='#!/usr/bin/env python\nimport train\n\nif __name__ == "__main__":\n    train.run("config.yaml")\n',
)


def _is_type_checking(node: ast.If) -> bool:
    return dotted_name(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _calls_outside_lambdas(node: ast.AST) -> Iterator[ast.Call]:
    """Calls evaluated when the expression is, so not those inside lambdas (deferred)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.Call):
            yield current
        stack.extend(ast.iter_child_nodes(current))


class StructureChecker(PythonChecker):
    """Finds work done at import time and scripts without a main guard."""

    rules = (TOP_LEVEL_EXECUTION, MISSING_MAIN_GUARD)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Scan the module's top level once for both rules."""
        options = ctx.options(TOP_LEVEL_EXECUTION)
        if any(fnmatchcase(file.name, glob) or fnmatchcase(file.path, glob) for glob in options["exempt"]):
            return
        work = list(self._work(file.tree.body, options))
        ctx.examine(TOP_LEVEL_EXECUTION)
        for node, what in work:
            ctx.report(TOP_LEVEL_EXECUTION, node.lineno, node.col_offset + 1, f"{what} at module level runs on import")
        shebang = file.text.startswith("#!")
        if not (work or shebang):
            return
        ctx.examine(MISSING_MAIN_GUARD)
        if not any(is_main_guard(node) for node in file.tree.body):
            line = work[0][0].lineno if work else 1
            kind = "script" if work else "executable script (#!)"
            ctx.report(MISSING_MAIN_GUARD, line, 1, f"{kind} has no `if __name__ == \"__main__\":` guard")

    def _work(self, body: list[ast.stmt], options: dict) -> Iterator[tuple[ast.stmt, str]]:
        """(statement, description) for each module-level statement that does work on import."""
        for node in body:
            if is_main_guard(node):
                continue
            if isinstance(node, ast.Expr):
                what = self._expression_work(node.value, options)
                if what:
                    yield node, what
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                yield node, "`for` loop"
            elif isinstance(node, ast.While):
                yield node, "`while` loop"
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                yield node, "`with` block"
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                call = self._work_call(node.value, options) if node.value is not None else None
                if call:
                    yield node, f"assignment from `{call}(...)`"
            elif isinstance(node, ast.If):
                if not _is_type_checking(node):
                    yield from self._work(node.body + node.orelse, options)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                blocks = [node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody]
                yield from self._work([stmt for block in blocks for stmt in block], options)

    def _expression_work(self, value: ast.expr, options: dict) -> str | None:
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return None
        name = dotted_name(value.func)
        if matches(name, options["allowed-calls"]):
            return None
        return f"call `{name or 'expression'}(...)`"

    def _work_call(self, value: ast.expr, options: dict) -> str | None:
        for call in _calls_outside_lambdas(value):
            name = dotted_name(call.func)
            if matches(name, options["work-calls"]) and not matches(name, options["allowed-calls"]):
                return name
        return None
