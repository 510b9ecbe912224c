"""top-level-execution and missing-main-guard (unsafe): move an entry script's module-level work into `main()`.

What moves is what `top-level-execution` calls work (its own `_Scope`, so the fix and the rule agree), plus every
later statement that reads a name the moved work binds (`X = df[FEATURES]` after `df = pd.read_csv(...)`).
Imports, definitions, constants and declarations stay at module level; the moved statements keep their order and
comments inside `def main():` (libcst rewrites only the statements it moves), and `if __name__ == "__main__":
main()` ends the file.

The move is refused, with a reason, when it could change what the script does: names assigned inside `main()`
become local to it, so a function or class at module level reading one would fail (or read another value), a
name bound both in the moved work and at module level would be shadowed, a `global` statement or
`globals()`/`vars()`/`locals()`/`exec`/`eval` may reach any name, a star import hides which names exist,
`__all__` exporting a moved name would export nothing, and another module of the repository importing the
script may use the names. Nothing is imported or run to decide: the script is parsed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from mlrepolint.astutil import is_main_guard
from mlrepolint.project import ENTRY_SCRIPT, Project
from mlrepolint.rules.python.structure import TOP_LEVEL_EXECUTION, _Scope
from mlrepolint.source import ParseFailure, decode_source, parse_text

#: Calls that reach names by string: no analysis of names can say what a move does to them.
_DYNAMIC = frozenset({"globals", "locals", "vars", "exec", "eval", "__import__"})
DOCSTRING = '"""Run the script (what used to run when the module was imported)."""'
GUARD = 'if __name__ == "__main__":\n    main()\n'


class Refused(Exception):
    """Why the script is not restructured (one line)."""


@dataclass
class _Statement:
    """What one module-level statement binds and reads."""

    node: ast.stmt
    binds: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)  # when the statement runs
    later: set[str] = field(default_factory=set)  # module names read by functions (and lambdas) it defines


def fix(path: str, data: bytes, project: Project, options) -> bytes:
    """The script with its module-level work in `main()`; raises Refused."""
    try:
        text = decode_source(data)
        file = parse_text(path, text)
    except ParseFailure as failure:
        raise Refused(f"it does not parse ({failure.message})") from None
    role = project.role_for(path, text)
    if role.kind != ENTRY_SCRIPT or role.framework == "console":
        raise Refused(f"it is not an entry script ({role.kind}: {role.reason}); only a script's work moves")
    importer = project.imported.get(path)
    if importer is not None:
        raise Refused(f"{importer} imports it, and may use the names the move would hide in main()")
    body = file.tree.body
    scope = _Scope(file, role, options(TOP_LEVEL_EXECUTION), project.io_helpers.get(path, {}))
    top = [_analyse(node) for node in body]
    _refuse_dynamic(file.tree)
    work_lines = [node.lineno for node, _ in scope.work(body)]
    if not work_lines:
        raise Refused("nothing at module level does work")
    moved = {i for i, stmt in enumerate(top) if any(_spans(stmt.node, line) for line in work_lines)}
    moved = _close(top, moved)
    _check(top, moved)
    # A script that defines `main` and calls it (or anything else that binds no name) at module level needs
    # only the guard around those calls; moving work that binds names needs a function, and `main` is taken.
    has_main = any("main" in stmt.binds for i, stmt in enumerate(top) if i not in moved)
    binds = set().union(*(top[i].binds for i in moved))
    if has_main and binds:
        raise Refused(f"it defines `main` already, and the work binds names (`{sorted(binds)[0]}`)")
    return _rewrite(data, top, moved, in_function=not has_main)


def _spans(node: ast.stmt, line: int) -> bool:
    return node.lineno <= line <= (node.end_lineno or node.lineno)


def _refuse_dynamic(tree: ast.Module) -> None:
    """Refuse what no reading of names can account for, and a script that has a guard already."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            raise Refused(f"line {node.lineno} has a `global` statement")
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            raise Refused(f"line {node.lineno} is a star import (`from {node.module} import *`)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in _DYNAMIC or (node.func.id == "dir" and not node.args)):
            raise Refused(f"line {node.lineno} calls `{node.func.id}()`, which reaches names by string")
        if isinstance(node, ast.Import) and any(alias.name == "__main__" for alias in node.names):
            raise Refused(f"line {node.lineno} imports `__main__`, which reaches the script's names")
        if isinstance(node, ast.If) and is_main_guard(node):
            raise Refused(f"it has a main guard already (line {node.lineno}): move the rest of its work by hand")


def _declaration(node: ast.stmt) -> bool:
    """A statement that only declares: an import, a definition, or an assignment whose value calls nothing (a
    constant). Anything else after the work moves with it, so that what it does still happens after the work
    (`np.random.seed(0)` after a random draw, a `print`, a `logging.basicConfig`)."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)):
        return True
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Constant)  # a string used as a comment
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        value = node.value
        effects = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)
        return value is None or not any(isinstance(n, effects) for n in _eager(value))
    return False


def _eager(node: ast.AST):
    """The nodes of an expression evaluated when it is (not those inside lambdas)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Lambda):
            continue
        yield current
        stack.extend(ast.iter_child_nodes(current))


