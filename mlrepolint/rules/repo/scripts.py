"""Entry scripts that train or evaluate: unseeded randomness, and hyper-parameters hard-coded with no way in.

A repository rule, because both questions need the repository: whether the file is an entry script, and what the
repository-local modules it imports do (a `set_seed()` or an `argparse` parser in `utils.py` counts). Both answers
come from the project model (`ctx.project`: each file's role, and the local files each file imports); only entry
scripts whose text mentions training or evaluation are parsed, and the local modules they import are only read.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator

from mlrepolint.api import (
    ENTRY_SCRIPT, Context, PythonFile, ReadSource, RepoChecker, RepoView, Rule, Severity, dotted_name,
    keyword_value, lazy,
)
from mlrepolint.rules.repo.imports import PYTHON_LIMIT, read_python

UNSEEDED_TRAINING = Rule(
    code="MLR310",
    name="unseeded-training",
    category="reproducibility",
    severity=Severity.WARNING,
    summary="A training script uses randomness and sets no seed",
    description=(
        "Reports an entry script (a file the project model says is run as a program: `mlrepolint explain` shows "
        "each file's role and why; not a test, a library module, an app module a server loads, packaging, or a "
        "notebook saved as a script: a notebook of the same name beside it, or nbconvert's `# In[1]:` markers) "
        "that trains a model "
        "and draws random numbers from a library it never seeds:\n\n"
        "- PyTorch: `loss.backward()` with `optimizer.step()`, or a Lightning `trainer.fit(...)`, with no "
        "`torch.manual_seed`, `seed_everything` or `set_seed` call;\n"
        "- TensorFlow / Keras: `model.fit(...)` with no `tf.random.set_seed`, `keras.utils.set_random_seed` "
        "or `set_seed`;\n"
        "- scikit-learn (and NumPy-based training): `.fit(...)` where a randomised step "
        "(`train_test_split`, `KFold(shuffle=True)`, `RandomForestClassifier`, `MLPClassifier`, `KMeans`, ...) "
        "is given no `random_state` and NumPy's global generator is not seeded (`np.random.seed`).\n\n"
        "A seed call counts wherever the script can reach it: in the script itself (any function) or in a "
        "repository-local module it imports, directly or through other local modules (`from utils import "
        "setup; setup()` where `utils.py` calls `torch.manual_seed`). Any call whose name contains `seed` "
        "counts, as does `np.random.default_rng(<seed>)`. A Hugging Face `Trainer` seeds itself (its "
        "`TrainingArguments.seed`). The finding is on the first training call (for scikit-learn, on the first "
        "randomised step without `random_state`); the rubric counts training scripts."
    ),
    rationale=(
        "Weight initialisation, dropout, data shuffling, augmentation and train/test splits all draw random "
        "numbers: an unseeded run gives different metrics every time, so a change cannot be told from noise and "
        "a reported result cannot be reproduced by anyone, including its author."
    ),
    fix=(
        "Seed every library the script uses, once, at the start of `main()`: `torch.manual_seed(seed)`, "
        "`np.random.seed(seed)`, `random.seed(seed)` (or `lightning.seed_everything(seed)`, "
        "`transformers.set_seed(seed)`, `keras.utils.set_random_seed(seed)`), with the seed read from the "
        "command line or config; pass `random_state=seed` to scikit-learn's randomised steps."
    ),
    bad=(
        "import torch\n\n\ndef main():\n    model = torch.nn.Linear(4, 1)\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n    for x, y in batches():\n"
        "        optimizer.zero_grad()\n        loss = torch.nn.functional.mse_loss(model(x), y)\n"
        "        loss.backward()\n        optimizer.step()\n\n\nif __name__ == \"__main__\":\n    main()\n"
    ),
    good=(
        "import torch\n\n\ndef main(seed=0):\n    torch.manual_seed(seed)\n    model = torch.nn.Linear(4, 1)\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n    for x, y in batches():\n"
        "        optimizer.zero_grad()\n        loss = torch.nn.functional.mse_loss(model(x), y)\n"
        "        loss.backward()\n        optimizer.step()\n\n\nif __name__ == \"__main__\":\n    main()\n"
    ),
)

SCRIPT_WITHOUT_CLI = Rule(
    code="MLR902",
    name="script-without-cli",
    category="configuration",
    severity=Severity.WARNING,
    summary="A training or evaluation script hard-codes its hyper-parameters and takes no arguments or config",
    description=(
        "Reports an entry script (as `unseeded-training` defines it) that trains or evaluates a model "
        "(`.fit(`, `backward()` with an optimizer step, `trainer.fit`, `.evaluate(`, `.predict(`, "
        "`model.eval()`) and writes a hyper-parameter as a number (`lr=0.01`, `epochs = 10`, "
        "`batch_size=32`, `n_estimators=100`...) while it reads neither arguments nor a config: no "
        "`argparse`, `click`, `typer`, `fire`, `hydra`, `omegaconf`, `jsonargparse`, absl `flags`, `docopt`, "
        "`tyro`, `sys.argv`, environment variables, `input()`, a YAML / JSON / TOML / INI file it loads, "
        "`wandb.config`, an Optuna trial or an `exec`'d configurator (nanoGPT's), in the script or in a "
        "repository-local module it imports; and it imports no local module named like a config (`config`, "
        "`settings`, `params`, `hparams`, `constants`). Scripts under `docs/` and in Sphinx galleries are left out. "
        "The finding is on the first "
        "hard-coded hyper-parameter; the rubric counts training and evaluation scripts."
    ),
    rationale=(
        "A script whose learning rate, epochs and data paths are written in the code can only be re-run as it "
        "is: every experiment edits the source, the values a result came from are lost with the next edit, "
        "and a sweep or a CI run cannot pass its own values."
    ),
    fix=(
        "Read the hyper-parameters from the command line (`argparse`, `typer`, `click`) or from a config file "
        "(`yaml.safe_load`, Hydra / OmegaConf), with today's values as defaults, and log the values each run used."
    ),
    bad=(
        "from sklearn.ensemble import RandomForestClassifier\n\n\ndef main():\n"
        "    model = RandomForestClassifier(n_estimators=200, max_depth=8, random_state=0)\n"
        "    model.fit(*load())\n\n\nif __name__ == \"__main__\":\n    main()\n"
    ),
    good=(
        "import argparse\n\nfrom sklearn.ensemble import RandomForestClassifier\n\n\ndef main():\n"
        "    parser = argparse.ArgumentParser()\n    parser.add_argument(\"--n-estimators\", type=int, default=200)\n"
        "    parser.add_argument(\"--max-depth\", type=int, default=8)\n    args = parser.parse_args()\n"
        "    model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth, "
        "random_state=0)\n    model.fit(*load())\n\n\nif __name__ == \"__main__\":\n    main()\n"
    ),
)

#: Text an entry script must hold to be looked at (parsed) at all.
_TRAINS_OR_EVALUATES = lazy(
    r"\.fit(?:_generator)?\(|backward\(|\.train\(|\.evaluate\(|\.predict(?:_proba)?\(|\.eval\(\)"
)
#: A seed call (a call whose name contains "seed"), or a seeded NumPy generator.
_SEED_CALL = lazy(r"seed\w*\s*\(|default_rng\(\s*[^)\s]|RandomState\(\s*[^)\s]", re.I)
#: Ways a script takes its settings from outside: imports, calls and names, in its text or a local module's.
_CONFIG_TEXT = lazy(
    r"\b(?:argparse|click|typer|fire|hydra|omegaconf|OmegaConf|jsonargparse|absl|docopt|tyro|simple_parsing|"
    r"configargparse|ml_collections|gin|configparser|ConfigParser|LightningCLI|HfArgumentParser|"
    r"BaseSettings|dotenv|sys\.argv|argv|environ|getenv|input\(|safe_load|yaml\.load|json\.load|toml\.load|"
    r"tomllib|tomli|wandb\.config|optuna|trial\.suggest|streamlit|gradio|sagemaker|mlflow\.projects|"
    r"configurator|exec)\b"
)
#: Local modules whose name says they hold the configuration.
_CONFIG_MODULE = lazy(r"(?:^|[._])(?:config|configs|cfg|conf|settings|params|parameters|hparams|hyperparams|"
                      r"constants|consts|options|opts|args|arguments)(?:$|[._])", re.I)
#: Keyword arguments and variable names that are hyper-parameters when given a number.
HYPER_PARAMETERS = frozenset({
    "lr", "learning_rate", "epochs", "n_epochs", "num_epochs", "max_epochs", "epoch", "batch_size", "bs",
    "n_estimators", "max_depth", "num_layers", "n_layers", "hidden_size", "hidden_dim", "dropout",
    "weight_decay", "momentum", "num_iterations", "max_iter", "n_iter", "iterations", "steps", "max_steps",
    "num_steps", "warmup_steps", "n_neighbors", "num_leaves", "min_samples_split", "min_samples_leaf",
    "alpha", "gamma", "c", "units", "embedding_dim", "embed_dim", "num_heads", "n_heads", "kernel_size",
    "patience", "num_train_epochs", "per_device_train_batch_size", "gradient_accumulation_steps",
})
#: scikit-learn's randomised steps (by class or function name): they need a `random_state`.
RANDOMISED = frozenset({
    "EasyEnsembleClassifier", "BalancedBaggingClassifier", "BalancedRandomForestClassifier", "RUSBoostClassifier",
    "ClusterCentroids", "CondensedNearestNeighbour", "OneSidedSelection", "ADASYN", "BorderlineSMOTE",
    "train_test_split", "shuffle", "RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier",
    "ExtraTreesRegressor", "GradientBoostingClassifier", "GradientBoostingRegressor",
    "HistGradientBoostingClassifier", "HistGradientBoostingRegressor", "DecisionTreeClassifier",
    "DecisionTreeRegressor", "MLPClassifier", "MLPRegressor", "SGDClassifier", "SGDRegressor", "KMeans",
    "MiniBatchKMeans", "BaggingClassifier", "BaggingRegressor", "AdaBoostClassifier", "AdaBoostRegressor",
    "IsolationForest", "RandomizedSearchCV", "TSNE", "Perceptron", "GaussianMixture", "StratifiedShuffleSplit",
    "ShuffleSplit", "RandomOverSampler", "RandomUnderSampler", "SMOTE",
})
_SHUFFLED_SPLITTERS = frozenset({"KFold", "StratifiedKFold", "GroupKFold", "RepeatedKFold", "RepeatedStratifiedKFold"})
_GALLERY = lazy(r"(?:^|/)(?:docs?|doc_src|documentation)/|(?:^|/)plot_[^/]*\.py$")
#: Local modules followed from a script, at most this deep.
MAX_DEPTH = 4


def _may_train_or_evaluate(text: str) -> bool:
    """Substrings first (each a C-speed scan), then the pattern: most files are neither."""
    return ("fit" in text or "backward(" in text or "train(" in text or "evaluate(" in text or "predict" in text
            or ".eval()" in text) and _TRAINS_OR_EVALUATES.search(text) is not None


def _calls_a_seed(text: str) -> bool:
    """Whether the text calls a seed function outside a comment (looked for only where the word appears)."""
    if not ("seed" in text or "Seed" in text or "SEED" in text or "default_rng" in text or "RandomState" in text):
        return False
    for match in _SEED_CALL.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if "#" not in text[line_start:match.start()]:
            return True
    return False


@dataclass(frozen=True)
class _Training:
    """How a script trains: the first training call and which libraries' randomness it needs seeded."""

    call: ast.Call
    needs: str  # "torch", "tensorflow", "numpy" or "sklearn"
    seeded_itself: bool  # the framework seeds itself (a Hugging Face Trainer)


