"""Scripts versus importable modules: work done at import time, the `__main__` guard, and global configuration
done at import time. What a file is for comes from the project model (`ctx.project`)."""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from typing import Iterator

from mlrepolint.api import (
    APP_MODULE, CONFIG, ENTRY_SCRIPT, GENERATED, LIBRARY_MODULE, PACKAGE_INIT, TEMPLATE, Context, PythonChecker,
    PythonFile, Role, Rule, Severity, dotted_name, is_main_guard, matches, Applicability, Autofix,
)

#: The unsafe fix of both rules: the same restructuring, made once per script.
MAIN_FUNCTION_FIX = Autofix(
    Applicability.UNSAFE,
    "In an entry script without a main guard: moves the module-level work into `def main():` and adds `if "
    "__name__ == \"__main__\": main()`, keeping imports, constants, definitions and declarations at module level "
    "and every comment (a script that defines `main` and calls it at module level gets the guard around the call). "
    "Refused, with the reason, when the move could change what the script does: a moved name "
    "is read by a function or class at module level or is rebound there, a `global` statement, `__all__` naming "
    "a moved name, a star import, `globals()`/`locals()`/`vars()`/`exec`/`eval`, or another module of the "
    "repository importing the script.",
)

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
#: Module-level calls that configure or register rather than work, allowed as bare expression statements.
ALLOWED_CALLS = (
    "warnings.*", "matplotlib.use", "mpl.use", "sys.path.*", "os.environ.setdefault", "load_dotenv",
    "dotenv.load_dotenv", "*.seed", "*.manual_seed", "set_seed", "*.set_seed", "pd.set_option",
    "pd.options.*", "np.set_printoptions", "sns.set*", "plt.style.use", "plt.rc", "plt.rcParams.update",
    "*.setLevel", "*.addHandler", "logging.basicConfig", "*.register", "register_*", "*.register_*",
    "_register*", "*._register*", "*.add_argument", "*.add_argument_group", "*.set_defaults", "*.filterwarnings",
    "*.simplefilter", "*.disable_eager_execution", "*.set_verbosity*", "*.set_float32_matmul_precision",
    "*.set_num_threads", "*.set_default_dtype", "*.use_deterministic_algorithms", "*.extend", "*.append",
    "*.update", "*.insert", "*.setdefault", "*.add", "__all__.*", "nltk.download", "*.importorskip",
    "importlib.import_module", "setattr", "*.include_router", "*.add_middleware", "*.mount", "*.add_url_rule",
    "*.register_blueprint", "*.add_api_route", "*.add_exception_handler", "*.add_event_handler", "mlflow.set_*",
    "mlflow.autolog", "mlflow.*.autolog", "rootutils.setup_root", "pyrootutils.setup_root", "torch._C._jit_set_*",
)
#: What an app module may do at import to load what it serves (the cold-start pattern of Lambda and web apps).
LOADING_CALLS = (
    "open", "*.open", "load", "*.load", "load_*", "*.load_*", "*.loads", "*.safe_load", "*.from_pretrained",
    "pipeline", "*.pipeline", "read_*", "*.read_*", "*.read", "*.download*", "*.get_object", "*.eval", "*.to",
    "*.cuda", "*.load_state_dict", "np.load*", "*.Booster", "*.client", "*.resource",
    "print", "logging.*", "logger.*", "log.*", "traceback.print_exc",  # saying that the load worked, or did not
    "gr.*", "gradio.*", "*.click", "*.change", "*.submit", "*.then", "*.select", "*.upload",  # a Gradio UI
    "*.Interpreter", "*.allocate_tensors", "*.get_input_details", "*.get_output_details",  # a TFLite model
)

