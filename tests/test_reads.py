"""Safe reads through the repository view: never outside the root, whatever the symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlrepolint.repo import RepoView


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
