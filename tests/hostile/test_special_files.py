"""Only regular files inside the root are read, and handed to wrapped tools; every read has a size limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import git, make_git_repo, write_files
from robustness import assert_sound, lint_sound, paths_of, run_bounded

SCRIPT = "import os\nprint(os.sep)\n"
#: Rules that report a file for being absent: a FIFO in its place is absent.
ABSENCE = {"MLR703", "MLR503"}
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


@needs_fifo
@pytest.mark.parametrize("name", ["x.py", "pyproject.toml", "mlrepolint.toml", "setup.cfg", "Dockerfile"])
def test_an_untracked_fifo_in_git_is_not_read(tmp_path: Path, name: str):
    root = make_git_repo(tmp_path / "repo", {"a.py": SCRIPT})
    os.mkfifo(root / name)
    report = lint_sound(root)
    assert "a.py" in paths_of(report, "MLR202")  # the rest is linted, with the default settings
    assert {f["code"] for f in report["findings"] if f["path"] == name} <= ABSENCE


@needs_fifo
@pytest.mark.parametrize("name", [".gitignore", "x.py", "pyproject.toml", "sub/.gitignore"])
def test_a_fifo_outside_git_is_not_read_nor_listed(tmp_path: Path, name: str):
    root = tmp_path / "folder"
    write_files(root, {"a.py": SCRIPT, "sub/b.py": SCRIPT})
    os.mkfifo(root / name)
    report = lint_sound(root)
    assert {"a.py", "sub/b.py"} <= paths_of(report, "MLR202")
    assert {f["code"] for f in report["findings"] if f["path"] == name} <= ABSENCE
    if name == ".gitignore":
        assert ".gitignore" in paths_of(report, "MLR703")


@needs_fifo
@pytest.mark.parametrize("configured", [True, False], ids=["ruff-configured", "not-configured"])
def test_ruff_is_not_given_a_fifo_config_to_read(tmp_path: Path, configured: bool):
    files = {"a.py": SCRIPT, "sub/b.py": "import sys\n", **({"ruff.toml": "line-length = 100\n"} if configured else {})}
    root = make_git_repo(tmp_path / "repo", files)
    os.mkfifo(root / "sub" / "ruff.toml")
    report = lint_sound(root, "--pep8-backend", "ruff")
    assert ("F401", "sub/b.py") in {(f["code"], f["path"]) for f in report["findings"]}
    # A project that configures ruff has ruff read its files: not this one. One that does not runs ruff isolated.
    ignored = [w for w in report["warnings"] if "ruff settings are ignored" in w and "sub/ruff.toml" in w]
    assert len(ignored) == (1 if configured else 0)


def _links(tmp_path: Path) -> Path:
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    root = make_git_repo(tmp_path / "repo", {"a.py": SCRIPT}, commit=False)
    for name, target in (("zero.py", "/dev/zero"), ("out.py", str(outside)), ("pyproject.toml", "/dev/zero"),
                         ("setup.cfg", "/dev/zero"), (".pylintrc", "/dev/zero"), ("data.ipynb", "/dev/zero"),
                         ("Dockerfile", "/dev/urandom"), ("requirements.txt", "/dev/zero")):
        os.symlink(target, root / name)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "links")
    return root


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("args", [(), ("--pep8-backend", "ruff"), ("--with", "pylint")],
                         ids=["flake8", "ruff", "pylint"])
def test_symlinks_to_devices_or_out_of_the_root_are_never_opened(tmp_path: Path, args: tuple[str, ...]):
    root = _links(tmp_path)
    report = lint_sound(root, *args, memory=3 << 30)  # reading /dev/zero would need more than that
    assert "a.py" in paths_of(report, "MLR202")
    wrapped = {f["path"] for f in report["findings"] if f["source"] != "mlrepolint"}
    assert not wrapped & {"zero.py", "out.py"}, wrapped  # no E902 "out of memory", no finding from outside
    assert not any("MemoryError" in w or "zero.py" in w for w in report["warnings"]), report["warnings"]


def test_a_python_file_over_the_size_limit_is_reported_not_parsed(repo):
    big = "x = [\n" + "    1,\n" * 900_000 + "]\n"  # 6.3 MB, one statement
    root = repo({"big.py": big, "small.py": SCRIPT})
    report = lint_sound(root, "--pep8-backend", "ruff")
    errors = [f for f in report["findings"] if f["path"] == "big.py"]
    assert [(f["code"], f["line"]) for f in errors] == [("MLR001", None)]  # no ruff finding: ruff never saw it
    assert "over the limit of 5,000,000 (max-python-file-size)" in errors[0]["message"]
    assert "small.py" in paths_of(report, "MLR202")
    again = lint_sound(root)  # and from the cache
    assert [f["code"] for f in again["findings"] if f["path"] == "big.py"] == ["MLR001"]


def test_the_python_file_size_limit_is_a_setting(repo):
    root = repo({"mid.py": "x = 1\n" * 4_000, "pyproject.toml": "[tool.mlrepolint]\nmax-python-file-size = 100\n"})
    assert "MLR001" in {f["code"] for f in lint_sound(root)["findings"] if f["path"] == "mid.py"}
    (root / "pyproject.toml").write_text("[tool.mlrepolint]\nmax-python-file-size = 1_000_000\n")
    assert "MLR001" not in {f["code"] for f in lint_sound(root)["findings"] if f["path"] == "mid.py"}
    (root / "pyproject.toml").write_text("[tool.mlrepolint]\nmax-python-file-size = 0\n")
    bad = assert_sound(run_bounded(cwd=root), codes=(2,))
    message = "pyproject.toml: 'max-python-file-size' must be a whole number of at least 1"
    assert bad.err.strip() == f"mlrepolint: error: {message}"
