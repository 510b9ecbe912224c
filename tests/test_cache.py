"""The result cache: what it writes, when it is reused and when it must not be."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest
from conftest import age, git, run_cli, write_files

import mlrepolint
from mlrepolint.cache import FORMAT, SHARES_FORMAT
from mlrepolint.config import Settings
from mlrepolint.engine import Engine
from mlrepolint.rules.base import Context, RepoChecker, Rule, Severity
from mlrepolint.rules.registry import Plugin, Registry, load_registry

CACHE = ".mlrepolint_cache"
UNDOCUMENTED = "def train():\n    return 1\n"
DOCUMENTED = '"""Training."""\n\n\ndef train():\n    """Train."""\n    return 1\n'
FILES = {
    "train.py": UNDOCUMENTED,
    "pkg/__init__.py": "",
    "pkg/model.py": '"""Model."""\n\n\nclass Net:\n    pass\n',
    "tests/test_model.py": "def test_net():\n    assert True\n",
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def read_cache(file: Path) -> dict:
    """A cache file's body (after its MAC line), decoded."""
    return marshal.loads(file.read_bytes().split(b"\n", 1)[1])


def write_signed(file: Path, root: Path, data: dict, format: str = FORMAT) -> None:
    """Write a cache file as this user's mlrepolint would, with a valid MAC (to test how entries are decoded)."""
    from mlrepolint.cache import _load, _mac_key, _signed, user_key

    key = _mac_key(user_key(), root.resolve())
    file.write_bytes(_signed(format, key, data))
    assert _load(file, key, format) == data  # believed: what the test feeds the decoder reaches it


def lint(root: Path, **settings) -> tuple[list[tuple[str, str, int | None]], int]:
    """Run the engine in process: ((code, path, line) of each finding, how many files were linted, not cached)."""
    result = Engine(root, True, Settings(**settings)).run([root])
    return [(f.code, f.path, f.line) for f in result.findings], result.linted


def test_the_cache_folder_is_tagged_and_ignores_itself(repo):
    root = repo(FILES)
    assert run_cli(".", cwd=root).code == 0
    cache = root / CACHE
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (cache / ".gitignore").read_text() == "*\n"
    assert git(root, "status", "--porcelain") == ""  # nothing new for git, nothing else written
    assert run_cli("--format", "json", ".", cwd=root).locations() == run_cli(
        "--format", "json", "--no-cache", ".", cwd=root
    ).locations()


def test_the_cache_keeps_four_configurations_and_drops_the_json_format_before_them(repo):
    root = repo(FILES)
    assert run_cli(".", cwd=root).code == 0
    cache = root / CACHE
    legacy = cache / "0123456789abcdef01234567.json"  # a result cache of the JSON format that came before
    legacy.write_text("{}")
    (cache / "notes.json").write_text("{}")  # not a name mlrepolint writes
    for selected in ("MLR101", "MLR102", "MLR103", "MLR801", "MLR802"):  # five lint keys, one file each
        assert run_cli("--select", selected, ".", cwd=root).code in (0, 1)
    assert len(list(cache.glob("*.results"))) == 4
    assert not legacy.exists() and (cache / "notes.json").exists()


def test_a_commit_of_one_file_rewrites_only_the_shares_that_hold_it(repo):
    modules = {f"pkg/mod{i}.py": f'"""Module {i}."""\n\nimport numpy\n\nVALUE = numpy.zeros({i})\n' for i in range(40)}
    root = repo({**FILES, **modules, "requirements.txt": "numpy==2.0.0\nrequests==2.32.3\n"})
    age(root)
    expected = run_cli("--format", "json", ".", cwd=root)
    assert ("MLR511", "requirements.txt") in {(f["code"], f["path"]) for f in expected.findings}
    cache = root / CACHE

    def shard_files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in cache.glob("*.shares")}

    before = shard_files()
    assert len(before) > 4  # several kinds of shares, each in shards
    assert run_cli(".", cwd=root).code == expected.code and shard_files() == before  # nothing changed: none written
    edited = root / "pkg/mod7.py"
    edited.write_text('"""Module 7."""\n\nimport pandas\n\nFRAME = pandas.DataFrame()\n')
    past = time.time() - 30  # saved a moment ago (the other files keep their stat)
    os.utime(edited, (past, past))
    hook = run_cli("hook", "--format", "json", "pkg/mod7.py", cwd=root)
    assert [(f["code"], f["path"], f["line"]) for f in hook.findings] == [("MLR510", "pkg/mod7.py", 3)]
    after = shard_files()
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert rewritten and all("pkg/mod7.py" in read_cache(cache / name)["entries"] for name in rewritten)
    assert len(rewritten) < len(after) / 4  # one shard of each kind the hook redid, not the others
    staged = run_cli("hook", "--format", "json", "requirements.txt", cwd=root)
    assert [(f["code"], f["path"], f["line"]) for f in staged.findings] == [("MLR511", "requirements.txt", 2)]
    assert run_cli("--format", "json", ".", cwd=root).locations() == run_cli(
        "--format", "json", "--no-cache", ".", cwd=root).locations()


