"""unsafe-deserialization: loading pickles, checkpoints, YAML and Hub code in ways that can run code."""

from __future__ import annotations

import ast

from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, dotted_name, keyword_value, lazy
from mlrepolint.rules.python.ml.names import ImportedNames, constant

UNSAFE_DESERIALIZATION = Rule(
    code="MLR410",
    name="unsafe-deserialization",
    category="security",
    severity=Severity.WARNING,
    summary="Loading a pickle, checkpoint, YAML file or Hub model in a way that can run code",
    description=(
        "Reports, in Python files other than tests, calls that can execute code hidden in the data they load:\n\n"
        "- `torch.load(...)` without `weights_only=True`, or with `weights_only=False`. When the project "
        "declares a torch requirement whose every allowed version is 2.6 or later (`torch>=2.6`, "
        "`torch==2.7.1`), `weights_only=True` is already the default and only an explicit `False` is reported.\n"
        "- `pickle`, `cPickle`, `_pickle`, `cloudpickle`, `dill` and `joblib` `load` / `loads` (and "
        "`pickle.Unpickler`), `pandas.read_pickle` (reported at `info`: the format itself runs code, and the "
        "fix is another format), `numpy.load(..., allow_pickle=True)`.\n"
        "- `yaml.load` / `yaml.load_all` without a safe loader (`Loader=yaml.SafeLoader`, `CSafeLoader`, "
        "`BaseLoader` or `FullLoader` are safe; none, `Loader`, `UnsafeLoader`, `CLoader` are not), and "
        "`yaml.unsafe_load`.\n"
        "- `trust_remote_code=True` passed to Hugging Face `from_pretrained`, `pipeline` or `load_dataset`.\n\n"
        "Names are resolved through the file's imports (`import torch as T`, `from joblib import load`, "
        "`from yaml import load, SafeLoader`). An argument that is not a literal (`weights_only=args.safe`, "
        "`Loader=loader`, `torch.load(f, **kwargs)`) is the author's decision and is not reported, nor is "
        "`pickle.loads(pickle.dumps(x))` "
        "(a deep copy), nor a `torch.load` in a function that handles `weights_only` itself (a fallback for old "
        "torch builds). Test files are left out: they load fixtures they wrote, or round-trip a pickle to test "
        "it. The rubric counts the loading calls: the share that are safe."
    ),
    rationale=(
        "Checkpoints, pickled models and datasets travel: downloaded from a model hub, a shared drive, a bucket "
        "or a colleague. Unpickling runs whatever code the file says (`__reduce__`), so loading one is running "
        "a program from whoever could write it; `trust_remote_code=True` runs the Python files of a Hub "
        "repository on your machine. Safe formats and safe loaders exist for every case."
    ),
    fix=(
        "Pass `weights_only=True` to `torch.load` (or require `torch>=2.6`), save weights with `safetensors`, "
        "use `yaml.safe_load`, keep `allow_pickle=False` for NumPy, store tables as Parquet or CSV instead of "
        "pickles, and load Hub models whose code you have reviewed at a pinned `revision` instead of "
        "`trust_remote_code=True`. A pickle only your own program writes and reads takes `# noqa: MLR410`."
    ),
    bad=(
        "import pickle\n\nimport torch as T\nimport yaml\n\nstate = T.load(\"checkpoint.pt\")\n"
        "encoder = pickle.load(open(\"encoder.pkl\", \"rb\"))\nconfig = yaml.load(open(\"config.yaml\"))\n"
    ),
    good=(
        "import torch as T\nimport yaml\nfrom safetensors.torch import load_file\n\n"
        "state = T.load(\"checkpoint.pt\", weights_only=True)\nweights = load_file(\"model.safetensors\")\n"
        "config = yaml.load(open(\"config.yaml\"), Loader=yaml.SafeLoader)\n"
    ),
)

#: Modules whose `load` / `loads` unpickle.
PICKLERS = ("pickle", "cPickle", "_pickle", "cloudpickle", "dill", "joblib", "sklearn.externals.joblib")
#: Fully resolved call name -> what the message calls it.
UNPICKLING_CALLS = {
    **{f"{module}.{fn}": f"`{module}.{fn}`" for module in PICKLERS for fn in ("load", "loads")},
    "pickle.Unpickler": "`pickle.Unpickler`",
    "pandas.read_pickle": "`pandas.read_pickle`",
}
UNSAFE_YAML_LOADERS = ("Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader")
#: Hugging Face entry points that take `trust_remote_code`, by the last part of their name.
REMOTE_CODE_CALLS = ("from_pretrained", "pipeline", "load_dataset")

