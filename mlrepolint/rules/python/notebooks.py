"""Notebook hygiene: what makes a notebook hard to re-run top to bottom or to find again.

These rules look only at notebooks (`file.notebook` is their cell map); a `.py` file is never examined. Their
examples are notebooks in the form `jupyter nbconvert --to script` writes them: each cell under `# In[N]:` (its
execution count) or `# In[ ]:` (never run).
"""

from __future__ import annotations

import ast

from mlrepolint.api import CellMap, Context, PythonChecker, PythonFile, Rule, Severity, lazy

NOTEBOOK_DEFAULT_NAME = Rule(
    code="MLR305",
    name="notebook-default-name",
    category="data-hygiene",
    severity=Severity.INFO,
    summary="Notebook still has Jupyter's default name (`Untitled*.ipynb`, `*-Copy*.ipynb`)",
    description=(
        "Reports a notebook named as Jupyter names a new notebook or a copy: `Untitled.ipynb`, `Untitled3.ipynb`, "
        "`train-Copy1.ipynb`. Applies to notebooks only."
    ),
    rationale=(
        "A committed `Untitled2.ipynb` or `eval-Copy1.ipynb` is a scratch file or a fork of another notebook: "
        "nobody can tell which copy holds the experiment that produced the reported numbers."
    ),
    fix="Give the notebook a name that says what it does (`02-train-baseline.ipynb`), or delete the copy.",
    bad="notebooks/Untitled1.ipynb\nnotebooks/train-Copy1.ipynb\n",
    good="notebooks/01-explore-data.ipynb\nnotebooks/02-train-baseline.ipynb\n",
)

NOTEBOOK_LATE_IMPORT = Rule(
    code="MLR306",
    name="notebook-late-import",
    category="data-hygiene",
    severity=Severity.INFO,
    summary="Notebook imports a module in a cell after the first code cell",
    description=(
        "Reports, once per cell, a notebook cell after the first code cell that imports at its top level, "
        "naming the modules. Imports inside functions are not reported. Applies to notebooks only."
    ),
    rationale=(
        "Imports scattered through a notebook hide its dependencies: a reader cannot see at the top what must "
        "be installed, and a cell run on its own fails on a name a later import defines."
    ),
    fix="Move the imports to the first code cell.",
    bad=(
        "# In[1]:\nimport pandas as pd\n\n# In[2]:\ndf = pd.read_csv('data.csv')\n\n"
        "# In[3]:\nfrom sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression()\n"
    ),
    good=(
        "# In[1]:\nimport pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
        "# In[2]:\ndf = pd.read_csv('data.csv')\n\n# In[3]:\nmodel = LogisticRegression()\n"
    ),
)

NOTEBOOK_EMPTY_CELL = Rule(
    code="MLR307",
    name="notebook-empty-cell",
    category="data-hygiene",
    severity=Severity.INFO,
    summary="Notebook has an empty code cell",
    description="Reports each code cell with no source (or only whitespace). Applies to notebooks only.",
    rationale="Empty cells are leftovers of editing: noise in the notebook and in every diff of it.",
    fix="Delete the empty cells.",
    bad="# In[1]:\nimport pandas as pd\n\n# In[ ]:\n\n\n# In[2]:\ndf = pd.read_csv('data.csv')\n",
    good="# In[1]:\nimport pandas as pd\n\n# In[2]:\ndf = pd.read_csv('data.csv')\n",
)

NOTEBOOK_USE_BEFORE_DEFINE = Rule(
    code="MLR308",
    name="notebook-use-before-define",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="Notebook cell uses a name that only a cell below it defines",
    description=(
        "Reports a name a cell reads when it runs (at the cell's top level, not inside a function body) that no "
        "cell above it, nor the cell itself, defines, while a cell below it does: run from top to bottom, the "
        "notebook stops there with a NameError. A star import or a `%run`, `%load` or `%store` above a cell, "
        "which may define anything, ends the check at that cell. Applies to notebooks only."
    ),
    rationale=(
        "The notebook only worked in the order its author happened to run it: anyone re-running it from the "
        "top (a reviewer, CI, the author next month) gets a NameError, or worse, a stale value."
    ),
    fix="Move the cell that defines the name above the cell that uses it, then restart and run all cells.",
    bad="# In[2]:\nprint(df.shape)\n\n# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n",
    good="# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n\n# In[2]:\nprint(df.shape)\n",
)

