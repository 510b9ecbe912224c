"""Reading the repository: safe reads that never leave the root, and one shared walk of each parsed file."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from mlrepolint.repo import RepoView
from mlrepolint.source import parse_python


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    root = tmp_path / "root"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    os.symlink(outside / "secret.txt", root / "leak.txt")
    os.symlink(outside, root / "leakdir")
    os.symlink(root / "pkg", root / "alias")
    os.symlink(root / "pkg" / "mod.py", root / "mod_link.py")
    return root


@pytest.mark.parametrize("path, expected", [
    ("pkg/mod.py", b"x = 1\n"),
    ("alias/mod.py", b"x = 1\n"),  # a symlinked folder that stays inside
    ("mod_link.py", b"x = 1\n"),  # a symlinked file that stays inside
    ("leak.txt", None),
    ("leakdir/secret.txt", None),
    ("pkg/../../outside/secret.txt", None),
    ("pkg/..", None),  # a folder, not a file
    ("missing.py", None),
])
def test_reads_stay_inside_the_root(tree, path, expected):
    view = RepoView(tree, (), is_git=False)
    assert view.read_bytes(path) == expected
    assert view.read_bytes(path) == expected  # the second time from the resolved-path memo


SINGLETONS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)  # Load, Add...: shared


@pytest.mark.parametrize("statements_first", [True, False])
def test_nodes_finds_what_ast_walk_finds_from_one_shared_walk(statements_first):
    source = (
        b"import os\nfrom x import y\n\n\ndef f(a):\n    return [g(b) for b in a if h(b) and -b < 2]\n\n\n"
        b"class C:\n    k = f(1)\n    try:\n        pass\n    except (E, F):\n        with c() as d:\n"
        b"            global z\n            z = {**d, 1: None}\n    else:\n        del k\n"
    )
    module = parse_python("m.py", source)
    walked = [n for n in ast.walk(module.tree) if not isinstance(n, SINGLETONS)]
    statement_kinds = [(ast.stmt,), (ast.ExceptHandler, ast.With), (ast.Module, ast.ClassDef, ast.FunctionDef)]
    expression_kinds = [(ast.Call,), (ast.Import, ast.ImportFrom, ast.Name), (ast.AST,)]
    for kinds in statement_kinds + expression_kinds if statements_first else expression_kinds + statement_kinds:
        expected = sorted(id(n) for n in walked if isinstance(n, kinds))
        assert sorted(id(n) for n in module.nodes(*kinds)) == expected, kinds
    assert len(module.nodes(ast.Call)) == 4
    assert len(module.nodes(ast.ExceptHandler)) == 1
    assert module.nodes(ast.Lambda) == []