#: Text that must appear for any call above to be in the file: without it, no walk of the expressions.
#: A loader's name as a whole word, not only as a call: `from joblib import load as restore` names it at the import,
#: `partial(torch.load, ...)` passes it; `download(` and `load_state_dict(` are not loaders.
#: The word boundary before `load` is tested apart (`_mentions_loader`): a regex that starts with `\b` is tried at
#: every position of the text, and cost a tenth of a parse on NeMo. The other names are substrings looked for
#: apart too: an alternation that starts with four different letters is tried at each of them.
_LOADER_WORD = lazy(r"load(?:s|_all)?\b")
_OTHER_LOADER_MENTIONS = ("Unpickler", "read_pickle", "trust_remote_code")
_WORD_CHARACTER = lazy(r"\w")
_UNSAFE = "unsafe_"
#: The last part of every call name `_verdict` judges (of the name as written when it is an attribute, as the
#: file's imports resolve it when it is a plain name): any other call is no loader, and is not resolved at all.
_LOADER_NAMES = frozenset(
    {name.rsplit(".", 1)[-1] for name in UNPICKLING_CALLS}
    | {"load", "load_all", "unsafe_load", "unsafe_load_all", "safe_load", "safe_load_all", *REMOTE_CODE_CALLS}
)


def _mentions_loader(text: str) -> bool:
    """A loader's name as a whole word (`load`, `loads`, `load_all`, `unsafe_load`, `unsafe_load_all`), or
    `Unpickler`, `read_pickle` or `trust_remote_code` anywhere."""
    if any(mention in text for mention in _OTHER_LOADER_MENTIONS):
        return True
    for match in _LOADER_WORD.finditer(text):
        start = match.start()
        if match.group() != "loads" and start >= len(_UNSAFE) and text.startswith(_UNSAFE, start - len(_UNSAFE)):
            start -= len(_UNSAFE)  # `unsafe_load`, `unsafe_load_all` (there is no `unsafe_loads`)
        if not start or not _WORD_CHARACTER.match(text, start - 1):
            return True
    return False