class EntryScriptChecker(RepoChecker):
    """Finds training scripts without a seed and training or evaluation scripts without a way to configure them."""

    rules = (UNSEEDED_TRAINING, SCRIPT_WITHOUT_CLI)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Parse the entry scripts that train or evaluate; read the local modules they import. What each file
        says is its share, recorded per file (see `RepoView.per_file`): a changed module is read again, not the
        scripts that import it."""
        self.repo = repo
        self._modules: dict[str, Any] = {}  # a local module's share, asked for once a run
        for f in repo.files:
            if ctx.project.kind_of(f.path) != ENTRY_SCRIPT or not f.path.endswith(".py") or not ctx.keeps((f.path,)):
                continue  # not an entry script, or one a run limited to other files would not report on
            share = repo.per_file("entry-script", f.path, lambda path=f.path: _script_share(repo, path),
                                  _script_shape)
            if share is None or share["cells"] or f.path[:-3] + ".ipynb" in repo.paths:
                # Not one to check, or a notebook saved as a script (`jupyter nbconvert --to script`, jupytext):
                # nbconvert's `# In[1]:` cell markers, or a notebook of the same name beside it.
                continue
            self._check_script(f.path, share, ctx)

    def shares_of_source(self, source: ReadSource, ctx: Context) -> dict[str, Any]:
        """An entry script's share, from the text and tree the per-file pass parsed (in its worker)."""
        if ctx.project.kind_of(source.path) != ENTRY_SCRIPT or not source.path.endswith(".py") or source.module is None:
            return {}
        return {"entry-script": _share_of(source.text if source.size <= PYTHON_LIMIT else None, source.module)}

    def _check_script(self, path: str, share: dict, ctx: Context) -> None:
        training = share["training"]
        if training is not None:
            ctx.examine(UNSEEDED_TRAINING)
            needs, seeded_itself, call = training
            # the local modules are looked at only as far as the script itself leaves the question open
            seeded = seeded_itself or share["seeds"] or any(seeds for _, seeds, _ in self._local_shares(path, ctx))
            unseeded = None if seeded else share["step"] if needs == "sklearn" else call
            if unseeded is not None:
                line, column, shown = unseeded
                what = (
                    f"`{shown}(...)` is randomised and given no `random_state`, and NumPy's global generator is "
                    "not seeded here or in the local modules this script imports"
                    if needs == "sklearn" else
                    f"`{shown}(...)` trains with {_LIBRARY_TITLES[needs]} randomness, and no seed is set "
                    "here or in the local modules this script imports"
                )
                ctx.report(UNSEEDED_TRAINING, line, column, f"{what}: {_SEED_HINTS[needs]}", path=path)
        if _GALLERY.search(path) or not (training is not None or share["evaluates"]):
            return
        ctx.examine(SCRIPT_WITHOUT_CLI)
        if share["config"] or any(config or _CONFIG_MODULE.search(module)
                                  for module, _, config in self._local_shares(path, ctx)):
            return
        if share["hyper"] is None:
            return
        line, column, name = share["hyper"]
        ctx.report(
            SCRIPT_WITHOUT_CLI, line, column,
            f"hyper-parameter `{name}` is hard-coded and the script reads no arguments or config: take it from "
            "the command line (argparse, typer) or a config file, with this value as the default",
            path=path,
        )

    def _local_shares(self, path: str, ctx: Context) -> Iterator[tuple[str, bool, bool]]:
        """(module name, seeds, reads a config) of the repository-local modules `path` imports, through other
        local modules too (the project model's import graph)."""
        for target in ctx.project.reachable(path, MAX_DEPTH):
            if target not in self._modules:
                self._modules[target] = self.repo.per_file(
                    "imported-module", target, lambda target=target: _module_share(self.repo, target), _module_shape)
            local = self._modules[target]
            if local is not None:
                yield ctx.project.modules.get(target, ""), local[0], local[1]