NOTEBOOK_UNRUN_CELL = Rule(
    code="MLR309",
    name="notebook-unrun-cell",
    category="data-hygiene",
    severity=Severity.INFO,
    summary="Notebook has a code cell that was never run among cells that were",
    description=(
        "Reports, in a notebook committed with execution counts, each code cell with Python code and neither a "
        "count nor outputs (never run) while other code cells have a count. A notebook whose outputs are "
        "stripped has no counts at all and is not reported; nor is a cell of shell commands only (`!pip "
        "install`), often left unrun on purpose. Applies to notebooks only."
    ),
    rationale=(
        "The saved outputs do not come from the code as committed: a cell added or changed later was never run, "
        "so the results shown below it may not be what the notebook computes."
    ),
    fix="Restart the kernel and run all cells, or strip the outputs (`nbstripout`).",
    bad=(
        "# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n\n# In[ ]:\ndf = df.dropna()\n\n"
        "# In[2]:\ndf.describe()\n"
    ),
    good=(
        "# In[1]:\nimport pandas as pd\ndf = pd.read_csv('data.csv')\n\n# In[2]:\ndf = df.dropna()\n\n"
        "# In[3]:\ndf.describe()\n"
    ),
)

#: Names IPython defines in every kernel (a later `from IPython.display import display` does not define them).
_IPYTHON_NAMES = frozenset(("display", "get_ipython", "In", "Out", "exit", "quit", "_", "__", "___"))

#: Jupyter's names for a new notebook and for a copy (`Untitled.ipynb`, `Untitled3.ipynb`, `train-Copy1.ipynb`).
_DEFAULT_NAME = lazy(r"^(?:Untitled\d*|.*-Copy\d+)\.ipynb$")


class NotebookHygieneChecker(PythonChecker):
    """The notebook hygiene rules, from the notebook's cell map and its one module."""

    rules = (NOTEBOOK_DEFAULT_NAME, NOTEBOOK_LATE_IMPORT, NOTEBOOK_EMPTY_CELL, NOTEBOOK_USE_BEFORE_DEFINE,
             NOTEBOOK_UNRUN_CELL)

    def check(self, file: PythonFile, ctx: Context) -> None:
        """Look at a notebook's cells; a `.py` file is not a notebook."""
        cells = file.notebook
        if cells is None:
            return
        for rule in self.rules:
            ctx.examine(rule)
        if _DEFAULT_NAME.match(file.name):
            ctx.report(NOTEBOOK_DEFAULT_NAME, None, None,
                       f"notebook named `{file.name}`, Jupyter's default: name it after what it does")
        for cell in cells.cells:
            if cell.empty:
                ctx.report(NOTEBOOK_EMPTY_CELL, None, None, "empty code cell: delete it", cell=cell.number)
        counted = [c for c in cells.cells if c.execution_count is not None]
        if counted:
            for cell in cells.cells:
                if cell.execution_count is None and not cell.outputs and cell.in_module:  # not only `!pip`
                    ctx.report(NOTEBOOK_UNRUN_CELL, None, None,
                               "code cell never run while the cells around it were: its outputs below may not "
                               "come from this code; restart and run all cells", cell=cell.number)
        by_cell = _statements_by_cell(file.tree, cells)
        self._late_imports(by_cell, ctx)
        self._use_before_define(by_cell, cells, ctx)

    @staticmethod
    def _late_imports(by_cell: list[tuple[int, list[ast.stmt]]], ctx: Context) -> None:
        for _, statements in by_cell[1:]:
            imports = [s for s in statements if isinstance(s, (ast.Import, ast.ImportFrom))]
            if not imports:
                continue
            names = list(dict.fromkeys(
                alias.name if isinstance(s, ast.Import) else (s.module or ".") for s in imports for alias in
                (s.names if isinstance(s, ast.Import) else s.names[:1])
            ))
            more = f" (and {len(names) - 3} more)" if len(names) > 3 else ""
            listed = ", ".join(f"`{n}`" for n in names[:3])
            ctx.report(NOTEBOOK_LATE_IMPORT, imports[0].lineno, imports[0].col_offset + 1,
                       f"import of {listed}{more} after the first code cell: move the notebook's imports there")

    @staticmethod
    def _use_before_define(by_cell: list[tuple[int, list[ast.stmt]]], cells: CellMap, ctx: Context) -> None:
        scopes = [_Scope(statements) for _, statements in by_cell]
        opaque = min((c.number for c in cells.cells if c.opaque), default=None)
        later: dict[str, int] = {}  # name -> the first cell (by position in by_cell) defining it
        for index, scope in enumerate(scopes):
            for name in scope.bound:
                later.setdefault(name, index)
        defined_everywhere = set().union(*(s.declared_global for s in scopes)) if scopes else set()
        for index, (number, _) in enumerate(by_cell):
            if opaque is not None and number > opaque:
                return  # a `%run` above: anything may be defined from here on
            scope = scopes[index]
            reported: set[str] = set()
            for node in scope.loads:
                name = node.id
                first = later.get(name)
                if first is None or first <= index or name in reported or name in defined_everywhere \
                        or name in _IPYTHON_NAMES:
                    continue
                reported.add(name)
                defining = by_cell[first][0]
                ctx.report(NOTEBOOK_USE_BEFORE_DEFINE, node.lineno, node.col_offset + 1,
                           f"`{name}` is used here but first defined in cell {defining} below: run from the top, "
                           "this cell fails with a NameError; move the definition up")
            if scope.star:
                return  # anything may be defined from here on


