"""git's file list kept between runs: a run lists what git would list, whatever changed since the last run, and
asks git for it again only when something it depends on changed."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from conftest import git, make_git_repo, run_cli

ENV_FILE = "SECRET_TOKEN=\n"


def age_tree(root: Path, seconds: float = 60) -> None:
    """Make every file and folder outside `.git`, and git's index, config and excludes, look `seconds` old: nobody
    has touched them for a while (a stat younger than 2 s is not trusted)."""
    past = time.time() - seconds
    for folder, dirs, names in os.walk(root):
        if ".git" in Path(folder).relative_to(root).parts:
            continue
        for name in names + dirs:
            os.utime(os.path.join(folder, name), (past, past), follow_symlinks=False)
    for path in (root, root / ".git" / "index", root / ".git" / "config", root / ".git" / "info" / "exclude"):
        os.utime(path, (past, past))


@pytest.fixture
def logged_git(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose `git` logs each call's arguments (one line each) before running the real git."""
    real = shutil.which("git")
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "git-calls.log"
    script = folder / "git"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, log


def walks(log: Path) -> int:
    """How many of the logged git calls walked the work tree for untracked files."""
    return sum("--others" in line for line in calls(log))


def calls(log: Path) -> list[str]:
    """The logged git calls' arguments."""
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def paths(root: Path, env: dict[str, str], *args: str) -> dict[str, list[str]]:
    """path -> the messages of its findings, in a JSON run at `root`."""
    run = run_cli("--format", "json", "--exit-zero", *args, ".", cwd=root, env=env)
    assert run.code == 0, run.err
    found: dict[str, list[str]] = {}
    for finding in run.findings:
        found.setdefault(finding["path"], []).append(finding["message"])
    return found


@pytest.fixture
def settled(tmp_path: Path, logged_git: tuple[dict[str, str], Path]) -> tuple[Path, dict[str, str], Path]:
    """A committed repository with an empty folder and a folder of ignored files, untouched for a minute and
    linted twice (the first run records the list, the second uses it), and the git log emptied."""
    root = make_git_repo(tmp_path / "repo", {
        ".gitignore": "*.csv\n",
        "pkg/__init__.py": "",
        "pkg/model.py": '"""Model."""\n',
        "data/train.csv": "a,b\n1,2\n",
    })
    (root / "pkg" / "empty").mkdir()
    env, log = logged_git
    age_tree(root)
    paths(root, env)
    age_tree(root)  # the cache folder the first run made, and the root it changed
    paths(root, env)
    paths(root, env)
    assert walks(log) == 2  # the first run and the one after the cache folder appeared
    log.unlink()
    return root, env, log


def test_a_run_with_nothing_added_asks_git_for_no_list(settled):
    root, env, log = settled
    assert "pkg/model.py" not in paths(root, env)
    assert walks(log) == 0


@pytest.mark.parametrize("new", ["pkg/new.py", "pkg/empty/new.py", "data/new.py", "pkg/sub/deep/new.py", "new.py"])
def test_a_file_added_anywhere_git_lists_it_is_linted(settled, new):
    root, env, log = settled
    (root / new).parent.mkdir(parents=True, exist_ok=True)
    (root / new).write_text("import os\n", encoding="utf-8")
    found = paths(root, env)
    assert any("os" in message for message in found.get(new, [])), found.get(new)
    assert walks(log) == 1


def recorded_with_extra(root: Path, env: dict[str, str]) -> None:
    """Add the untracked `pkg/extra.py`, and leave the list recorded with it."""
    (root / "pkg" / "extra.py").write_text("import os\n", encoding="utf-8")
    age_tree(root)
    assert "pkg/extra.py" in paths(root, env)
    paths(root, env)


def test_a_file_removed_is_no_longer_listed(settled):
    root, env, _ = settled
    recorded_with_extra(root, env)
    (root / "pkg" / "extra.py").unlink()
    assert "pkg/extra.py" not in paths(root, env)


def test_a_gitignore_edited_in_place_is_obeyed(settled):
    root, env, _ = settled
    recorded_with_extra(root, env)
    folder_time = os.stat(root).st_mtime_ns
    with open(root / ".gitignore", "a", encoding="utf-8") as handle:  # in place: the root's time stays
        handle.write("pkg/extra.py\n")
    assert os.stat(root).st_mtime_ns == folder_time
    assert "pkg/extra.py" not in paths(root, env)


def test_an_exclude_in_the_repositorys_info_is_obeyed(settled):
    root, env, _ = settled
    recorded_with_extra(root, env)
    with open(root / ".git" / "info" / "exclude", "a", encoding="utf-8") as handle:
        handle.write("extra.py\n")
    assert "pkg/extra.py" not in paths(root, env)