def _script_share(repo: RepoView, path: str) -> dict | None:
    """What an entry script says (None: unreadable, neither training nor evaluating, or not Python): its training
    call ([needs, seeded itself, [line, column, name shown]]), scikit-learn's first unseeded randomised step, whether
    it evaluates, seeds or reads a config, its first hard-coded hyper-parameter, and whether it has nbconvert's cell
    markers (a notebook export)."""
    return _share_of(read_python(repo, path))


def _share_of(text: str | None, module: PythonFile | None = None) -> dict | None:
    """`_script_share` of the script's text (None: unreadable), and of the text parsed when it is parsed already
    (the per-file pass's, whose node index its checkers may have built)."""
    if text is None or not _may_train_or_evaluate(text):
        return None
    if module is None:
        try:
            module = PythonFile("", text, ast.parse(text))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the per-file pass reports it as parse-error
    names = _Names(module.tree)
    calls = _calls(module)
    training = _training(calls, names)
    step = _unseeded_randomised_step(calls, names) if training is not None and training.needs == "sklearn" else None
    hyper = _first_hyper_parameter(module)
    return {
        "training": None if training is None else [training.needs, training.seeded_itself, _shown(training.call)],
        "step": None if step is None else _shown(step),
        "evaluates": _evaluates(calls),
        "seeds": _calls_a_seed(text),
        "config": _CONFIG_TEXT.search(text) is not None,
        "hyper": None if hyper is None else [hyper[0].lineno, hyper[0].col_offset + 1, hyper[1]],  # type: ignore
        "cells": "\n# In[" in text,
    }