def _statements_by_cell(tree: ast.Module, cells: CellMap) -> list[tuple[int, list[ast.stmt]]]:
    """(cell number, its top-level statements) for each cell in the module, in order."""
    grouped: list[tuple[int, list[ast.stmt]]] = []
    for statement in tree.body:
        cell = cells.cell_at(statement.lineno)
        if cell is None:
            continue
        if not grouped or grouped[-1][0] != cell.number:
            grouped.append((cell.number, []))
        grouped[-1][1].append(statement)
    return grouped


class _Enter:
    """On the walk's stack: the names local to a comprehension or class body, hidden from here to the next _LEAVE."""

    __slots__ = ("names",)

    def __init__(self, names: set[str]) -> None:
        self.names = names


_LEAVE = object()  # on the walk's stack: the innermost hidden names end here
#: Fields that never hold a node whose visit matters: expression contexts and operators (shared singletons).
_NO_NODES = frozenset(("ctx", "op", "ops"))
#: Node class -> its fields the walk follows, last first, filled in as classes are met.
_FIELDS: dict[type, tuple[str, ...]] = {}
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_DYNAMIC_NAMES = ("exec", "globals", "locals", "vars")


class _Scope:
    """The module-level names one cell binds, and the names it reads when it runs (not in function bodies, not
    a comprehension's own variables), in the order of the cell's source (a depth-first walk, children in field
    order, as `ast.NodeVisitor` goes; one iterative loop, a class body's and a comprehension's hidden names pushed
    and popped through markers on the stack)."""

    def __init__(self, statements: list[ast.stmt]) -> None:
        self.bound: set[str] = set()
        self.loads: list[ast.Name] = []
        self.declared_global: set[str] = set()
        self.star = False
        self._hidden: list[set[str]] = []  # names local to the comprehensions and class bodies being visited
        self._walk(statements)

    def _bind(self, name: str) -> None:
        if not self._hidden:
            self.bound.add(name)

    def _walk(self, roots: list[ast.stmt]) -> None:
        # One loop over every node of the cell: the children are pushed inline, last field first (a call per node
        # to list them cost a third of the walk), and constants, which hold no node, are passed over at once.
        stack: list[object] = list(reversed(roots))
        hidden = self._hidden
        push, pop, node_class, constant = stack.append, stack.pop, ast.AST, ast.Constant
        while stack:
            node = pop()
            kind = type(node)
            if kind is ast.Name:
                if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                    if not hidden or not any(node.id in names for names in hidden):  # type: ignore[attr-defined]
                        self.loads.append(node)  # type: ignore[arg-type]
                else:
                    self._bind(node.id)  # type: ignore[attr-defined]
                continue
            if kind is constant:
                continue
            if kind is _Enter:
                hidden.append(node.names)  # type: ignore[attr-defined]
                continue
            if node is _LEAVE:
                hidden.pop()
                continue
            special = _SPECIAL.get(kind)
            if special is not None:
                special(self, node, stack)
                continue
            if kind is ast.Call and isinstance(node.func, ast.Name) and node.func.id in _DYNAMIC_NAMES:  # type: ignore
                self.star = True  # names defined where no parse can see
            elif kind is ast.ExceptHandler and node.name:  # type: ignore[attr-defined]
                self._bind(node.name)  # type: ignore[attr-defined]
            elif kind in _MATCH_CAPTURES and getattr(node, "name", None):
                self._bind(node.name)  # type: ignore[attr-defined]
            fields = _FIELDS.get(kind)
            if fields is None:
                fields = _FIELDS[kind] = _fields_backwards(kind)
            for name in fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    for item in reversed(value):
                        if isinstance(item, node_class):
                            push(item)
                elif isinstance(value, node_class):
                    push(value)

    def _import(self, node: ast.Import, stack: list[object]) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name.split(".")[0])

    def _import_from(self, node: ast.ImportFrom, stack: list[object]) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.star = True
            else:
                self._bind(alias.asname or alias.name)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, stack: list[object]) -> None:
        """Decorators and defaults run now; the body runs when called (its `global` names count as defined)."""
        now = [*getattr(node, "decorator_list", ()), *node.args.defaults, *node.args.kw_defaults]
        stack.extend(reversed([expression for expression in now if expression is not None]))
        if not isinstance(node, ast.Lambda):
            self._bind(node.name)
            for inner in _statements(node.body):  # a `global` is a statement: no expression holds one
                if isinstance(inner, ast.Global):
                    self.declared_global.update(inner.names)

    def _class(self, node: ast.ClassDef, stack: list[object]) -> None:
        local = {t.id for s in node.body for t in ast.walk(s)
                 if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)}
        local |= {s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        self._bind(node.name)  # bound where the class statement stands, after its body (as hidden as before it)
        stack.append(_LEAVE)
        stack.extend(reversed(node.body))
        stack.append(_Enter(local))
        stack.extend(reversed([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]))

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, stack: list[object]
    ) -> None:
        own = {t.id for g in node.generators for t in ast.walk(g.target) if isinstance(t, ast.Name)}
        inside: list[object] = []
        for generator in node.generators:
            if generator is not node.generators[0]:
                inside.append(generator.iter)
            inside.extend(generator.ifs)
        inside.extend(getattr(node, part) for part in ("elt", "key", "value") if hasattr(node, part))
        stack.append(_LEAVE)
        stack.extend(reversed(inside))
        stack.append(_Enter(own))
        stack.append(node.generators[0].iter)  # evaluated in the enclosing scope

    def _named_expression(self, node: ast.NamedExpr, stack: list[object]) -> None:
        if isinstance(node.target, ast.Name):
            self.bound.add(node.target.id)  # binds in the enclosing scope, even in a comprehension
        stack.append(node.value)

    def _global(self, node: ast.Global, stack: list[object]) -> None:
        self.declared_global.update(node.names)


_SPECIAL = {
    ast.Import: _Scope._import, ast.ImportFrom: _Scope._import_from, ast.FunctionDef: _Scope._function,
    ast.AsyncFunctionDef: _Scope._function, ast.Lambda: _Scope._function, ast.ClassDef: _Scope._class,
    ast.NamedExpr: _Scope._named_expression, ast.Global: _Scope._global,
    **{kind: _Scope._comprehension for kind in _COMPREHENSIONS},
}
_MATCH_CAPTURES = tuple(getattr(ast, name) for name in ("MatchAs", "MatchStar") if hasattr(ast, name))


def _fields_backwards(kind: type) -> tuple[str, ...]:
    """The fields of a node class the walk follows, last first (so that its stack pops them in field order, as
    `ast.iter_child_nodes` gives them), without the contexts and operators, whose visit does nothing."""
    return tuple(reversed([f for f in getattr(kind, "_fields", ()) if f not in _NO_NODES]))


def _statements(body: list[ast.stmt]) -> list[ast.AST]:
    """Every statement (handler and match case) nested in `body`, nested definitions' included."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        found.append(node)
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(value)
    return found