def test_a_results_shard_written_with_another_table_of_rules_is_read_in_its_own_terms(repo):
    """Two runs that added different rules at once leave shards whose findings number the rules differently."""
    root = repo(FILES)
    age(root)
    expected = run_cli("--format", "json", ".", cwd=root).locations()
    [train] = [f for f in (root / CACHE).glob("*.shares")
               if read_cache(f)["namespace"] == "results" and "train.py" in read_cache(f)["entries"]]
    shard = read_cache(train)
    count = len(shard["rules"])
    assert any(row for entry in shard["entries"].values() for row in entry[2])
    shard["rules"] = shard["rules"][::-1]  # the same rules, numbered backwards
    for entry in shard["entries"].values():
        entry[2] = [[count - 1 - row[0], *row[1:]] for row in entry[2]]
    write_signed(train, root, shard, SHARES_FORMAT)
    assert run_cli("--format", "json", ".", cwd=root).locations() == expected


def test_a_configuration_in_use_is_kept_even_when_its_runs_write_only_shards(repo):
    root = repo(FILES)
    age(root)
    cache = root / CACHE
    assert run_cli("--select", "MLR101", ".", cwd=root).code in (0, 1)
    [first] = cache.glob("*.results")
    for selected in ("MLR102", "MLR103", "MLR801"):
        assert run_cli("--select", selected, ".", cwd=root).code in (0, 1)
    (root / "train.py").write_text(UNDOCUMENTED.replace("return 1", "return 2"))
    past = time.time() - 30
    os.utime(root / "train.py", (past, past))
    before = first.read_bytes()
    assert run_cli("--select", "MLR101", ".", cwd=root).code in (0, 1)  # the first configuration, in use again
    assert first.read_bytes() == before  # only a shard of the results changed
    assert run_cli("--select", "MLR802", ".", cwd=root).code in (0, 1)  # a fifth: the least recently used goes
    assert first.exists() and len(list(cache.glob("*.results"))) == 4


def test_no_cache_writes_nothing(repo):
    root = repo(FILES)
    before = snapshot(root)
    run = run_cli("--no-cache", ".", cwd=root)
    assert run.code == 0 and "MLR103" in run.out
    assert snapshot(root) == before
    assert not (root / CACHE).exists()


@pytest.mark.parametrize("key, flag, written", [
    ("cache = false", None, False),
    ("cache = false", "--cache", True),  # the flag wins
    ("cache = true", "--no-cache", False),
])
def test_cache_config_key_and_flags(repo, key, flag, written):
    root = repo({**FILES, "mlrepolint.toml": key + "\n"})
    run = run_cli(*([flag] if flag else []), ".", cwd=root)
    assert run.code == 0
    assert (root / CACHE).exists() is written


def test_a_warm_run_lints_nothing_and_reports_the_same(repo):
    root = repo(FILES)
    age(root)
    cold, linted = lint(root)
    assert linted == 4 and ("MLR103", "train.py", 1) in cold
    warm, linted = lint(root)
    assert (warm, linted) == (cold, 0)


@pytest.mark.parametrize("aged", [True, False], ids=["old-file", "just-written"])
def test_a_content_change_is_linted_again(repo, aged):
    root = repo(FILES)
    age(root)
    lint(root)
    write_files(root, {"train.py": DOCUMENTED})
    if aged:
        age(root, 30)  # a different size and mtime, both still old: the stat record must not be trusted
    findings, linted = lint(root)
    assert linted == 1
    assert not [f for f in findings if f[1] == "train.py"]
    write_files(root, {"train.py": UNDOCUMENTED})
    findings, linted = lint(root)
    assert linted == 1 and ("MLR103", "train.py", 1) in findings