def test_git_add_and_rm_cached_are_seen_through_the_index_alone(settled):
    root, env, log = settled
    (root / ".env").write_text(ENV_FILE, encoding="utf-8")
    age_tree(root)
    assert any("untracked" in m for m in paths(root, env)[".env"])
    paths(root, env)  # the list recorded with `.env` untracked
    log.unlink()
    git(root, "add", ".env")
    assert any("committed" in m for m in paths(root, env)[".env"])
    assert walks(log) == 0  # the index was read, not the work tree
    git(root, "rm", "-q", "--cached", ".env")
    with open(root / ".gitignore", "a", encoding="utf-8") as handle:
        handle.write(".env\n")
    assert ".env" not in paths(root, env)


def test_no_cache_neither_reads_nor_writes_the_list(tmp_path: Path, logged_git):
    env, log = logged_git
    root = make_git_repo(tmp_path / "repo", {"pkg/model.py": '"""Model."""\n'})
    age_tree(root)
    for _ in range(2):
        paths(root, env, "--no-cache")
    assert walks(log) == 2
    assert not (root / ".mlrepolint_cache").exists()


def test_a_list_recorded_for_another_repository_or_forged_is_not_believed(tmp_path: Path, logged_git):
    """A list that leaves out `.env` would hide it from the grade: only a record this user's run wrote for this
    root is used."""
    env, log = logged_git
    clean = make_git_repo(tmp_path / "clean", {"pkg/model.py": '"""Model."""\n'})
    leaky = make_git_repo(tmp_path / "leaky", {"pkg/model.py": '"""Model."""\n', ".env": ENV_FILE})
    for root in (clean, leaky):
        age_tree(root)
        paths(root, env)
        age_tree(root)
        paths(root, env)
    record = clean / ".mlrepolint_cache" / "listing.cache"
    planted = leaky / ".mlrepolint_cache" / "listing.cache"
    shutil.copy(record, planted)
    assert ".env" in paths(leaky, env)
    header, _, body = record.read_bytes().partition(b"\n")
    planted.write_bytes(header.split(b" ")[0] + b" " + b"0" * 128 + b"\n" + body)
    assert ".env" in paths(leaky, env)


def test_a_save_by_renaming_lists_again_only_below_the_saved_files_folder(settled):
    """Editors that write a new file and rename it over the old one change its folder's time on every save."""
    root, env, log = settled
    recorded_with_extra(root, env)
    log.unlink()
    (root / "pkg" / ".model.py.swp").write_text('"""Model."""\nimport sys\n', encoding="utf-8")
    os.replace(root / "pkg" / ".model.py.swp", root / "pkg" / "model.py")
    found = paths(root, env)
    assert [line.partition(" ls-files ")[2] for line in calls(log) if "--others" in line] == [
        "-z -t --cached --others --exclude-standard -- :(literal)pkg/"]
    assert any("sys" in message for message in found["pkg/model.py"])
    assert "pkg/extra.py" in found
    assert found == paths(root, env, "--no-cache")
    (root / "pkg" / "later.py").write_text("import os\n", encoding="utf-8")
    assert "pkg/later.py" in paths(root, env)  # still watched after listing again below it


def test_a_gitignore_added_to_a_folder_is_obeyed_below_it(settled):
    root, env, _ = settled
    recorded_with_extra(root, env)
    (root / "pkg" / ".gitignore").write_text("extra.py\n", encoding="utf-8")
    assert "pkg/extra.py" not in paths(root, env)
    (root / "pkg" / ".gitignore").unlink()
    assert "pkg/extra.py" in paths(root, env)


def test_folders_changed_inside_a_changed_folder_are_listed_with_it(tmp_path: Path, logged_git):
    env, log = logged_git
    root = make_git_repo(tmp_path / "repo", {"pkg/sub/a.py": "", "pkg-x/b.py": "", "top.py": ""})
    for _ in range(2):
        age_tree(root)
        paths(root, env)
    paths(root, env)
    log.unlink()
    for new in ("pkg/new.py", "pkg/sub/new.py", "pkg-x/new.py"):
        (root / new).write_text("import os\n", encoding="utf-8")
    found = paths(root, env)
    assert [line.partition(" -- ")[2] for line in calls(log) if "--others" in line] == [
        ":(literal)pkg/ :(literal)pkg-x/"]
    assert {"pkg/new.py", "pkg/sub/new.py", "pkg-x/new.py"} <= set(found)
