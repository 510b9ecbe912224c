"""PyTorch training-loop mistakes: gradients never reset between steps, and `forward` called directly."""

from __future__ import annotations

import ast
from typing import Iterator

from mlrepolint.api import Context, PythonChecker, PythonFile, Rule, Severity, dotted_name, lazy
from mlrepolint.rules.python.ml.names import ImportedNames, receiver_name

MISSING_ZERO_GRAD = Rule(
    code="MLR312",
    name="missing-zero-grad",
    category="reproducibility",
    severity=Severity.WARNING,
    summary="Training loop steps the optimizer but never resets the gradients",
    description=(
        "Reports, in every Python file, a `for` / `while` loop that calls `.backward(...)` (or "
        "`manual_backward`) and an optimizer's `.step()` (a receiver whose name says optimizer: `optimizer`, "
        "`opt`, `self.optim`, `optimizers[i]`, or `scaler.step(optimizer)`) and resets no gradients anywhere in "
        "the loop: no `zero_grad()` on the optimizer or the model, no `p.grad = None`, no `p.grad.zero_()`, no "
        "call of a helper named `*zero_grad*`, `*reset_grad*` or `*clear_grad*` (distributed autograd, "
        "`dist_autograd.backward`, keeps each iteration's gradients in its own context and is left out). "
        "Only the innermost such loop "
        "is reported, at its optimizer step. Not reported: gradient accumulation whose step is guarded by a step "
        "counter (`if (i + 1) % accumulation == 0:`) in a function that resets the gradients elsewhere; a step "
        "inside an LBFGS-style closure (the loop itself calls no `backward`). The rubric counts training loops."
    ),
    rationale=(
        "PyTorch adds each `backward()` into `.grad`; without `zero_grad()` every step applies the sum of all "
        "gradients so far. Training still runs and the loss may even fall for a while, so the bug shows up only "
        "as a model that is worse than it should be, and results that no one can match with a correct loop."
    ),
    fix=(
        "Call `optimizer.zero_grad(set_to_none=True)` once per step, before `loss.backward()` or right after "
        "`optimizer.step()`; with gradient accumulation, reset after each guarded step."
    ),
    bad=(
        "for inputs, targets in loader:\n    loss = criterion(model(inputs), targets)\n    loss.backward()\n"
        "    optimizer.step()\n"
    ),
    good=(
        "for inputs, targets in loader:\n    optimizer.zero_grad()\n    loss = criterion(model(inputs), targets)\n"
        "    loss.backward()\n    optimizer.step()\n"
    ),
)

DIRECT_FORWARD_CALL = Rule(
    code="MLR313",
    name="direct-forward-call",
    category="reproducibility",
    severity=Severity.WARNING,
    summary="`module.forward(x)` called directly instead of `module(x)`",
    description=(
        "Reports a call of `.forward(...)` on an object (`model.forward(x)`, `self.encoder.forward(h)`) in a "
        "file that imports PyTorch or a library built on it (`torch`, `lightning`, `pytorch_lightning`, "
        "`transformers`, `timm`, `torchvision`, ...). Not reported: `super().forward(x)` and "
        "`Base.forward(self, x)` (a subclass calling its parent's implementation), `self.forward(x)` (a module "
        "calling its own forward from another of its methods), calls inside a `__call__` method (a class "
        "implementing its own call protocol), RPC proxies and remote modules (`rref.rpc_sync().forward(x)`, "
        "`remote_module.forward(x)`: the RPC API names the method), a receiver built from a class the same "
        "file defines without a module among its bases (`nmesc = NMESC(...)`, `self.clusterer = Spectral(...)`, "
        "where `class NMESC:` derives from nothing: a plain object whose `forward` is just a method), test "
        "files (a test calls `forward` to test "
        "it), files that use "
        "skorch (whose `NeuralNet.forward(X)` is its inference API), and files that define their own "
        "`forward` / `backward` classes outside `torch.autograd.Function` (hand-written networks in NumPy). "
        "The rubric counts `forward` calls."
    ),
    rationale=(
        "`nn.Module.__call__` runs the module's forward pre-hooks and hooks around `forward`: what "
        "mixed-precision wrappers, quantisation and pruning, `torch.compile` guards, activation checkpointing, "
        "Lightning and Hugging Face callbacks and feature extractors rely on. Calling `forward` directly skips "
        "them silently, so the model that is evaluated is not quite the model that was trained."
    ),
    fix="Call the module (`model(x)`, `self.encoder(h)`); keep `super().forward(x)` for a parent's implementation.",
    bad=(
        "import torch\n\n\ndef predict(model, batch):\n    with torch.no_grad():\n        return model.forward(batch)\n"
    ),
    good="import torch\n\n\ndef predict(model, batch):\n    with torch.no_grad():\n        return model(batch)\n",
)