TOP_LEVEL_EXECUTION = Rule(
    code="MLR201",
    name="top-level-execution",
    notebooks=False,
    category="structure",
    severity=Severity.WARNING,
    summary="Module-level statement does work at import time",
    description=(
        "Reports a module-level statement outside the `if __name__ == \"__main__\":` guard that does work when "
        "the module is imported: a call used as a statement (`main()`, `model.fit(X, y)`, `plt.show()`), a "
        "`while` or `with` block, a `for` loop whose body (or what it loops over) does such work, or an "
        "assignment whose value calls a data-loading, training or I/O function (option `work-calls`, glob "
        "patterns over the dotted call name such as `*.read_*` or `torch.load`) or a function of the repository "
        "that does: one defined in the same file whose body calls a `work-calls` function, or one imported from "
        "a loose module of the repository (`from utils import load_data`) that does I/O. Statements inside "
        "module-level `if` and `try` blocks count too.\n\n"
        "Applies to entry scripts, library modules, package `__init__`s and app modules (see `mlrepolint "
        "explain`), and test modules. Not flagged: imports, definitions, docstrings, constants, `__all__`, "
        "`logger = logging.getLogger(...)`, `TypeVar(...)`, `re.compile(...)`, `app = FastAPI()`, `if "
        "TYPE_CHECKING:`, `try: import x / except ImportError:`, loops that only fill in-memory constants "
        "(`for k in NAMES: TABLE[k] = ...`), configuration and registration calls listed in `allowed-calls` "
        "(`warnings.filterwarnings`, `np.random.seed`, `register_model(...)`, `app.include_router(...)`, "
        "`mlflow.set_tracking_uri(...)`; `import-time-configuration` reports configuration in importable "
        "modules). In an app module (a FastAPI, Flask, Gradio or Ray Serve app, an AWS Lambda handler...), "
        "loading what it serves at import (`model = joblib.load(...)`, `with open(...) as f: model = "
        "pickle.load(f)`: the cold-start pattern) is not flagged. Never checked: Streamlit pages (Streamlit "
        "runs them top to bottom), Sphinx-Gallery examples, configuration files (`setup.py`, Sphinx `conf.py`, "
        "`hubconf.py`...), templates and generated code, and files in `exempt` (`setup.py`, `conftest.py`, "
        "`__main__.py`, `noxfile.py`, ...); notebooks are not Python files here."
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
    autofixes=(MAIN_FUNCTION_FIX,),
)

MISSING_MAIN_GUARD = Rule(
    code="MLR202",
    name="missing-main-guard",
    notebooks=False,
    category="structure",
    severity=Severity.WARNING,
    summary="Script without an `if __name__ == \"__main__\":` guard",
    description=(
        "Reports, once per file, an entry script without a main guard that does work at its top level (as "
        "`top-level-execution` defines it) or starts with a `#!` line. Entry scripts are what the project model "
        "says is run (see `mlrepolint explain`): a file named as something to run by a Dockerfile, Makefile, "
        "Procfile, shell or CI script, README code block, `MLproject` or `dvc.yaml`; a file with a `#!` line, a "
        "main guard or command-line parsing; a loose file outside every package that runs code at its top level "
        "and that no file imports. Never asked for a guard: library modules, package `__init__`s, app modules "
        "(a server imports them), tests, configuration, console-script modules (called through a function), "
        "Sphinx-Gallery examples, and files exempt from `top-level-execution`. Either quote style and either "
        "operand order count as a guard; `!=` does not."
    ),
    rationale=(
        "Without the guard a training script cannot be imported by tests, by a serving process or by "
        "`multiprocessing` (DataLoader workers re-import the main module) without running the whole job."
    ),
    fix="Wrap the script's work in `main()` and call it under `if __name__ == \"__main__\":`.",
    bad='#!/usr/bin/env python\nimport train\n\ntrain.run("config.yaml")\n',
    good='#!/usr/bin/env python\nimport train\n\nif __name__ == "__main__":\n    train.run("config.yaml")\n',
    autofixes=(MAIN_FUNCTION_FIX,),
)

#: Canonical call name (prefix with `*`) -> what it configures, for import-time-configuration.
CONFIGURATION_CALLS = {
    "logging.basicConfig": "logging", "logging.config.dictConfig": "logging", "logging.config.fileConfig": "logging",
    "logging.root.addHandler": "the root logger", "logging.root.setLevel": "the root logger",
    "loguru.logger.add": "loguru's logger", "loguru.logger.remove": "loguru's logger",
    "loguru.logger.configure": "loguru's logger",
    "warnings.filterwarnings": "the warnings filters", "warnings.simplefilter": "the warnings filters",
    "warnings.resetwarnings": "the warnings filters",
    "sys.path.append": "`sys.path`", "sys.path.insert": "`sys.path`", "sys.path.extend": "`sys.path`",
    "sys.path.remove": "`sys.path`", "site.addsitedir": "`sys.path`", "rootutils.setup_root": "`sys.path`",
    "pyrootutils.setup_root": "`sys.path`",
    "matplotlib.use": "matplotlib's backend", "matplotlib.pyplot.switch_backend": "matplotlib's backend",
    "dotenv.load_dotenv": "the environment (from `.env`)",
    "random.seed": "the random seed", "numpy.random.seed": "the random seed", "torch.manual_seed": "the random seed",
    "torch.cuda.manual_seed": "the random seed", "torch.cuda.manual_seed_all": "the random seed",
    "tensorflow.random.set_seed": "the random seed", "tensorflow.set_random_seed": "the random seed",
    "tensorflow.compat.v1.set_random_seed": "the random seed", "keras.utils.set_random_seed": "the random seed",
    "tensorflow.keras.utils.set_random_seed": "the random seed", "transformers.set_seed": "the random seed",
    "pytorch_lightning.seed_everything": "the random seed", "lightning.seed_everything": "the random seed",
    "lightning.pytorch.seed_everything": "the random seed", "lightning.fabric.seed_everything": "the random seed",
    "mlflow.set_tracking_uri": "MLflow's tracking", "mlflow.set_registry_uri": "MLflow's tracking",
    "mlflow.set_experiment": "MLflow's tracking", "mlflow.autolog": "MLflow's tracking",
    "mlflow.*.autolog": "MLflow's tracking",
    "pandas.set_option": "pandas' options", "pandas.options.*": "pandas' options",
}

IMPORT_TIME_CONFIGURATION = Rule(
    code="MLR203",
    name="import-time-configuration",
    notebooks=False,
    category="structure",
    severity=Severity.WARNING,
    summary="Library module changes global configuration when imported",
    description=(
        "Reports a module-level statement (outside the `if __name__ == \"__main__\":` guard, inside module-level "
        "`if` and `try` blocks too) of a library module or a package `__init__` that changes the configuration "
        "of the whole process: `logging.basicConfig(...)` and `logging.config` calls, handlers added to or a "
        "level set on the root logger (`logging.getLogger().addHandler(...)`), loguru's `logger.add` / "
        "`logger.remove`, `warnings.filterwarnings` / `simplefilter`, changes to `sys.path`, "
        "`matplotlib.use(...)`, `load_dotenv()`, random seeds (`random.seed`, `np.random.seed`, "
        "`torch.manual_seed`, `tf.random.set_seed`, `set_seed`, `seed_everything`), "
        "`mlflow.set_tracking_uri` / `set_experiment` / `autolog`, and `pd.set_option` or assignments to "
        "`pd.options`. Names are resolved through the module's imports (`import numpy as np`, `from dotenv "
        "import load_dotenv`). Entry scripts, app modules, tests and configuration files may configure their "
        "own process and are not checked; which role a file has is the project model's (see `mlrepolint "
        "explain`)."
    ),
    rationale=(
        "A library module is imported by other people's programs: a `logging.basicConfig` or a warnings filter "
        "there silently changes how every importer logs and warns, a seed resets their random state, a "
        "`sys.path` change makes their imports depend on the working directory, and `load_dotenv` or "
        "`mlflow.set_tracking_uri` points their runs somewhere they did not choose."
    ),
    fix=(
        "Move the call into the entry script (its `main()`), or into a function the caller runs (`def "
        "setup_logging(): ...`). A library module only creates its own `logger = logging.getLogger(__name__)`."
    ),
    bad='import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n',
    good='import logging\n\nlogger = logging.getLogger(__name__)\n',
)

#: Roles whose top level is not checked for work at all.
_UNCHECKED = (CONFIG, TEMPLATE, GENERATED)


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


#: Module attributes that describe the module: reading a VERSION file for them is not work.
_METADATA = frozenset({"__version__", "__author__", "__license__", "__doc__", "VERSION", "version"})


def _sets_only_metadata(node: ast.stmt) -> bool:
    """`__version__ = open("VERSION").read()`, or a `with open(...)` block that only sets `__version__`."""
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return bool(node.body) and all(_sets_only_metadata(stmt) for stmt in node.body)
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
        node, (ast.AnnAssign, ast.AugAssign)) else []
    return bool(targets) and all(isinstance(t, ast.Name) and t.id in _METADATA for t in targets)


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run at import: the top level, and inside module-level `if` and `try` blocks, except
    the main guard and `if TYPE_CHECKING:`."""
    for node in body:
        if is_main_guard(node):
            continue
        if isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_statements(node.body + node.orelse)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            # A handler that ends by re-raising only says why the import fails (`print("pip install x")`).
            handlers = [h.body for h in node.handlers  # type: ignore[attr-defined]
                        if not (h.body and isinstance(h.body[-1], ast.Raise))]
            blocks = [node.body, *handlers, node.orelse, node.finalbody]  # type: ignore
            yield from _module_statements([stmt for block in blocks for stmt in block])
        else:
            yield node


class _Scope:
    """What decides whether a module-level statement is work, for one file."""

    def __init__(self, file: PythonFile, role: Role, options, helpers) -> None:
        self.work_calls = tuple(options["work-calls"])
        self.allowed = tuple(options["allowed-calls"])
        self.app = role.kind == APP_MODULE
        self.file = file
        self.helpers = helpers  # name -> why: functions of loose repository modules that do I/O
        self._functions: dict[str, ast.AST] | None = None  # the module's top-level functions by name
        self._local: dict[str, str | None] = {}  # name -> why, for those asked about

    def work_call(self, value: ast.AST) -> str | None:
        """The first call in `value` that does work, as a description, or None."""
        for call in _calls_outside_lambdas(value):
            name = dotted_name(call.func)
            if matches(name, self.allowed) or (self.app and matches(name, LOADING_CALLS)):
                continue
            if matches(name, self.work_calls):
                return f"`{name}(...)`"
            helper = self.helper(name)
            if helper:
                return f"`{name}(...)` (a function of the repository that calls {helper})"
        return None

    def helper(self, name: str | None) -> str | None:
        """Why the repository function `name` does work, or None when it is not one that does."""
        if name is None:
            return None
        if name in self.helpers:
            return self.helpers[name]
        if "." in name:
            return None
        if self._functions is None:  # the later of two functions of one name is the one called
            self._functions = {node.name: node for node in self.file.tree.body
                               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        function = self._functions.get(name)
        if function is None:
            return None
        # Only the functions the module level calls are walked: most calls there are of builtins and classes.
        if name not in self._local:
            self._local[name] = self._body_work(function)
        return self._local[name]

    def _body_work(self, function: ast.AST) -> str | None:
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                called = dotted_name(node.func)
                if matches(called, self.work_calls) and not matches(called, self.allowed):
                    return f"`{called}` (line {node.lineno})"
        return None

    def expression_work(self, value: ast.expr) -> str | None:
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return None
        name = dotted_name(value.func)
        if matches(name, self.allowed) or (self.app and matches(name, LOADING_CALLS)):
            return None
        return f"call `{name or 'expression'}(...)`"

    def work(self, body: list[ast.stmt]) -> Iterator[tuple[ast.stmt, str]]:
        """(statement, description) for each module-level statement that does work on import."""
        for node in _module_statements(body):
            what = None if _sets_only_metadata(node) else self.statement_work(node)
            if what:
                yield node, what

    def statement_work(self, node: ast.stmt) -> str | None:
        if isinstance(node, ast.Expr):
            return self.expression_work(node.value)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            return "`for` loop" if self.work_call(node.iter) or self._block_works(node.body + node.orelse) else None
        if isinstance(node, ast.While):
            return "`while` loop"
        if isinstance(node, (ast.With, ast.AsyncWith)):
            if self.app and not any(self.work_call(item.context_expr) for item in node.items) \
                    and not self._block_works(node.body):
                return None  # an app loading what it serves
            return "`with` block"
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            call = self.work_call(node.value)
            return f"assignment from {call}" if call else None
        return None

    def _block_works(self, body: list[ast.stmt]) -> bool:
        """Whether a loop or `with` body does work (building in-memory constants does not)."""
        for node in body:
            if isinstance(node, ast.If):
                if self.work_call(node.test) or self._block_works(node.body + node.orelse):
                    return True
            elif isinstance(node, (ast.Try,)) or type(node).__name__ == "TryStar":
                blocks = [node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody]  # type: ignore
                if self._block_works([stmt for block in blocks for stmt in block]):
                    return True
            elif isinstance(node, (ast.Pass, ast.Continue, ast.Break, ast.Delete)):
                continue
            elif self.statement_work(node):
                return True
        return False


class StructureChecker(PythonChecker):
    """Finds work done at import time, scripts without a main guard, and global configuration at import."""

    rules = (TOP_LEVEL_EXECUTION, MISSING_MAIN_GUARD, IMPORT_TIME_CONFIGURATION)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Scan the module's top level once for the three rules."""
        options = ctx.options(TOP_LEVEL_EXECUTION)
        if file.matches_any(tuple(options["exempt"])):
            return
        role = ctx.project.role_for(file.path, file.text)
        if role.kind in _UNCHECKED or role.framework in ("streamlit", "sphinx-gallery"):
            return
        if role.kind in (LIBRARY_MODULE, PACKAGE_INIT):
            self._check_configuration(file, ctx)
        scope = _Scope(file, role, options, ctx.project.io_helpers.get(file.path, {}))
        work = list(scope.work(file.tree.body))
        ctx.examine(TOP_LEVEL_EXECUTION)
        for node, what in work:
            ctx.report(TOP_LEVEL_EXECUTION, node.lineno, node.col_offset + 1, f"{what} at module level runs on import")
        if role.kind != ENTRY_SCRIPT or role.framework == "console":
            return
        shebang = file.text.startswith("#!")
        if not (work or shebang):
            return
        ctx.examine(MISSING_MAIN_GUARD)
        if not any(is_main_guard(node) for node in file.tree.body):
            line = work[0][0].lineno if work else 1
            kind = "script" if work else "executable script (#!)"
            ctx.report(MISSING_MAIN_GUARD, line, 1, f"{kind} has no `if __name__ == \"__main__\":` guard")

    def _check_configuration(self, file: PythonFile, ctx: Context) -> None:
        ctx.examine(IMPORT_TIME_CONFIGURATION)
        names = _import_names(file.tree.body)
        roots: set[str] = set()  # names bound to the root logger: `root = logging.getLogger()`
        for node in _module_statements(file.tree.body):
            what = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and _is_root_logger(node.value, names):
                roots.add(node.targets[0].id)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                what = _configures(node.value.func, names, roots)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                what = next((w for w in (_assigned_configuration(t, names) for t in targets) if w), None)
            if what is not None:
                written, configured = what
                ctx.report(
                    IMPORT_TIME_CONFIGURATION, node.lineno, node.col_offset + 1,
                    f"{written} at import changes {configured} for every program that imports this module",
                )