def _close(top: list[_Statement], moved: set[int]) -> set[int]:
    """The work, every later statement that does more than declare, and every later statement that reads a name
    the moved ones bind (in order, transitively)."""
    first = min(moved)
    bound: set[str] = set()
    for i in range(first, len(top)):
        stmt = top[i]
        if i not in moved and not _declaration(stmt.node):
            moved.add(i)
        if i not in moved and stmt.reads & bound:
            if isinstance(stmt.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import,
                                      ast.ImportFrom)):
                name = sorted(stmt.reads & bound)[0]
                raise Refused(f"line {stmt.node.lineno} (a definition) reads `{name}` when it runs, which would "
                              "move into main()")
            moved.add(i)
        if i in moved:
            bound |= stmt.binds
    return moved


def _check(top: list[_Statement], moved: set[int]) -> None:
    moved_binds = set().union(*(top[i].binds for i in moved))
    first = min(moved)
    for i, stmt in enumerate(top):
        if i in moved:
            continue
        for name in sorted(stmt.binds & moved_binds):
            raise Refused(f"`{name}` is bound by the moved work and at module level (line {stmt.node.lineno}): "
                          "inside main() it would be another variable")
        for name in sorted(stmt.later & moved_binds):
            raise Refused(f"`{name}` is read by a function or class at module level (line {stmt.node.lineno}) "
                          "and would become local to main()")
    exported = _all_names(top)
    for name in sorted(exported & moved_binds):
        raise Refused(f"`__all__` exports `{name}`, which would move into main()")
    # A kept statement after the work that rebinds a name the work reads: the work saw the earlier value.
    moved_reads = set().union(*(top[i].reads | top[i].later for i in moved))
    seen: dict[str, int] = {}
    for i, stmt in enumerate(top):
        for name in stmt.binds:
            seen[name] = seen.get(name, 0) + 1
            if i > first and i not in moved and seen[name] > 1 and name in moved_reads:
                raise Refused(f"`{name}` is bound again at line {stmt.node.lineno}, after work that reads it")


def _all_names(top: list[_Statement]) -> set[str]:
    names: set[str] = set()
    for stmt in top:
        if "__all__" in stmt.binds:
            for node in ast.walk(stmt.node):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    names.add(node.value)
    return names


class _Names(ast.NodeVisitor):
    """Module-level binds and reads of one statement; reads inside function bodies and lambdas are `later`."""

    def __init__(self, stmt: _Statement) -> None:
        self.stmt = stmt

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.stmt.reads.add(node.id)
        else:
            self.stmt.binds.add(node.id)

    def visit_alias(self, node: ast.alias) -> None:
        self.stmt.binds.add(node.asname or node.name.split(".")[0])

    def _function(self, node, name: str | None) -> None:
        if name is not None:
            self.stmt.binds.add(name)
        for decorator in getattr(node, "decorator_list", ()):
            self.visit(decorator)
        args = node.args
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(default)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)
        if getattr(node, "returns", None) is not None:
            self.visit(node.returns)
        self.stmt.later |= _free_names(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, None)

    def _comprehension(self, node) -> None:
        """A comprehension runs at once, in its own scope: its loop variables are not the module's."""
        inner = _Statement(node)
        names = _Names(inner)
        for child in ast.iter_child_nodes(node):
            names.visit(child)
        self.stmt.reads |= inner.reads - inner.binds
        self.stmt.later |= inner.later
        self.stmt.binds |= {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)
                            and isinstance(n.target, ast.Name)}  # `:=` binds in the enclosing scope

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.stmt.reads.add(node.target.id)  # `x += 1` reads x too
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stmt.binds.add(node.name)
        for child in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(child)
        inner = _Statement(node)
        for child in node.body:
            _Names(inner).visit(child)
        # A class body runs at once; what its methods read is read later. Its own names stay its own.
        self.stmt.reads |= inner.reads - inner.binds
        self.stmt.later |= inner.later


