"""The cache is trusted only if this user wrote it: a committed or planted `.mlrepolint_cache/` decides nothing,
`grade` neither reads nor writes one, and nothing is written through a symlink."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

from attacks import build, environment, git, run

from mlrepolint.cache import FORMAT, SHARES_FORMAT, _load, _mac_key, _signed

CACHE = ".mlrepolint_cache"
FILES = {
    "train.py": 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n',
    "lib.py": "def load(path):\n    return path\n",
    "requirements.txt": "pandas\n",
}


def aged(root: Path) -> Path:
    """The repository with its files an hour old, as files are when nobody is editing them: a cache trusts the
    stat of files older than its racy window only."""
    past = time.time() - 3600
    for path in root.rglob("*"):
        if ".git" not in path.relative_to(root).parts:
            os.utime(path, (past, past))
    return root


def cache_file(root: Path) -> Path:
    [found] = (root / CACHE).glob("*.results")
    return found


def resign(root: Path, user_cache: Path, edit) -> None:
    """Rewrite the result cache with `edit` applied to its data, signed with the key found in `user_cache`: the
    main file's, with `files` (the per-file results, from their shard files), `repo` (the repository checkers'
    results, alike) and `shares` (their per-file shares, one dict per shard file) beside it, edited in place."""
    key = (user_cache / "mlrepolint" / "key").read_bytes()
    main = cache_file(root)
    data = load(main)
    shards = {p: load(p) for p in (root / CACHE).glob("*.shares")}

    def kind(name: str) -> dict:
        return {what: entry for shard in shards.values() if shard["namespace"] == name
                for what, entry in shard["entries"].items()}

    others = [shard["entries"] for shard in shards.values() if shard["namespace"] not in ("results", "repo")]
    edited = {**data, "files": kind("results"), "repo": kind("repo"), "shares": others}
    edit(edited)
    mac_key = _mac_key(key, root.resolve())
    for file, content in [(main, data), *shards.items()]:
        header = FORMAT if file == main else SHARES_FORMAT
        file.write_bytes(_signed(header, mac_key, content))
        assert _load(file, mac_key, header) == content  # believed: the edit reaches the decoder


def load(file: Path) -> dict:
    return marshal.loads(file.read_bytes().split(b"\n", 1)[1])


def clean(data: dict) -> None:
    """The forgery: every finding gone, every count of examined things kept (a perfect score)."""
    for entry in data["files"].values():
        entry[2] = []
    for part in data["repo"].values():  # each repository checker's result
        part["findings"] = []
    for shares in data["shares"]:  # and nothing found in any file
        shares.clear()


def score(root: Path, env: dict, *args: str) -> tuple[float, int]:
    doc = run(["--format", "json", "--select", "MLR,E,W,F", *args], cwd=root, env=env).json
    return doc["score"], len(doc["findings"])


def test_a_forged_cache_is_not_trusted_by_lint_nor_read_by_grade(tmp_path):
    root = aged(build(tmp_path / "repo", FILES))
    student, teacher = environment(tmp_path / "student"), environment(tmp_path / "teacher")
    honest = score(root, teacher, "--no-cache")
    assert honest[1] > 0
    score(root, student)  # the student's own run writes a cache under the student's key
    resign(root, Path(student["XDG_CACHE_HOME"]), clean)
    assert score(root, student)[1] == 0  # the forger's own machine believes it: it is their key
    git(root, "add", "-f", CACHE)
    git(root, "commit", "-q", "-m", "cache")
    forged = {p.name: p.read_bytes() for p in (root / CACHE).iterdir()}

    assert score(root, teacher) == honest  # another user's cache: a miss, linted afresh
    graded = run(["grade", str(root), "--format", "csv"], cwd=tmp_path, env=teacher)
    header, row = (line.split(",") for line in graded.out.splitlines())
    assert float(row[header.index("score")]) == honest[0]
    before = {p.name: p.read_bytes() for p in (root / CACHE).iterdir()}
    run(["grade", str(root)], cwd=tmp_path, env=environment(tmp_path / "grader"))
    assert {p.name: p.read_bytes() for p in (root / CACHE).iterdir()} == before  # grade wrote nothing there
    assert before[cache_file(root).name] != forged[cache_file(root).name]  # (the teacher's lint wrote its own)


def test_entries_with_impossible_values_are_misses(tmp_path):
    root = aged(build(tmp_path / "repo", FILES))
    env = environment(tmp_path)
    honest = score(root, env)
    user_cache = Path(env["XDG_CACHE_HOME"])

    def negative_index(data: dict) -> None:  # -1 would pick another rule's code from the table
        for entry in data["files"].values():
            for row in entry[2]:
                row[0] = -1

    def inflated(data: dict) -> None:  # negative counts would skew the scorer's ratios
        for entry in data["files"].values():
            entry[3] = {code: -5 for code in entry[3]}
        for part in data["repo"].values():
            part["examined"] = {code: -1 for code in part["examined"]}

    def before_the_first_line(data: dict) -> None:
        for entry in data["files"].values():
            for row in entry[2]:
                row[1] = 0
        for part in data["repo"].values():
            for row in part["findings"]:
                row[2] = -3

    for edit in (negative_index, inflated, before_the_first_line):
        resign(root, user_cache, edit)
        assert score(root, env) == honest, edit.__name__


def test_nothing_is_written_through_a_symlink_in_the_cache_folder(tmp_path):
    root = aged(build(tmp_path / "repo", FILES))
    env = environment(tmp_path)
    score(root, env)
    target = cache_file(root)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep\n")
    for name in (target.name, "CACHEDIR.TAG", ".gitignore"):
        (root / CACHE / name).unlink()
        (root / CACHE / name).symlink_to(outside)
    (root / "lib.py").write_text('"""Lib."""\n\n\ndef load(path):\n    return path\n')  # something to store
    score(root, env)
    assert outside.read_text() == "keep\n"
    assert not any(p.is_symlink() for p in (root / CACHE).iterdir())  # replaced by the real files
