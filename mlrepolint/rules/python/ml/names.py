"""What a dotted name in a file stands for, through the file's imports: `T.load` is `torch.load` after
`import torch as T`, `load` is `joblib.load` after `from joblib import load`."""

from __future__ import annotations

import ast

from mlrepolint.api import PythonFile, dotted_name


class ImportedNames:
    """The file's import bindings (every `import` / `from ... import` in it, wherever it is: a script that
    imports inside `main()` uses the name there), local name -> the dotted name it was imported as."""

    def __init__(self, file: PythonFile) -> None:
        self.bindings: dict[str, str] = {}
        for node in file.nodes(ast.Import, ast.ImportFrom):  # statements only: no walk of the expressions
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bindings[alias.asname] = alias.name
                    else:  # `import os.path` binds `os`
                        top = alias.name.split(".", 1)[0]
                        self.bindings.setdefault(top, top)
            elif node.level == 0 and node.module:
                for alias in node.names:
                    if alias.name != "*":
                        self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def modules(self) -> set[str]:
        """The top-level modules the file imports."""
        return {target.split(".", 1)[0] for target in self.bindings.values()}

    def resolve(self, name: str | None) -> str | None:
        """The dotted name with its first part replaced by what that part was imported as."""
        if name is None:
            return None
        head, dot, rest = name.partition(".")
        target = self.bindings.get(head)
        if target is None:
            return name
        return f"{target}{dot}{rest}"

    def call_name(self, call: ast.Call) -> str | None:
        """The resolved dotted name of what `call` calls."""
        return self.resolve(dotted_name(call.func))


def receiver_name(call: ast.Call) -> str:
    """The name of the object a method is called on, lower-cased, for judging what it is (`self.optimizer`
    -> `self.optimizer`; `opts[0]` -> `opts[]`); empty when it is not a name chain."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    return (dotted_name(func.value) or "").lower()


def constant(node: ast.expr | None) -> object:
    """The value of a literal (`True`, `0.1`, `"nan"`), or a sentinel that equals nothing when it is not one."""
    if isinstance(node, ast.Constant):
        return node.value
    return _NOT_A_CONSTANT


_NOT_A_CONSTANT = object()