def _shown(call: ast.Call) -> list:
    return [call.lineno, call.col_offset + 1, dotted_name(call.func) or "fit"]


def _module_share(repo: RepoView, path: str) -> list[bool] | None:
    """Whether a local module calls a seed function and whether it reads a config (None: unreadable)."""
    text = read_python(repo, path)
    return None if text is None else [_calls_a_seed(text), _CONFIG_TEXT.search(text) is not None]


def _module_shape(share: object) -> bool:
    return share is None or (type(share) is list and len(share) == 2 and all(type(v) is bool for v in share))


def _place(value: object) -> bool:
    return (type(value) is list and len(value) == 3 and all(type(v) is int and v > 0 for v in value[:2])
            and type(value[2]) is str)


def _script_shape(share: object) -> bool:
    if share is None:
        return True
    if type(share) is not dict or set(share) != {"training", "step", "evaluates", "seeds", "config", "hyper", "cells"}:
        return False
    training = share["training"]
    return (
        (training is None or (type(training) is list and len(training) == 3 and training[0] in _LIBRARY_TITLES
                              and type(training[1]) is bool and _place(training[2])))
        and (share["step"] is None or _place(share["step"]))
        and (share["hyper"] is None or _place(share["hyper"]))
        and all(type(share[key]) is bool for key in ("evaluates", "seeds", "config", "cells"))
    )


