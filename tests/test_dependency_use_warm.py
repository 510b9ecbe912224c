"""undeclared-dependency (MLR510) and unused-dependency (MLR511) after one file changes: a warm run redoes that
file's part and gives what a run without the cache gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

from conftest import age, run_cli

FILES = {
    "requirements.txt": "pandas==2.2.0\nrich==13.7.0\n",
    "train.py": '"""Train."""\nimport pandas as pd\n\nFRAME = pd.DataFrame\n',
    "evaluate.py": '"""Evaluate."""\nimport pandas\n\nREAD = pandas.read_csv\n',
    "README.md": "# Project\n",
}


def dependency_findings(root: Path) -> list[tuple[str, str, int | None, str]]:
    """The findings of a cached run, which must be those of a run without the cache."""
    args = ("--select", "MLR510,MLR511", "--format", "json", ".")
    run, fresh = run_cli(*args, cwd=root), run_cli("--no-cache", *args, cwd=root)
    assert run.code in (0, 1) and run.err == ""
    found = sorted((f["code"], f["path"], f["line"], f["message"]) for f in run.findings)
    assert found == sorted((f["code"], f["path"], f["line"], f["message"]) for f in fresh.findings)
    return found


def edit(root: Path, path: str, text: str) -> None:
    """Change one file, saved a minute ago (the other files keep their stat: their recorded parts stand)."""
    (root / path).write_text(text)
    past = time.time() - 60
    os.utime(root / path, (past, past))


def test_an_import_added_to_one_file_is_found_and_counted(repo):
    root = repo(FILES)
    age(root)
    assert dependency_findings(root) == [
        ("MLR511", "requirements.txt", 2,
         "`rich==13.7.0` is declared but nothing in the repository imports or runs it"),
    ]
    edit(root, "evaluate.py", FILES["evaluate.py"] + "import yaml\nimport rich\n")
    edit(root, "train.py", FILES["train.py"] + "\n\ndef load():\n    import yaml\n    return yaml\n")
    assert dependency_findings(root) == [
        ("MLR510", "evaluate.py", 5, "`yaml` is imported (and in 1 more file) but no declared dependency provides "
                                     "it: add `pyyaml` to `requirements.txt`"),
    ]
    edit(root, "evaluate.py", FILES["evaluate.py"])
    assert [f[:3] for f in dependency_findings(root)] == [("MLR510", "train.py", 8), ("MLR511", "requirements.txt", 2)]


def test_a_mention_in_another_file_is_found_and_lost(repo):
    root = repo(FILES)
    age(root)
    assert [f[:2] for f in dependency_findings(root)] == [("MLR511", "requirements.txt")]
    edit(root, "README.md", "# Project\n\nLogs are printed with rich.\n")
    assert dependency_findings(root) == []
    edit(root, "README.md", "# Project\n")
    assert [f[:2] for f in dependency_findings(root)] == [("MLR511", "requirements.txt")]


def test_a_new_declaration_changes_every_files_part(repo):
    root = repo(FILES)
    age(root)
    edit(root, "train.py", FILES["train.py"] + "import yaml\n")
    assert [f[:3] for f in dependency_findings(root)] == [("MLR510", "train.py", 5), ("MLR511", "requirements.txt", 2)]
    edit(root, "requirements.txt", FILES["requirements.txt"] + "pyyaml==6.0\n")
    assert [f[:3] for f in dependency_findings(root)] == [("MLR511", "requirements.txt", 2)]


def test_a_change_to_an_included_requirements_file_is_seen(repo):
    """What the dependency files declare is recorded with every file read for it, `-r` includes too."""
    root = repo({
        "requirements.txt": "-r requirements/base.txt\nrich==13.7.0\n",
        "requirements/base.txt": "pandas==2.2.0\n",
        "train.py": '"""Train."""\nimport pandas as pd\nimport yaml\n\nFRAME = pd.DataFrame(yaml.safe_load("a: 1"))\n',
    })
    age(root)
    assert [f[:3] for f in dependency_findings(root)] == [("MLR510", "train.py", 3), ("MLR511", "requirements.txt", 2)]
    edit(root, "requirements/base.txt", "pandas==2.2.0\npyyaml==6.0.1\n")
    assert [f[:3] for f in dependency_findings(root)] == [("MLR511", "requirements.txt", 2)]
    edit(root, "requirements.txt", "-r requirements/base.txt\n")
    assert dependency_findings(root) == []


def test_a_new_dependency_file_is_read(repo):
    root = repo(FILES)
    age(root)
    assert [f[:2] for f in dependency_findings(root)] == [("MLR511", "requirements.txt")]
    (root / "tools").mkdir()
    edit(root, "tools/requirements.txt", "click==8.1.7\n")
    edit(root, "tools/cli.py", '"""CLI."""\nimport click\nimport yaml\n\nMAIN = click.command\n')
    assert [f[:3] for f in dependency_findings(root)] == [
        ("MLR510", "tools/cli.py", 3), ("MLR511", "requirements.txt", 2),
    ]


def hook_findings(root: Path, *paths: str) -> list[tuple[str, str, int | None, str]]:
    run = run_cli("hook", "--select", "MLR510,MLR511", "--format", "json", *paths, cwd=root)
    assert run.code in (0, 1) and run.err == ""
    return sorted((f["code"], f["path"], f["line"], f["message"]) for f in run.findings)


def test_the_hook_reports_what_a_whole_run_reports_about_the_files_it_is_given(repo):
    """An undeclared import is reported at the first file that imports the module, counting the others: the hook
    on a later file reports nothing, on the first file the whole count, on a file with none of them nothing."""
    root = repo({**FILES, "a_load.py": '"""Load."""\nimport yaml\n\nLOAD = yaml.safe_load\n',
                 "z_dump.py": '"""Dump."""\nimport yaml\n\nDUMP = yaml.safe_dump\n'})
    age(root)
    whole = dependency_findings(root)
    first = ("MLR510", "a_load.py", 2, "`yaml` is imported (and in 1 more file) but no declared dependency provides "
                                       "it: add `pyyaml` to `requirements.txt`")
    assert first in whole
    assert hook_findings(root, "a_load.py") == [first]
    assert hook_findings(root, "z_dump.py") == []
    assert hook_findings(root, "train.py") == []
    assert hook_findings(root, "train.py", "requirements.txt") == [f for f in whole if f[1] == "requirements.txt"]
    edit(root, "train.py", FILES["train.py"] + "import yaml\n")  # the second of three
    assert hook_findings(root, "z_dump.py", "train.py") == []
    counted = (*first[:3], first[3].replace("(and in 1 more file)", "(and in 2 more files)"))
    assert hook_findings(root, "a_load.py") == [counted]
    assert dependency_findings(root) == [counted if f == first else f for f in whole]