#: The file must import one of these for `.forward(...)` to be a PyTorch module's.
TORCH_MODULES = frozenset({
    "torch", "lightning", "pytorch_lightning", "transformers", "timm", "torchvision", "torchaudio", "torchtext",
    "torch_geometric", "accelerate", "diffusers", "peft", "fairseq", "detectron2", "mmcv", "mmengine",
    "sentence_transformers", "lightning_fabric", "ignite", "monai", "fastai",
})
#: The receiver of `.step(...)` names an optimizer.
_OPTIMIZER_RE = lazy(r"opt")
_NOT_OPTIMIZER_RE = lazy(r"sched|lr|env|trainer")
#: A call that resets gradients, by the last part of its name.
_ZEROING_RE = lazy(r"zero_grad|reset_grad|clear_grad|zero_grads")
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _nodes_outside_definitions(roots: list[ast.AST]) -> Iterator[ast.AST]:
    """Every node below `roots` that runs when they run: not inside a nested function, class or lambda."""
    stack = [node for node in roots if not isinstance(node, _SCOPES)]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _SCOPES):
                stack.append(child)


class _LoopFacts:
    """What one loop's body does, nested loops included: its backward calls, optimizer steps and resets."""

    def __init__(self, loop: ast.For | ast.AsyncFor | ast.While) -> None:
        self.loop = loop
        self.backward = False
        self.steps: list[ast.Call] = []
        self.zeroes = False
        self.distributed = False
        self.inner: list[ast.AST] = []
        for node in _nodes_outside_definitions([*loop.body, *loop.orelse]):
            if isinstance(node, _LOOPS):
                self.inner.append(node)
            elif _resets_gradients(node):
                self.zeroes = True
            elif isinstance(node, ast.Call):
                last = _last_name(node)
                if last in ("backward", "manual_backward"):
                    if "dist_autograd" in (dotted_name(node.func) or ""):
                        self.distributed = True  # gradients live in the iteration's autograd context
                    self.backward = True
                elif last == "step" and _is_optimizer_step(node):
                    self.steps.append(node)

    @property
    def trains(self) -> bool:
        """Calls backward and steps an optimizer."""
        return self.backward and bool(self.steps)


def _last_name(call: ast.Call) -> str:
    """`step` for `optimizer.step(...)` and for `step(...)`; empty for anything else called."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _resets_gradients(node: ast.AST) -> bool:
    """`zero_grad()` (or a helper named like it), `p.grad.zero_()`, `p.grad = None`."""
    if isinstance(node, ast.Call):
        last = _last_name(node)
        return bool(_ZEROING_RE.search(last)) or (last == "zero_" and ".grad" in (dotted_name(node.func) or ""))
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "grad" for t in node.targets)


def _is_optimizer_step(call: ast.Call) -> bool:
    receiver = receiver_name(call)
    last = receiver.rsplit(".", 1)[-1]
    if "scaler" in last and call.args:  # `scaler.step(optimizer)` with AMP
        return True
    return bool(_OPTIMIZER_RE.search(last)) and not _NOT_OPTIMIZER_RE.search(last)


def _guarded_by_counter(step: ast.Call, function: ast.AST | None) -> bool:
    """The step sits under an `if` that tests a modulo (`(i + 1) % accumulation == 0`)."""
    if function is None:
        return False
    for node in _nodes_outside_definitions(getattr(function, "body", [])):
        if isinstance(node, ast.If) and any(
            isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mod) for sub in ast.walk(node.test)
        ):
            if any(sub is step for stmt in node.body for sub in ast.walk(stmt)):
                return True
    return False


class TrainingLoopChecker(PythonChecker):
    """Finds training loops that never reset gradients."""

    rules = (MISSING_ZERO_GRAD,)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Look at each loop that calls backward and steps an optimizer (statement nodes only until then)."""
        text = file.text
        if "backward(" not in text or ".step(" not in text:
            return
        loops = [_LoopFacts(loop) for loop in file.nodes(*_LOOPS)]  # type: ignore[arg-type]
        training = {id(facts.loop): facts for facts in loops if facts.trains}
        if not training:
            return
        functions = _enclosing_scopes(file)
        for facts in training.values():
            if any(id(inner) in training for inner in facts.inner):
                continue  # an inner loop is the training step: it is the one judged
            ctx.examine(MISSING_ZERO_GRAD)
            if facts.zeroes or facts.distributed:
                continue
            function = functions.get(id(facts.loop))
            if function is not None and all(_guarded_by_counter(step, function) for step in facts.steps) and any(
                _resets_gradients(node) for node in _nodes_outside_definitions(function.body)
            ):
                continue  # gradient accumulation: the function resets the gradients around its guarded steps
            step = min(facts.steps, key=lambda c: (c.lineno, c.col_offset))
            name = dotted_name(step.func) or "step"
            ctx.report(
                MISSING_ZERO_GRAD, step.lineno, step.col_offset + 1,
                f"`{name}()` in a loop (line {facts.loop.lineno}) that calls `backward()` but never resets the "
                "gradients: each step applies the sum of every gradient so far; call `zero_grad()` each step",
            )


