"""The wrapped tools, and mlrepolint itself, never import a module of the linted repository."""

from __future__ import annotations

import sys
from pathlib import Path

from attacks import build, environment, run


def planted(marker: Path) -> str:
    """A module that leaves `marker` when imported, then breaks whatever imported it."""
    return f"import pathlib\npathlib.Path({str(marker)!r}).write_text('imported')\nraise SystemExit(7)\n"


def test_pylint_never_imports_a_repository_module_named_like_its_own_imports(tmp_path):
    marker = tmp_path / "PWNED"
    names = ("isort", "dill", "enchant", "astroid_extra", "typing_extensions")
    files = {f"{name}.py": planted(marker) for name in names}
    files["pkg/__init__.py"] = ""
    files["pkg/isort.py"] = planted(marker)
    files["train.py"] = '"""Train."""\nimport sys\nimport os\n\nimport isort\n\nprint(os, sys, isort)\n'
    root = build(tmp_path / "repo", files)
    result = run(["--with", "pylint", "--format", "json", "--no-cache"], cwd=root, env=environment(tmp_path))
    assert result.code in (0, 1), result.err
    assert not marker.exists()
    assert any(f["source"] == "pylint" for f in result.json["findings"])  # pylint did run
    assert not [w for w in result.json["warnings"] if "pylint" in w and "fatal" in w.lower()]


def test_python_dash_m_inside_the_repository_does_not_import_its_modules(tmp_path):
    marker = tmp_path / "PWNED"
    root = build(tmp_path / "repo", {"click.py": planted(marker), "pathspec.py": planted(marker),
                                     "yaml.py": planted(marker), "train.py": '"""Train."""\n'})
    result = run(["-m", "mlrepolint", "--format", "json", "."], cwd=root, env=environment(tmp_path),
                 argv0=[sys.executable])
    assert result.code in (0, 1), result.err
    assert not marker.exists() and result.json["findings"]