def _free_names(function) -> set[str]:
    """Names a function (or lambda) reads that it does not bind itself: module names, or builtins."""
    bound: set[str] = set()
    read: set[str] = set()
    args = function.args
    bound |= {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
    body = function.body if isinstance(function.body, list) else [function.body]
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read - bound


#: The patterns of `match` statements that bind names (Python 3.10's; none before it).
_MATCH_NAMES = tuple(getattr(ast, name) for name in ("MatchAs", "MatchStar") if hasattr(ast, name))
_MATCH_REST = tuple(getattr(ast, name) for name in ("MatchMapping",) if hasattr(ast, name))


def _analyse(node: ast.stmt) -> _Statement:
    stmt = _Statement(node)
    _Names(stmt).visit(node)
    for inner in ast.walk(node):
        if isinstance(inner, ast.ExceptHandler) and inner.name:
            stmt.binds.add(inner.name)
        elif isinstance(inner, _MATCH_NAMES) and inner.name:
            stmt.binds.add(inner.name)
        elif isinstance(inner, _MATCH_REST) and inner.rest:
            stmt.binds.add(inner.rest)
    return stmt


def _leading_blanks(lines) -> list:
    """The blank lines before the first comment of a statement's leading lines."""
    blanks = []
    for line in lines:
        if line.comment is not None:
            break
        blanks.append(line)
    return blanks


def _rewrite(data: bytes, top: list[_Statement], moved: set[int], in_function: bool = True) -> bytes:
    """The module with the moved statements in `def main():` and the guard at the end, or (not `in_function`)
    in the guard itself; libcst writes everything else back as it was."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(cst.parse_module(data))
    except cst.ParserSyntaxError as exc:
        raise Refused(f"libcst cannot parse it ({str(exc).splitlines()[0]})") from None
    module = wrapper.module
    positions = wrapper.resolve(PositionProvider)
    spans = [(positions[s].start.line, positions[s].end.line) for s in module.body]
    owner = []
    for stmt in top:  # which libcst statement holds each ast statement (`a = 1; b = 2` is one line)
        owner.append(next(i for i, (start, end) in enumerate(spans) if start <= stmt.node.lineno <= end))
    moving = {owner[i] for i in moved}
    for i, stmt in enumerate(top):
        if (owner[i] in moving) != (i in moved):
            raise Refused(f"line {stmt.node.lineno} joins work and declarations with `;`")
    kept, inside = [], []
    blank: list = []  # the blank lines above a moved statement stay where it was, above what follows it
    for i, statement in enumerate(module.body):
        if i in moving:
            inside.append(statement)
            blank = blank or _leading_blanks(statement.leading_lines)
        else:
            if blank and not statement.leading_lines:
                statement = statement.with_changes(leading_lines=blank)
            kept.append(statement)
            blank = []
    # A blank line above a moved statement stays blank inside the function (libcst would indent it: W293).
    inside = [s.with_changes(leading_lines=[line.with_changes(indent=False) if line.comment is None else line
                                            for line in s.leading_lines]) for s in inside]
    first = inside[0]
    lines = list(first.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    inside[0] = first.with_changes(leading_lines=lines)
    guard = cst.parse_statement(GUARD.replace("\n", module.default_newline).replace("    ", module.default_indent),
                                config=module.config_for_parsing)
    two_blank = [cst.EmptyLine(), cst.EmptyLine()] if kept else []
    if not in_function:
        guard = guard.with_changes(body=guard.body.with_changes(body=inside), leading_lines=two_blank)
        result = module.with_changes(body=[*kept, guard])
    else:
        docstring = cst.parse_statement(DOCSTRING + "\n", config=module.config_for_parsing)
        main = cst.FunctionDef(
            name=cst.Name("main"), params=cst.Parameters(), body=cst.IndentedBlock(body=[docstring, *inside]),
            leading_lines=two_blank,
        )
        result = module.with_changes(body=[*kept, main, guard.with_changes(leading_lines=[cst.EmptyLine()] * 2)])
    new = result.bytes
    try:
        compile(new, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # pragma: no cover - libcst writes valid code; never write one that is not
        raise Refused(f"the restructured script would not compile ({exc})") from None
    return new
