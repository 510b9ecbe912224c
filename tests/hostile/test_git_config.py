"""The repository's git config and attributes never run a command, never hang a run, never move the work tree:
in a plain run, with `--diff` (whose base is read from objects) and under `grade`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from attacks import build, environment, git, lint_everywhere, run, write_files

SCRIPT = '"""Train."""\nimport os\n\nprint(os.getcwd())\n'


def evil_script(tmp_path: Path) -> tuple[Path, Path]:
    """A command that leaves a marker when it runs, and the marker's path."""
    marker = tmp_path / "PWNED"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n")
    script.chmod(0o755)
    return script, marker


def configs(script: Path) -> dict[str, str]:
    """Every repository setting through which git runs a command."""
    return {
        "fsmonitor": f"[core]\n\tfsmonitor = {script}\n",
        "pager": f"[core]\n\tpager = {script}\n[pager]\n\tls-files = {script}\n\tdiff = {script}\n",
        "ssh and askpass": f"[core]\n\tsshCommand = {script}\n\taskPass = {script}\n",
        "external diff": f"[diff]\n\texternal = {script}\n",
        "textconv": f'[diff "evil"]\n\ttextconv = {script}\n\tcommand = {script}\n',
        "filters": f'[filter "evil"]\n\tclean = {script}\n\tsmudge = {script}\n\tprocess = {script}\n'
                   "\trequired = true\n",
        "hooks": f"[core]\n\thooksPath = {script.parent / 'hooks'}\n",
        "credential helper": f"[credential]\n\thelper = !{script}\n",
        "gpg": f"[gpg]\n\tprogram = {script}\n[log]\n\tshowSignature = true\n",
        "editor": f"[core]\n\teditor = {script}\n[sequence]\n\teditor = {script}\n",
    }


def test_no_repository_git_setting_runs_a_command(tmp_path):
    script, marker = evil_script(tmp_path)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("post-checkout", "post-index-change", "reference-transaction", "fsmonitor-watchman", "pre-auto-gc"):
        (hooks / name).write_text(script.read_text())
        (hooks / name).chmod(0o755)
    root = build(tmp_path / "repo", {
        "train.py": SCRIPT, "lib.py": '"""Lib."""\n', ".gitattributes": "* diff=evil filter=evil\n",
    })
    git(root, "commit", "-q", "--allow-empty", "-m", "second")
    with open(root / ".git" / "config", "a", encoding="utf-8") as handle:  # armed now, after the test's own git
        handle.write("".join(configs(script).values()))
    write_files(root, {"lib.py": '"""Lib."""\n\n\ndef f():\n    return 1\n', "new file.py": "x = 1\n"})

    lint_everywhere(root, tmp_path)
    lint_everywhere(root, tmp_path, "--diff", "HEAD~1", "--with", "pylint", "--pep8-backend", "ruff")
    lint_everywhere(root, tmp_path, "--diff", "HEAD~1...")
    graded = run(["grade", str(root)], cwd=tmp_path, env=environment(tmp_path))
    assert graded.code == 0 and "repo" in graded.out
    assert not marker.exists()


@pytest.mark.parametrize("bare", ["", "\tbare = true\n"])
def test_the_work_tree_is_the_folder_holding_dot_git_whatever_the_config_says(tmp_path, bare):
    elsewhere = build(tmp_path / "elsewhere", {"secret_project.py": "x = 1\n"})
    root = build(tmp_path / "repo", {"train.py": SCRIPT}, git_config=f"[core]\n\tworktree = {elsewhere}\n{bare}")
    doc = run(["--format", "json", "--no-cache"], cwd=root, env=environment(tmp_path))
    assert doc.code == 0, doc.err
    listed = {f["path"] for f in doc.json["findings"]}
    assert "train.py" in listed and not any(path.startswith("secret_project") for path in listed)
    assert "secret_project.py" not in doc.out and "train.py" in doc.out