def test_same_size_change_right_after_a_run_is_caught(repo):
    # Written within the racy window, the stat is not trusted: the content hash decides.
    root = repo({"train.py": "def train():\n    return 1\n"})
    lint(root)
    (root / "train.py").write_text("def tr_in():\n    return 1\n")
    assert lint(root)[1] == 1
    assert "public function tr_in has no docstring" in run_cli("train.py", cwd=root).out


def test_touching_a_file_without_changing_it_reuses_its_result(repo):
    root = repo(FILES)
    age(root, 120)
    cold, _ = lint(root)
    age(root, 60)  # new mtimes, same content: read and hashed, not linted
    warm, linted = lint(root)
    assert (warm, linted) == (cold, 0)


TRAIN_103 = ("MLR103", "train.py", "warning")


@pytest.mark.parametrize("config, gone, new", [
    ('ignore = ["MLR103"]\n', {TRAIN_103}, set()),
    ("[rules.missing-function-docstring]\ninclude-tests = true\n", set(),
     {("MLR103", "tests/test_model.py", "warning")}),
    ('[severity]\nmissing-function-docstring = "error"\n', {TRAIN_103}, {("MLR103", "train.py", "error")}),
])
def test_a_config_change_invalidates_the_cache(repo, config, gone, new):
    root = repo(FILES)
    age(root)

    def seen() -> set[tuple[str, str, str]]:
        run = run_cli("--format", "json", "--exit-zero", ".", cwd=root)
        return {(f["code"], f["path"], f["severity"]) for f in run.findings}

    before = seen()
    write_files(root, {"mlrepolint.toml": config})
    after = seen()
    assert (before - after, after - before) == (gone, new)


@pytest.mark.parametrize("config_file", ["setup.cfg", "tox.ini", ".flake8"])
def test_a_wrapped_tool_config_change_invalidates_the_cache(repo, config_file):
    root = repo({"train.py": '"""Train."""\nNAME = "' + "a" * 90 + '"\n'})
    age(root)
    assert run_cli("--format", "json", ".", cwd=root).locations("E501") == [("E501", "train.py", 2)]
    write_files(root, {config_file: "[flake8]\nmax-line-length = 120\n"})
    assert run_cli("--format", "json", ".", cwd=root).locations("E501") == []


def test_command_line_selection_is_part_of_the_key(repo):
    root = repo(FILES)
    assert run_cli("--select", "MLR101", "--format", "json", ".", cwd=root).locations() == [
        ("MLR101", "train.py", 1)
    ]
    assert ("MLR103", "train.py", 1) in run_cli("--format", "json", ".", cwd=root).locations()


def test_a_version_change_invalidates_the_cache(repo, monkeypatch):
    root = repo(FILES)
    age(root)
    lint(root)
    assert lint(root)[1] == 0
    monkeypatch.setattr(mlrepolint, "__version__", "99.0.0")
    assert lint(root)[1] == 4
    assert lint(root)[1] == 0


@pytest.mark.parametrize("garbage", [
    b"\x00\xff not json",
    b"[1, 2, 3]",
    b'{"format": "something-else", "files": {}}',
    None,  # the right format and key, but every entry mangled
    "rules",  # the right format and key, but the table the findings refer to is mangled
])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rewritten(repo, garbage):
    root = repo(FILES)
    age(root)
    expected = run_cli("--format", "json", ".", cwd=root).locations()
    [cache_file] = (root / CACHE).glob("*.results")
    if garbage == "rules":
        data = read_cache(cache_file)
        data["rules"] = [["MLR101", "missing-module-docstring", "documentation", "dire", "mlrepolint"], 7]
        write_signed(cache_file, root, data)
    elif garbage is None:
        for shard_file in (root / CACHE).glob("*.shares"):
            shard = read_cache(shard_file)
            mangled = {  # the per-file results', the repository checkers' and the shares' shards
                "results": lambda entry: [entry[0], entry[1], "oops", {"MLR103": "x"}, 1],
                "repo": lambda part: {"listing": part["listing"], "inputs": {}, "findings": [[1, 2]], "examined": {}},
            }.get(shard["namespace"], lambda entry: [entry[0], 7])
            shard["entries"] = {key: mangled(entry) for key, entry in shard["entries"].items()}
            write_signed(shard_file, root, shard, SHARES_FORMAT)
    else:
        cache_file.write_bytes(garbage)
    run = run_cli("--format", "json", ".", cwd=root)
    assert run.code == 0 and run.err == ""
    assert run.locations() == expected
    assert read_cache(cache_file)["format"] == FORMAT  # rewritten whole
    assert run_cli("--format", "json", ".", cwd=root).locations() == expected