class _Names:
    """The script's import bindings, for telling torch's `.fit` from scikit-learn's."""

    def __init__(self, tree: ast.Module) -> None:
        self.bindings: dict[str, str] = {}
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.bindings[alias.asname or alias.name.split(".", 1)[0]] = (
                        alias.name if alias.asname else alias.name.split(".", 1)[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        self.modules = {target.split(".", 1)[0] for target in self.bindings.values()}

    def resolve(self, name: str | None) -> str:
        if not name:
            return ""
        head, dot, rest = name.partition(".")
        return f"{self.bindings.get(head, head)}{dot}{rest}"


_LIBRARY_TITLES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "numpy": "NumPy", "sklearn": "scikit-learn"}
_SEED_HINTS = {
    "torch": "call `torch.manual_seed(seed)` (and `np.random.seed`, `random.seed`) at the start, or "
             "`lightning.seed_everything(seed)`",
    "tensorflow": "call `keras.utils.set_random_seed(seed)` (or `tf.random.set_seed(seed)`) at the start",
    "numpy": "call `np.random.seed(seed)` or draw from `np.random.default_rng(seed)`",
    "sklearn": "pass `random_state=seed` to the randomised steps (or call `np.random.seed(seed)`)",
}


#: The fields through which statements nest (an expression never holds a statement), handlers and match cases.
_NESTING = frozenset(("body", "orelse", "finalbody", "handlers", "cases"))


def _imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements in `ast.walk`'s order (breadth first; a name imported twice is bound by the later),
    visiting statements only: an expression never holds a statement, and most nodes are expressions."""
    queue: deque[ast.AST] = deque([tree])
    while queue:
        node = queue.popleft()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        for name in node._fields:  # in `ast.iter_child_nodes`' order
            if name in _NESTING:
                queue.extend(getattr(node, name, ()))


def _calls(module: PythonFile) -> list[ast.Call]:
    """The calls in source order, from the file's shared node index. Calls that start at one place (`f(a)(b)`,
    `x.f().g()`) come outermost first, as a walk down the tree meets them."""
    calls: list[ast.Call] = module.nodes(ast.Call)  # type: ignore[assignment]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset, -c.end_lineno, -c.end_col_offset))  # type: ignore


def _method(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _training(calls: list[ast.Call], names: _Names) -> _Training | None:
    """The script's first training call (of its `calls`, in source order) and what it needs seeded, or None when
    it does not train."""
    modules = names.modules
    backward = next((c for c in calls if _method(c) in ("backward", "manual_backward")), None)
    step = any(_method(c) == "step" and "opt" in (dotted_name(c.func.value) or "").lower()  # type: ignore[attr-defined]
               for c in calls)
    torchish = modules & {"torch", "lightning", "pytorch_lightning", "transformers", "accelerate", "timm"}
    for call in calls:
        method = _method(call)
        receiver = (dotted_name(call.func.value) or "").lower() if method else ""  # type: ignore[attr-defined]
        if method == "train" and "trainer" in receiver and "transformers" in modules:
            return _Training(call, "torch", seeded_itself=True)  # Hugging Face Trainer: seeded by its arguments
        if method == "fit" and "trainer" in receiver and torchish:
            return _Training(call, "torch", seeded_itself=False)  # Lightning
        if method in ("fit", "fit_generator") and modules & {"tensorflow", "keras", "tf_keras"}:
            return _Training(call, "tensorflow", seeded_itself=False)
    if backward is not None and step:
        return _Training(backward, "torch" if torchish else "numpy", seeded_itself=False)
    if "sklearn" in modules or modules & {"xgboost", "lightgbm", "catboost", "imblearn"}:
        fit = next((c for c in calls if _method(c) == "fit"), None)
        if fit is not None:
            return _Training(fit, "sklearn", seeded_itself=False)
    return None


def _unseeded_randomised_step(calls: list[ast.Call], names: _Names) -> ast.Call | None:
    """The first scikit-learn randomised step without `random_state`."""
    for call in calls:
        short = names.resolve(dotted_name(call.func)).rsplit(".", 1)[-1]
        if keyword_value(call, "random_state") is not None or any(k.arg is None for k in call.keywords):
            continue  # seeded, or `**params` that may hold the seed
        if short in RANDOMISED:
            if short == "train_test_split" and _false(keyword_value(call, "shuffle")):
                continue
            return call
        if short in _SHUFFLED_SPLITTERS and _true(keyword_value(call, "shuffle")):
            return call
    return None


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _evaluates(calls: list[ast.Call]) -> bool:
    return any(_method(c) in ("evaluate", "predict", "predict_proba") or (_method(c) == "eval" and not c.args)
               for c in calls)


def _first_hyper_parameter(module: PythonFile) -> tuple[ast.AST, str] | None:
    """The first keyword argument or assignment that gives a hyper-parameter a number (no two start at one place,
    so the order the nodes come in does not matter)."""
    found: list[tuple[int, int, ast.AST, str]] = []
    for node in module.nodes(ast.Call, ast.Assign):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and keyword.arg.lower() in HYPER_PARAMETERS and _number(keyword.value):
                    value = keyword.value
                    found.append((value.lineno, value.col_offset, value, f"{keyword.arg}={ast.unparse(value)}"))
        elif isinstance(node, ast.Assign) and _number(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.lower() in HYPER_PARAMETERS:
                    found.append((node.lineno, node.col_offset, node, f"{target.id} = {ast.unparse(node.value)}"))
    if not found:
        return None
    _, _, node, name = min(found, key=lambda item: (item[0], item[1]))
    return node, name


def _number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)