def _import_names(body: list[ast.stmt]) -> dict[str, str]:
    """Local name -> the dotted name it stands for, from the module-level imports (`np` -> `numpy`)."""
    names: dict[str, str] = {}
    for node in _module_statements(body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    names[first] = first
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _canonical(name: str | None, names: dict[str, str]) -> str | None:
    """`np.random.seed` -> `numpy.random.seed`; None for a name not rooted in an import."""
    if name is None:
        return None
    first, _, rest = name.partition(".")
    base = names.get(first)
    if base is None:
        return None
    return f"{base}.{rest}" if rest else base


def _is_root_logger(value: ast.AST, names: dict[str, str]) -> bool:
    """`logging.getLogger()` (no name, `""`, `None` or `"root"`) or `logging.root`."""
    if isinstance(value, ast.Call) and _canonical(dotted_name(value.func), names) == "logging.getLogger":
        if value.keywords or len(value.args) > 1:
            return False
        return not value.args or (isinstance(value.args[0], ast.Constant) and value.args[0].value in ("", None, "root"))
    return _canonical(dotted_name(value), names) == "logging.root"


def _configures(func: ast.AST, names: dict[str, str], roots: set[str]) -> tuple[str, str] | None:
    """(what is written, what it configures) for a call that changes process-wide configuration."""
    written = dotted_name(func)
    if isinstance(func, ast.Attribute) and func.attr in ("addHandler", "setLevel", "removeHandler"):
        owner = func.value
        if (isinstance(owner, ast.Name) and owner.id in roots) or _is_root_logger(owner, names):
            return f"`{written}(...)`", "the root logger"
    canonical = _canonical(written, names)
    configured = _configuration_of(canonical)
    return (f"`{written}(...)`", configured) if configured else None


def _configuration_of(canonical: str | None) -> str | None:
    if canonical is None:
        return None
    found = CONFIGURATION_CALLS.get(canonical)
    if found is None:
        found = next((what for pattern, what in CONFIGURATION_CALLS.items() if "*" in pattern
                      and fnmatchcase(canonical, pattern)), None)
    return found


def _assigned_configuration(target: ast.AST, names: dict[str, str]) -> tuple[str, str] | None:
    """`sys.path = [...]`, `sys.path += [...]`, `pd.options.display.max_rows = 10`."""
    written = dotted_name(target)
    canonical = _canonical(written, names)
    if canonical == "sys.path":
        return f"assigning `{written}`", "`sys.path`"
    if canonical is not None and canonical.startswith("pandas.options."):
        return f"assigning `{written}`", "pandas' options"
    return None
