"""File names are the repository's: whatever they hold, they never forge output and never break JSON or SARIF."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import git
from robustness import assert_sound, run_bounded

SCRIPT = "print(1)\n"
FORGED = "x.py:1:1: MLR999 forged finding (forged)"
NAMES = {
    "newline": f"evil\n{FORGED}\n.py",
    "carriage-return": f"evil\r{FORGED}.py",
    "escape-sequence": "esc\x1b[2J\x1b[31mred.py",
    "bidi-override": "invoice\u202egnp.py",
    "github-command": "a\n::error file=x.py::forged.py",
    "markdown-table": "tick`s | pipe `.py",
}
SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "sarif-schema-2.1.0.json"
needs_posix_names = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")


def name_repo(tmp_path: Path, names: list[bytes]) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name in names:
        with open(os.path.join(os.fsencode(root), name), "wb") as handle:
            handle.write(SCRIPT.encode())
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "names")
    return root


#: Where the repository rules report what a small repository lacks (a README, tests, CI, a licence...).
PROJECT_FILES = (".gitignore", "README.md", "pyproject.toml", "tests/", ".github/workflows/",
                 ".pre-commit-config.yaml", "LICENSE")


def lint(root: Path, output_format: str) -> str:
    return assert_sound(run_bounded("--no-cache", "--format", output_format, ".", cwd=root)).out


@needs_posix_names
@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_name_cannot_forge_a_text_line(tmp_path: Path, name: str):
    root = name_repo(tmp_path, [os.fsencode(NAMES[name])])
    out = lint(root, "text")
    assert not any(line.startswith("x.py") for line in out.splitlines())
    for line in out.split("\n\n")[0].splitlines():  # the finding lines: each begins with a real location
        assert line.startswith((*PROJECT_FILES, name_start(NAMES[name]))), line
        assert not any(ord(c) < 32 or c in "\u202e\x7f" for c in line), line


def name_start(name: str) -> str:
    return name[: min(i for i, c in enumerate(name + "\0") if ord(c) < 32 or c == "\u202e" or c == "\0")]


@needs_posix_names
@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_name_cannot_forge_a_github_command(tmp_path: Path, name: str):
    root = name_repo(tmp_path, [os.fsencode(NAMES[name])])
    lines = lint(root, "github").splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(lines) - 1  # and the summary line
    files = {line.split("file=", 1)[1].split(",", 1)[0] for line in annotations if " file=" in line.split("::")[1]}
    assert all(f in PROJECT_FILES or f.startswith(name_start(NAMES[name])) for f in files), files
    assert all(not any(ord(c) < 32 for c in line) for line in lines)


@needs_posix_names
def test_names_in_markdown_stay_in_their_cells(tmp_path: Path):
    root = name_repo(tmp_path, [os.fsencode(NAMES["markdown-table"]), os.fsencode(NAMES["newline"])])
    out = lint(root, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ") and ".py" in line]
    assert rows and all(len(re.split(r"(?<!\\)\|", line)) == 6 for line in rows), rows  # four cells each
    assert "``tick`s \\| pipe `.py:1:1``" in out  # a longer fence around the backticks


UNDECODABLE = [b"caf\xe9.py", b"\xff\xfe.py", b"ok-\xed\xa0\x80.py"]  # Latin-1, garbage, a UTF-8 surrogate


@needs_posix_names
def test_names_that_are_not_utf8_keep_json_valid(tmp_path: Path):
    root = name_repo(tmp_path, UNDECODABLE + [os.fsencode(NAMES["newline"])])
    report = json.loads(lint(root, "json"))
    paths = {f["path"] for f in report["findings"] if f["code"] == "MLR101"}
    assert {"caf\\xe9.py", "\\xff\\xfe.py", "ok-\\xed\\xa0\\x80.py", NAMES["newline"]} <= paths
    json.dumps(report).encode("utf-8")  # every string encodes: no lone surrogate left


@needs_posix_names
def test_names_that_are_not_utf8_keep_sarif_valid(tmp_path: Path):
    root = name_repo(tmp_path, UNDECODABLE + [os.fsencode(n) for n in NAMES.values()])
    out = lint(root, "sarif")
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    results = log["runs"][0]["results"]
    uris = {place["physicalLocation"]["artifactLocation"]["uri"] for r in results for place in r["locations"]}
    assert {"caf%E9.py", "%FF%FE.py", "evil%0Ax.py%3A1%3A1%3A%20MLR999%20forged%20finding%20%28forged%29%0A.py"} <= uris


@needs_posix_names
@pytest.mark.parametrize("output_format", ["text", "github", "markdown"])
def test_names_that_are_not_utf8_print(tmp_path: Path, output_format: str):
    root = name_repo(tmp_path, UNDECODABLE)
    escaped = "caf\\\\xe9.py" if output_format == "markdown" else "caf\\xe9.py"  # markdown doubles the backslash
    assert escaped in lint(root, output_format)


@needs_posix_names
def test_a_baseline_keeps_working_with_undecodable_names(tmp_path: Path):
    root = name_repo(tmp_path, UNDECODABLE)
    assert_sound(run_bounded("--no-cache", "--write-baseline", "base.json", ".", cwd=root))
    run = assert_sound(run_bounded("--no-cache", "--format", "json", "--baseline", "base.json", ".", cwd=root))
    assert json.loads(run.out)["findings"] == []