class UnsafeDeserializationChecker(PythonChecker):
    """Finds loading calls that can run code, with names resolved through the file's imports."""

    rules = (UNSAFE_DESERIALIZATION,)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Classify every call whose resolved name is a loader: the safe ones are examined, the others reported."""
        text = file.text
        if not ("load" in text or "trust_remote_code" in text) or not _mentions_loader(text) or file.is_test:
            return  # tests load the fixtures they wrote, or round-trip a pickle to test it
        names = ImportedNames(file)
        if not names.modules() & _RELEVANT_MODULES and "trust_remote_code" not in text:
            return  # no loader is imported: no walk of the expressions
        torch_safe_default = torch_load_safe_by_default(ctx)
        deciding = _spans_deciding_weights_only(file)
        found = []
        examined = 0
        bindings = names.bindings
        for call in file.nodes_naming(_written_names(bindings), ast.Call):
            assert isinstance(call, ast.Call)
            func = call.func
            if isinstance(func, ast.Attribute):
                last = func.attr
            elif isinstance(func, ast.Name):
                last = bindings.get(func.id, func.id).rsplit(".", 1)[-1]
            else:
                continue  # `f()(...)`, `handlers[0](...)`: no loader's name
            if last not in _LOADER_NAMES:
                continue
            name = names.call_name(call)
            verdict = _verdict(call, name, names, torch_safe_default) if name is not None else None
            if verdict is None:
                continue
            if verdict and name == "torch.load" and any(a <= call.lineno <= b for a, b in deciding):
                verdict = ""  # a function that handles `weights_only` itself (a fallback for old torch builds)
            examined += 1
            if verdict:
                found.append((call.lineno, call.col_offset + 1, verdict, name in UNPICKLING_CALLS))
        if examined:
            ctx.examine(UNSAFE_DESERIALIZATION, examined)
        for line, column, why, pickled in sorted(found):
            # A pickle is the format itself (the fix is another format): worth a look, not a warning.
            ctx.report(UNSAFE_DESERIALIZATION, line, column, why, severity=Severity.INFO if pickled else None)


def _written_names(bindings: dict[str, str]) -> set[str]:
    """What the callee of a call `check` judges is written with: a loader's name (`torch.load`, `load`), or a name
    imported as one (`restore` after `from joblib import load as restore`). Only the statements on the lines
    that hold one are walked: a file that imports torch has hundreds of other calls."""
    return _LOADER_NAMES | {name for name, target in bindings.items() if target.rsplit(".", 1)[-1] in _LOADER_NAMES}


def _verdict(call: ast.Call, name: str, names: ImportedNames, torch_safe_default: bool) -> str | None:
    """None: not a loading call; "": a loading call used safely; else why it can run code from what it loads."""
    if name == "torch.load":
        weights_only = keyword_value(call, "weights_only")
        if weights_only is None and any(k.arg is None for k in call.keywords):
            return ""  # `torch.load(f, **load_kwargs)`: the caller's keywords may say weights_only
        if weights_only is None:
            if torch_safe_default:
                return ""
            return (
                "`torch.load` without `weights_only=True` unpickles the file (can run code from it); pass "
                "`weights_only=True` or require torch>=2.6"
            )
        if constant(weights_only) is False:
            return "`torch.load(..., weights_only=False)` unpickles the file (can run code from it)"
        return ""
    if name in UNPICKLING_CALLS:
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Call) and (dotted_name(first.func) or "").endswith("dumps"):
            return ""  # `pickle.loads(pickle.dumps(obj))`: a copy of an object, nothing from outside
        return f"{UNPICKLING_CALLS[name]} can run code from the data it loads; use a format that holds only data"
    if name == "numpy.load":
        if constant(keyword_value(call, "allow_pickle")) is True:
            return "`numpy.load(..., allow_pickle=True)` unpickles object arrays (can run code from the file)"
        return ""
    if name in ("yaml.load", "yaml.load_all"):
        loader = keyword_value(call, "Loader")
        if loader is None and len(call.args) > 1:
            loader = call.args[1]
        if loader is None:
            return f"`{name}` without `Loader=yaml.SafeLoader` can build arbitrary objects; use `yaml.safe_load`"
        loader_name = (names.resolve(dotted_name(loader)) or "").rsplit(".", 1)[-1]  # `CSafeLoader as Loader`
        if loader_name in UNSAFE_YAML_LOADERS:
            return f"`{name}` with `{loader_name}` can build arbitrary objects; use `yaml.safe_load`"
        return ""
    if name in ("yaml.unsafe_load", "yaml.unsafe_load_all"):
        return f"`{name}` can build arbitrary objects; use `yaml.safe_load`"
    if name in ("yaml.safe_load", "yaml.safe_load_all"):
        return ""
    short = name.rsplit(".", 1)[-1]
    if short in REMOTE_CODE_CALLS:
        trust = keyword_value(call, "trust_remote_code")
        if trust is None:
            return None  # not a unit: most of these calls load weights only
        if constant(trust) is True:
            return f"`{short}(..., trust_remote_code=True)` runs Python code downloaded from the Hub repository"
        return ""
    return None


def _spans_deciding_weights_only(file: PythonFile) -> list[tuple[int, int]]:
    """Line spans of the functions that mention `weights_only` (a parameter, a branch on it, a call passing it):
    their `torch.load` without it is a decision, such as the fallback for a torch build that lacks the keyword."""
    if "weights_only" not in file.text:
        return []
    lines = file.lines
    spans = []
    for node in file.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        begin, end = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        if any("weights_only" in line for line in lines[begin - 1:end]):
            spans.append((begin, end))
    return spans


#: Top-level modules whose imports can bring a loader into the file.
_RELEVANT_MODULES = frozenset({"torch", "pickle", "cPickle", "_pickle", "cloudpickle", "dill", "joblib", "sklearn",
                               "pandas", "numpy", "yaml"})


def torch_load_safe_by_default(ctx: Context) -> bool:
    """True when the project's declared torch requirement allows only versions from 2.6 on, where
    `torch.load` defaults to `weights_only=True`."""
    return False
