"""The saved project model: a warm run, the pre-commit hook and the flake8 plugin take the model the last run
built while what it was built from is unchanged, and never a stale or forged one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import age, run_cli

from integrations import run_tool

CACHE = ".mlrepolint_cache"
HELPERS = '"""Helpers."""\n\n\ndef load():\n    """Load."""\n    print("loading")\n'
GUARD = '\n\nif __name__ == "__main__":\n    load()\n'
TRAIN = (
    '"""Train."""\nfrom helpers import load\n\n\ndef main():\n    """Run."""\n    load()\n\n\n'
    'if __name__ == "__main__":\n    main()\n'
)
FILES = {"train.py": TRAIN, "helpers.py": HELPERS, "README.md": "# Helpers\n\nRun `python train.py`.\n"}
PRINT = "helpers.py:6:5: MLR801"


def prints(root: Path, *args: str) -> list[str]:
    """The print-in-module findings of a cached run, checked against a run without the cache."""
    run = run_cli("--select", "MLR801", *args, ".", cwd=root)
    fresh = run_cli("--select", "MLR801", "--no-cache", *args, ".", cwd=root)
    assert run.code in (0, 1) and run.err == "" and run.out == fresh.out
    return [line for line in run.out.splitlines() if ": MLR801 " in line]


def edit(root: Path, path: str, text: str) -> None:
    (root / path).write_text(text)
    age(root)


@pytest.fixture
def linted(repo):
    root = repo(FILES)
    age(root)
    assert [line[: len(PRINT)] for line in prints(root)] == [PRINT]  # a module train.py imports
    assert (root / CACHE / "project.cache").is_file()
    return root


def test_an_edit_that_makes_a_module_a_script_is_seen(linted):
    edit(linted, "helpers.py", HELPERS + GUARD)
    assert prints(linted) == []
    edit(linted, "helpers.py", HELPERS)
    assert [line[: len(PRINT)] for line in prints(linted)] == [PRINT]


def test_an_edit_inside_a_function_keeps_the_model_and_is_linted(linted):
    edit(linted, "helpers.py", HELPERS.replace('print("loading")', 'x = 1\n    print("loading", x)'))
    facts = (linted / CACHE / "facts.cache").stat().st_mtime_ns
    assert [line[:22] for line in prints(linted)] == ["helpers.py:7:5: MLR801"]
    assert (linted / CACHE / "facts.cache").stat().st_mtime_ns == facts  # the model was not built again


def test_an_edit_inside_a_function_is_compared_without_the_saved_facts(linted):
    """The saved model records how far each file's facts were looked for: an edited file is prescanned again and
    compared with the recorded digest, and facts.cache is read only when the model is built again."""
    (linted / CACHE / "facts.cache").unlink()
    edit(linted, "helpers.py", HELPERS.replace('print("loading")', 'x = 1\n    print("loading", x)'))
    assert [line[:22] for line in prints(linted)] == ["helpers.py:7:5: MLR801"]
    assert not (linted / CACHE / "facts.cache").exists()  # the model stood: it was not built again


def test_an_importer_that_stops_importing_is_seen(linted):
    edit(linted, "helpers.py", HELPERS + GUARD)
    assert prints(linted) == []
    edit(linted, "train.py", TRAIN.replace("from helpers import load\n", "load = print\n"))
    assert prints(linted) == []
    edit(linted, "helpers.py", HELPERS)  # a loose module nothing imports is a module still
    assert [line[: len(PRINT)] for line in prints(linted)] == [PRINT]


def test_a_readme_that_names_the_module_as_a_script_is_seen(linted):
    edit(linted, "README.md", "# Helpers\n\n```\npython helpers.py\n```\n")
    assert prints(linted) == []


def test_a_new_file_is_seen(linted):
    edit(linted, "run.sh", "python helpers.py\n")
    assert prints(linted) == []


def test_the_hook_on_the_edited_file_sees_the_edit(linted):
    edit(linted, "helpers.py", HELPERS + GUARD)
    run = run_cli("hook", "--select", "MLR801", "helpers.py", cwd=linted)
    assert run.code == 0 and "MLR801" not in run.out, run.out


def test_the_hook_after_an_edit_inside_a_function_leaves_the_saved_model_to_a_whole_run(linted):
    saved = linted / CACHE / "project.cache"
    before = saved.read_bytes()
    edit(linted, "helpers.py", HELPERS.replace('print("loading")', 'x = 1\n    print("loading", x)'))
    run = run_cli("hook", "--select", "MLR801", "helpers.py", cwd=linted)
    assert run.code == 0 and "helpers.py:7:5: MLR801" in run.out, run.out
    assert saved.read_bytes() == before  # the model stood, and one edited file does not rewrite it
    assert [line[:22] for line in prints(linted)] == ["helpers.py:7:5: MLR801"]
    assert saved.read_bytes() != before  # the whole run records the file's new stat


@pytest.mark.parametrize("forged", [
    b"mlrepolint-project-2 0000\n{}",
    b"not a cache at all",
])
def test_a_forged_or_committed_model_is_ignored(linted, forged):
    for name in ("project.cache", "facts.cache"):
        (linted / CACHE / name).write_bytes(forged)
    assert [line[: len(PRINT)] for line in prints(linted)] == [PRINT]
    assert (linted / CACHE / "project.cache").read_bytes() != forged  # rewritten


def test_a_model_saved_by_another_version_is_not_used(linted, monkeypatch):
    import mlrepolint.cache as cache

    data = cache.read_own(linted.resolve(), "project.cache", cache.PROJECT_FORMAT)
    data["project"]["roles"]["helpers.py"] = len(data["project"]["role_table"])
    data["project"]["role_table"].append(["template", "forged", ""])
    data["key"] = "an older mlrepolint"
    cache.write_own(linted.resolve(), "project.cache", cache.PROJECT_FORMAT, data)
    assert [line[: len(PRINT)] for line in prints(linted)] == [PRINT]


def test_explain_from_the_saved_model_gives_every_module_and_import(linted):
    """The saved model's largest mappings are decoded only when used: `explain` uses them all."""
    written = (linted / CACHE / "project.cache").stat().st_mtime_ns
    saved = run_cli("explain", "--format", "json", cwd=linted)
    assert (linted / CACHE / "project.cache").stat().st_mtime_ns == written  # taken as saved, not built again
    shutil.rmtree(linted / CACHE)
    built = run_cli("explain", "--format", "json", cwd=linted)
    assert saved.code == built.code == 0 and saved.out == built.out
    files = {f["path"]: f for f in saved.json["files"]}
    assert files["train.py"]["module"] == "train" and files["train.py"]["imports"] == ["helpers.py"]


def flake8_prints(root: Path) -> list[str]:
    proc = run_tool("flake8", "--select", "MLR801", "helpers.py", cwd=root)
    assert "Traceback" not in proc.stderr, proc.stderr
    return [line[: len(PRINT)] for line in proc.stdout.splitlines()]


def test_the_flake8_plugin_takes_the_saved_model_and_sees_edits(linted):
    assert flake8_prints(linted) == [PRINT]
    edit(linted, "helpers.py", HELPERS + GUARD)
    assert flake8_prints(linted) == []
    edit(linted, "README.md", "# Helpers\n")
    assert flake8_prints(linted) == []
    edit(linted, "helpers.py", HELPERS)
    assert flake8_prints(linted) == [PRINT]


def test_the_flake8_plugin_without_a_saved_model(repo):
    root = repo(FILES)
    assert flake8_prints(root) == [PRINT]
    edit(root, "helpers.py", HELPERS + GUARD)
    assert flake8_prints(root) == []