def _enclosing_scopes(file: PythonFile) -> dict[int, ast.AST]:
    """id of each loop -> the innermost function (or the module) whose body holds it."""
    found: dict[int, ast.AST] = {}
    for scope in [file.tree, *file.nodes(ast.FunctionDef, ast.AsyncFunctionDef)]:
        for node in _nodes_outside_definitions(scope.body):  # type: ignore[attr-defined]
            if isinstance(node, _LOOPS):
                found[id(node)] = scope
    return found


class ForwardCallChecker(PythonChecker):
    """Finds `.forward(...)` called on a module instead of the module itself."""

    rules = (DIRECT_FORWARD_CALL,)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Look at every `.forward(...)` call in a file that uses PyTorch."""
        if ".forward(" not in file.text or file.is_test:
            return  # a test calls `forward` to test it
        names = ImportedNames(file)
        modules = names.modules()
        if not modules & TORCH_MODULES or "skorch" in modules:
            return  # skorch's `NeuralNet.forward(X)` is its inference API, not a module's forward
        skipped = _skipped_spans(file)
        if skipped is None:
            return  # hand-written forward/backward classes: `.forward` is not a torch module's here
        plain = _PlainObjects(file)
        for call, function, cls in _forward_calls(file):
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr == "forward"):
                continue
            ctx.examine(DIRECT_FORWARD_CALL)
            receiver = func.value
            if isinstance(receiver, ast.Call) and dotted_name(receiver.func) == "super":
                continue  # super().forward(x)
            if isinstance(receiver, ast.Name) and receiver.id == "self":
                continue  # the module's own methods (`predict_step` -> `self.forward`): the class's choice
            if _remote(receiver):
                continue  # `rref.rpc_sync().forward(x)`, a RemoteModule: the RPC API calls `forward` by name
            if call.args and isinstance(call.args[0], ast.Name) and call.args[0].id == "self" and not (
                isinstance(receiver, ast.Name) and receiver.id == "self"
            ):
                continue  # Base.forward(self, x)
            if any(begin <= (call.lineno, call.col_offset) <= end for begin, end in skipped):
                continue
            if plain.built_plain(receiver, function, cls):
                continue  # `nmesc = NMESC(...)` where `class NMESC:` is no module: its forward is a plain method
            shown = dotted_name(receiver) or "module"
            ctx.report(
                DIRECT_FORWARD_CALL, call.lineno, call.col_offset + 1,
                f"`{shown}.forward(...)` skips the module's hooks; call `{shown}(...)` instead",
            )


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _forward_calls(file: PythonFile) -> list[tuple[ast.Call, ast.AST, ast.ClassDef | None]]:
    """Every `.forward(...)` call, with the function (or the module) whose body holds it and the class whose
    method that is (None outside a class), in source order.

    From the file's shared node index: a node lies inside a definition exactly when its span lies inside the
    definition's (which starts at its first decorator), so the innermost function and class around a call are
    the ones with the latest start among those whose span holds the call's. Only the statements on the lines that
    say `forward` have their expressions walked: a lambda around such a call is in the statement that holds it.
    """
    near = file.nodes_naming(("forward",), ast.Call, ast.Lambda)
    calls = [
        call for call in near
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "forward"
    ]
    if not calls:
        return []
    lambdas = [node for node in near if isinstance(node, ast.Lambda)]
    scopes = [(_span(node), node) for node in [*file.nodes(*_FUNCTIONS, ast.ClassDef), *lambdas]]
    found: list[tuple[ast.Call, ast.AST, ast.ClassDef | None]] = []
    for call in calls:
        where = _span(call)
        function: ast.AST = file.tree
        cls: ast.ClassDef | None = None
        function_start = class_start = None
        for (begin, end), node in scopes:
            if not (begin <= where[0] and where[1] <= end):
                continue
            if isinstance(node, ast.ClassDef):
                if class_start is None or begin > class_start:
                    cls, class_start = node, begin
            elif function_start is None or begin > function_start:
                function, function_start = node, begin
        found.append((call, function, cls))
    found.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
    return found


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    """(line, column) of a node's start (a definition's first decorator's `@`) and of its end."""
    begin = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    for decorator in getattr(node, "decorator_list", ()):
        begin = min(begin, (decorator.lineno, decorator.col_offset - 1))
    return begin, (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


class _PlainObjects:
    """Which receivers of `.forward` are built from a class the file defines that is not a module: its bases
    are none, `object`, or other such classes of the file (a class defined twice must be plain both times)."""

    def __init__(self, file: PythonFile) -> None:
        self.tree = file.tree
        definitions: dict[str, list[ast.ClassDef]] = {}
        for node in file.nodes(ast.ClassDef):
            assert isinstance(node, ast.ClassDef)
            definitions.setdefault(node.name, []).append(node)
        self.classes: set[str] = set()
        changed = True
        while changed:  # a class deriving from a plain class of the file is plain too
            changed = False
            for name, nodes in definitions.items():
                if name not in self.classes and all(
                    not node.keywords and all(dotted_name(b) in ("object", *self.classes) for b in node.bases)
                    for node in nodes
                ):
                    self.classes.add(name)
                    changed = True
        self._bindings: dict[int, dict[str, list[ast.expr | None]]] = {}

    def built_plain(self, receiver: ast.expr, function: ast.AST, cls: ast.ClassDef | None) -> bool:
        """Whether every value the receiver can hold is an instance of a plain class (a name bound only to
        `Plain(...)` in its function, or at the module level when the function does not bind it; `self.x`
        assigned only `Plain(...)` in the class; or `Plain(...)` itself)."""
        if not self.classes:
            return False
        if isinstance(receiver, ast.Call):
            return self._plain(receiver)
        values: list[ast.expr | None] | None = None
        if isinstance(receiver, ast.Name):
            values = self._names(function).get(receiver.id)
            if values is None and function is not self.tree:
                values = self._names(self.tree).get(receiver.id)
        elif (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name)
              and receiver.value.id == "self" and cls is not None):
            values = [
                node.value for node in ast.walk(cls) if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Attribute) and target.attr == receiver.attr
                and isinstance(target.value, ast.Name) and target.value.id == "self"
            ]
        return bool(values) and all(value is not None and self._plain(value) for value in values)

    def _plain(self, value: ast.expr) -> bool:
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in self.classes

    def _names(self, function: ast.AST) -> dict[str, list[ast.expr | None]]:
        """Name -> the values the function's own body (or the module's) binds it to; None for a binding whose
        value is not a plain assignment (a parameter, a loop variable, `with ... as`, an augmented assignment)."""
        found = self._bindings.get(id(function))
        if found is not None:
            return found
        found = self._bindings[id(function)] = {}
        if isinstance(function, _FUNCTIONS + (ast.Lambda,)):
            arguments = function.args  # type: ignore[attr-defined]
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg,
                        arguments.kwarg]:
                if arg is not None:
                    found.setdefault(arg.arg, []).append(None)
        body = function.body if isinstance(function, (ast.Module, *_FUNCTIONS)) else [function.body]  # type: ignore
        assigned: set[int] = set()  # the Name nodes an `x = value` binds, whose value is known
        nodes = list(_nodes_outside_definitions(body))
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.add(id(target))
                        found.setdefault(target.id, []).append(node.value)
        for node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in assigned:
                found.setdefault(node.id, []).append(None)
        return found


def _remote(receiver: ast.expr) -> bool:
    """An RPC proxy (`rref.remote()`, `rref.rpc_async()`, `rref.rpc_sync()`) or a remote module by its name."""
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
        if receiver.func.attr in ("remote", "rpc_async", "rpc_sync"):
            return True
    name = (dotted_name(receiver) or "").lower()
    return "remote" in name or "rref" in name


def _skipped_spans(file: PythonFile) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    """Spans of `__call__` methods (whose `self.forward` is the call protocol itself); None when the file
    defines a class with both `forward` and `backward` that is not an autograd Function (a hand-written net)."""
    spans = []
    for node in file.nodes(ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, ast.ClassDef):
            methods = {m.name for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
            bases = " ".join(dotted_name(base) or "" for base in node.bases)
            if {"forward", "backward"} <= methods and "Function" not in bases:
                return None
        elif node.name == "__call__":
            spans.append(((node.lineno, node.col_offset), (node.end_lineno or node.lineno, node.end_col_offset or 0)))
    return spans