def test_a_cache_folder_that_is_a_file_or_a_symlink_is_left_alone(repo, tmp_path):
    root = repo(FILES)
    (root / CACHE).write_text("not a folder")
    run = run_cli(".", cwd=root)
    assert run.code == 0 and "MLR103" in run.out and run.err == ""
    assert (root / CACHE).read_text() == "not a folder"

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    other = repo(FILES, name="other")
    (other / CACHE).symlink_to(outside, target_is_directory=True)
    assert run_cli(".", cwd=other).code == 0
    assert list(outside.iterdir()) == []  # never writes through a symlink out of the root


# Repository rules: a checker that reads one file decides by its content and the file list.

README_RULE = Rule(
    code="MLR990", name="readme-says-todo", category="documentation", severity=Severity.WARNING,
    summary="s", description="d", rationale="r", fix="f",
)


class ReadmeChecker(RepoChecker):
    rules = (README_RULE,)
    calls = 0

    def check(self, repo, ctx: Context) -> None:
        type(self).calls += 1
        ctx.examine(README_RULE)
        text = repo.read_text("README.md") or ""
        if "TODO" in text:
            ctx.report(README_RULE, 1, 1, "README says TODO", path="README.md")
        if not any(f.path.startswith("docs/") for f in repo.files):
            ctx.report(README_RULE, None, None, "no docs folder", path="README.md")


@pytest.fixture
def registry():
    base = load_registry()
    fresh = Registry(plugins=list(base.plugins), rules=dict(base.rules))
    fresh.add(Plugin("readme", "test", "0", ReadmeChecker))
    ReadmeChecker.calls = 0
    return fresh


def repo_findings(root: Path, registry: Registry) -> list[tuple[str, int | None]]:
    result = Engine(root, True, Settings(), registry).run([root])
    return [(f.message, f.line) for f in result.findings if f.code == "MLR990"]


def test_repository_rules_rerun_only_when_their_inputs_change(repo, registry):
    root = repo({**FILES, "README.md": "# Project\n"})
    age(root)
    assert repo_findings(root, registry) == [("no docs folder", None)]
    assert repo_findings(root, registry) == [("no docs folder", None)]
    assert ReadmeChecker.calls == 1  # nothing changed: reused

    write_files(root, {"README.md": "# Project\nTODO\n"})  # a file the rule read
    assert repo_findings(root, registry) == [("no docs folder", None), ("README says TODO", 1)]
    assert ReadmeChecker.calls == 2

    write_files(root, {"docs/index.md": "# Docs\n"})  # the file list
    assert repo_findings(root, registry) == [("README says TODO", 1)]
    assert ReadmeChecker.calls == 3

    write_files(root, {"data/notes.txt": "x\n"})  # a new file, so the list changed: re-run, same answer
    assert repo_findings(root, registry) == [("README says TODO", 1)]
    assert ReadmeChecker.calls == 4


def test_a_warm_run_does_not_set_up_flake8_and_still_reports_its_warnings(repo, monkeypatch):
    from mlrepolint.rules.wrapped import flake8

    root = repo({**FILES, ".flake8": "[flake8:local-plugins]\nextension =\n    ZZZ = evil:Plugin\n"})
    age(root)
    cold = Engine(root, True, Settings()).run([root])
    assert cold.linted == 4 and any("local-plugins" in w for w in cold.warnings)

    def no_setup(*args, **kwargs):
        raise AssertionError("flake8 was set up although every file was cached")

    monkeypatch.setattr(flake8, "load_config", no_setup)
    warm = Engine(root, True, Settings()).run([root])
    assert warm.linted == 0
    assert (warm.findings, warm.warnings) == (cold.findings, cold.warnings)
    monkeypatch.undo()
    (root / "train.py").write_text(DOCUMENTED)  # one file to lint: flake8 is set up, warned about once
    changed = Engine(root, True, Settings()).run([root])
    assert changed.linted == 1 and changed.warnings == cold.warnings


@pytest.mark.parametrize("settings", [{"fail_on": "never"}, {"fail_under": 90.0}, {"fail_on": "warning"}])
def test_how_a_run_is_judged_is_not_part_of_the_key(repo, settings):
    root = repo(FILES)
    age(root)
    cold, _ = lint(root)
    assert lint(root, **settings) == (cold, 0)  # `--exit-zero` after a plain run lints nothing again