@pytest.mark.parametrize("where", ["include", "includeIf", "excludesFile", "info/exclude", "devzero"])
def test_config_that_points_git_at_a_fifo_or_a_device_does_not_hang(tmp_path, where):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    config = {
        "include": f"[include]\n\tpath = {fifo}\n",
        "includeIf": f'[includeIf "gitdir:/"]\n\tpath = {fifo}\n',
        "excludesFile": f"[core]\n\texcludesFile = {fifo}\n",
        "info/exclude": "",
        "devzero": "[include]\n\tpath = /dev/zero\n[core]\n\texcludesFile = /dev/zero\n",
    }[where]
    root = build(tmp_path / "repo", {"train.py": SCRIPT}, git_config=config)
    if where == "info/exclude":
        (root / ".git" / "info" / "exclude").unlink(missing_ok=True)
        os.mkfifo(root / ".git" / "info" / "exclude")
    refused = where in ("include", "includeIf", "info/exclude", "devzero")
    result = run(["--format", "json"], cwd=root, env=environment(tmp_path))  # within the bound, or the test fails
    if refused:  # git would block on it (or read it forever): the run says so, in one line
        assert result.code == 2 and result.err.count("\n") == 1
        assert result.err.startswith("mlrepolint: error: ") and "is not a regular file" in result.err
        graded = run(["grade", str(root), "--format", "csv"], cwd=tmp_path, env=environment(tmp_path))
        assert graded.code == 0 and "is not a regular file" in graded.out.splitlines()[1]
    else:  # the excludes file comes from the user's own config, never the repository's
        assert result.code == 0 and [f["path"] for f in result.json["findings"] if f["path"] == "train.py"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # nothing replaced it


def test_a_broken_index_is_an_error_not_a_clean_repository(tmp_path):
    root = build(tmp_path / "repo", {"train.py": SCRIPT, "lib.py": '"""Lib."""\n'})
    index = root / ".git" / "index"
    index.write_bytes(index.read_bytes()[:20])  # truncated
    result = run(["--format", "json"], cwd=root, env=environment(tmp_path))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("mlrepolint: error: git ls-files failed: ") and result.err.count("\n") == 1
    graded = run(["grade", str(root), str(build(tmp_path / "fine", {"a.py": '"""A."""\n'})), "--format", "csv"],
                 cwd=tmp_path, env=environment(tmp_path))
    assert graded.code == 0
    broken, fine = graded.out.splitlines()[1:]
    assert broken.startswith("repo,,") and broken.endswith("index file smaller than expected")
    assert fine.split(",")[1] not in ("", "n/a")


def test_an_unreadable_submission_is_a_row_with_its_error(tmp_path):
    submissions = tmp_path / "submissions"
    build(submissions / "alice", {"a.py": '"""A."""\n'})
    bob = build(submissions / "bob", {"b.py": '"""B."""\n'})
    (bob / ".git").rename(bob / "git-dir")
    (bob / ".git").symlink_to(bob / "nowhere")  # a dangling .git: git cannot read it
    graded = run(["grade", "submissions", "--format", "csv"], cwd=tmp_path, env=environment(tmp_path))
    assert graded.code == 0, graded.err
    rows = {line.split(",")[0]: line for line in graded.out.splitlines()[1:]}
    assert rows["submissions/alice"].split(",")[2] in "ABCDF" and rows["submissions/alice"].endswith(",")
    assert "submissions/bob" in rows and "cannot read" in rows["submissions/bob"]


def test_a_folder_that_cannot_be_listed_is_a_row_not_a_traceback(tmp_path, monkeypatch, capsys):
    from mlrepolint.cli import main

    build(tmp_path / "class" / "alice", {"a.py": '"""A."""\n'})
    locked = tmp_path / "locked"
    locked.mkdir()
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.absolute() == locked:  # as a folder of another user's, mode 0700, would be (the tests may run as root)
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    with pytest.raises(SystemExit) as exit_code:
        main(["grade", "class", "locked", "--format", "csv"])
    assert exit_code.value.code == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert rows[0].startswith("class/alice,") and rows[0].endswith(",0,")
    assert rows[1] == "locked" + "," * 16 + "cannot read locked: Permission denied"


def test_the_users_own_excludes_file_still_applies(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "ignore").write_text("scratch_*.py\n")
    (home / ".gitconfig").write_text(f"[core]\n\texcludesFile = {home / 'ignore'}\n")
    root = build(tmp_path / "repo", {"train.py": SCRIPT}, git_config=f"[core]\n\texcludesFile = {tmp_path / 'x'}\n")
    (root / "scratch_notes.py").write_text("x = 1\n")  # untracked, ignored by the user's own excludes file
    result = run(["--format", "json", "--no-cache"], cwd=root, env={**environment(tmp_path), "HOME": str(home)})
    assert result.code == 0, result.err
    assert "scratch_notes.py" not in {f["path"] for f in result.json["findings"]}
    assert "train.py" in {f["path"] for f in result.json["findings"]}
