"""The two PEP 8 backends give the same answer: a project's flake8 and black settings hold for ruff too, and on the
same files flake8 and ruff report the same codes at the same lines (through the real CLI)."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import run_cli

pytestmark = pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")

DOC = '"""Module."""\n'
#: Lines of 95 and 110 characters.
MEDIUM = "A = '" + "a" * 89 + "'\n"
WIDE = "B = '" + "b" * 104 + "'\n"
#: pycodestyle checks that ruff has only as preview rules, pyflakes, and what flake8 leaves out by default (E226).
MESSY = DOC + "import os\nimport sys\nx = [1,2]\ny = x[0]*2\ndef f( a ):\n    return a\nprint(sys.argv)\n"


def pep8(root, backend: str, *args: str) -> list[tuple[str, str, int | None]]:
    """(code, path, line) of the PEP 8 findings of one run with the given backend."""
    run = run_cli("--format", "json", "--no-cache", "--pep8-backend", backend, "--select", "E,W,F", *args, ".",
                  cwd=root)
    assert run.code == 0 and run.json["warnings"] == [], run.err
    return sorted((f["code"], f["path"], f["line"]) for f in run.findings if f["source"] in ("flake8", "ruff"))


def both(root, *args: str) -> list[tuple[str, str, int | None]]:
    """The PEP 8 findings, which must be the same with either backend."""
    flake8, ruff = pep8(root, "flake8", *args), pep8(root, "ruff", *args)
    assert flake8 == ruff
    return flake8


@pytest.mark.parametrize("config", [
    {".flake8": "[flake8]\nmax-line-length = 100\n"},
    {"setup.cfg": "[flake8]\nmax_line_length = 100\n"},
    {"pyproject.toml": "[tool.black]\nline-length = 100\n"},
    {"pyproject.toml": "[tool.black]\nline_length = 100\n"},  # black reads either spelling
    {"pyproject.toml": "[tool.mlrepolint.flake8]\nmax-line-length = 100\n"},
])
def test_the_configured_line_length_holds_for_both_backends(repo, config):
    root = repo({"lib.py": DOC + MEDIUM + WIDE, **config})
    assert both(root) == [("E501", "lib.py", 3)]


def test_without_any_configuration_both_check_pep8s_79(repo):
    root = repo({"lib.py": DOC + MEDIUM})
    assert both(root) == [("E501", "lib.py", 2)]


def test_whitespace_and_blank_line_checks_are_the_same(repo):
    root = repo({"lib.py": MESSY})
    assert both(root) == [
        ("E201", "lib.py", 6), ("E202", "lib.py", 6), ("E231", "lib.py", 4), ("E302", "lib.py", 6),
        ("E305", "lib.py", 8), ("F401", "lib.py", 2),
    ]


def test_flake8s_select_ignore_and_per_file_ignores_hold_for_ruff(repo):
    flake8 = (
        "[flake8]\n"
        "select =\n    F401, # imported but unused\n    E2,\n    E302\n"
        "extend-ignore = E231\n"
        "per-file-ignores =\n    tests/*: F401\n"
    )
    root = repo({"lib.py": MESSY, "tests/test_lib.py": MESSY, ".flake8": flake8})
    # E226 is in flake8's default ignore list, but `select` names E2: an explicit choice beats a default one.
    found = [("E201", 6), ("E202", 6), ("E226", 5), ("E302", 6)]
    in_lib = [(code, "lib.py", line) for code, line in [*found, ("F401", 2)]]
    in_tests = [(code, "tests/test_lib.py", line) for code, line in found]
    assert both(root) == sorted(in_lib + in_tests)


def test_a_project_that_configures_ruff_keeps_its_configuration(repo):
    # ruff's own settings win for the ruff backend (ruff's default 88 here), whatever flake8's file says.
    root = repo({"lib.py": DOC + MEDIUM + WIDE, ".flake8": "[flake8]\nselect = F\n",
                 "ruff.toml": "[lint]\nselect = ['E501']\n"})
    assert pep8(root, "ruff") == [("E501", "lib.py", 2), ("E501", "lib.py", 3)]
    assert pep8(root, "flake8") == []


def test_options_of_flake8_plugins_that_are_not_installed_do_not_stop_the_run(repo):
    tox = "[flake8]\nmax-line-length = 100\napplication-import-names = app\nimport-order-style = google\n"
    root = repo({"lib.py": DOC + MEDIUM + WIDE, "tox.ini": tox})
    assert both(root) == [("E501", "lib.py", 3)]
