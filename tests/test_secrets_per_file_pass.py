"""The secrets scan of Python files and notebooks is done where the per-file pass reads them (its workers): a secret
is reported at the same path, line and column, with the same masked message and advice, however the run is made:
cold or warm, after an edit, with one job or two, on the whole repository or on a folder of it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import age, cached_shares, git, make_git_repo, run_cli

CACHE = ".mlrepolint_cache"


def fake(*parts: str) -> str:
    """A secret-shaped value, built so that this file holds none."""
    return "".join(parts)


TOKEN = fake("ghp_", "a1B2c3D4e5F6g7H8i9J0", "k1L2m3N4o5P6q7R8")
AWS_ID = fake("AKIA", "QX7RZ2M4TB6NW3PL")
MASKED_TOKEN = "`ghp_********************************q7R8`"
ADVICE = ": rotate it and read it from the environment"
UNTRACKED = " in an untracked file: read it from the environment before it is committed"

#: Enough modules that two jobs start two worker processes (a handful of files is linted in the main process).
MODULES = {f"pkg/mod{i}.py": f'"""Module {i}."""\n\n\ndef f{i}():\n    """Return {i}."""\n    return {i}\n'
           for i in range(48)}
NOTEBOOK = json.dumps({
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Explore\n"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": ["import os\n", f'API_TOKEN = "{TOKEN}"\n']},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}, indent=1) + "\n"
FILES = {
    **MODULES,
    "pkg/__init__.py": '"""The package."""\n',
    "pkg/creds.py": f'"""Credentials."""\n\nAPI_TOKEN = "{TOKEN}"\n',
    "app/settings.py": f'"""Settings."""\n\nAWS_ACCESS_KEY_ID = "{AWS_ID}"\n',
    "config/train.yaml": f"learning_rate: 0.1\ntoken: {TOKEN}\n",
    "notebooks/explore.ipynb": NOTEBOOK,
    # Decoded as the repository view reads any file (UTF-8, a BOM kept, undecodable bytes replaced), whatever
    # the coding line says: a GBK file's two characters are four replacement characters, before the token.
    "enc/bom.py": b"\xef\xbb\xbf" + f'API_TOKEN = "{TOKEN}"\n'.encode(),
    "enc/gbk.py": "# -*- coding: gbk -*-\nNAME = '中文'; API_TOKEN = \"".encode("gbk") + TOKEN.encode() + b'"\n',
}
EXPECTED = {
    ("app/settings.py", 3, 22, "hardcoded AWS access key id `AKIA************W3PL`" + ADVICE),
    ("config/train.yaml", 2, 8, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
    ("enc/bom.py", 1, 15, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
    ("enc/gbk.py", 2, 29, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
    ("notebooks/explore.ipynb", 17, None, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
    ("pkg/creds.py", 3, 14, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
}


def secrets(root: Path, *args: str, target: str = ".") -> set[tuple]:
    """(path, line, column, message) of each hardcoded-secret finding of a JSON run."""
    run = run_cli("--format", "json", "--select", "MLR402", *args, target, cwd=root)
    assert run.code == 1, run.err
    assert TOKEN not in run.out + run.err and AWS_ID not in run.out + run.err
    return {(f["path"], f["line"], f["column"], f["message"]) for f in run.findings}


def edit(root: Path, path: str, text: str) -> None:
    """Change one file, as an editor saves it (a little while ago: outside the cache's racy window)."""
    target = root / path
    target.write_text(text, encoding="utf-8")
    past = time.time() - 30
    os.utime(target, (past, past))


def cache_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (root / CACHE).iterdir() if p.is_file())


def shared_paths(root: Path) -> set[str]:
    """The files whose share of the secrets scan the cache keeps."""
    return set(cached_shares(root, "secrets:"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_secret_is_reported_alike_cold_warm_and_after_an_edit(tmp_path, jobs):
    root = make_git_repo(tmp_path / "repo", FILES)
    (root / "untracked.py").write_text(f'TOKEN = "{TOKEN}"\n')
    age(root)
    expected = EXPECTED | {("untracked.py", 1, 10, f"hardcoded GitHub token {MASKED_TOKEN}" + UNTRACKED)}
    assert secrets(root, "--no-cache", "--jobs", jobs) == expected
    assert secrets(root, "--jobs", jobs) == expected  # cold, writing the cache
    assert secrets(root, "--jobs", jobs) == expected  # warm
    assert {"pkg/creds.py", "pkg/mod0.py", "enc/gbk.py", "notebooks/explore.ipynb"} <= shared_paths(root)
    cached = cache_bytes(root)
    assert TOKEN.encode() not in cached and AWS_ID.encode() not in cached  # the shares are kept masked

    # The secret moves two lines down, and the untracked file is committed: its advice changes, not its share.
    edit(root, "pkg/creds.py", f'"""Credentials."""\n\nimport os\n\nAPI_TOKEN = "{TOKEN}"\n')
    git(root, "add", "untracked.py")
    moved = (expected - {("pkg/creds.py", 3, 14, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
                         ("untracked.py", 1, 10, f"hardcoded GitHub token {MASKED_TOKEN}" + UNTRACKED)}
             | {("pkg/creds.py", 5, 14, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE),
                ("untracked.py", 1, 10, f"hardcoded GitHub token {MASKED_TOKEN}" + ADVICE)})
    assert secrets(root, "--jobs", jobs) == moved
    assert secrets(root, "--no-cache", "--jobs", jobs) == moved

    # The secret is taken out: the edited file's share is the new one.
    edit(root, "pkg/creds.py", '"""Credentials."""\n\nimport os\n\nAPI_TOKEN = os.environ["API_TOKEN"]\n')
    gone = {f for f in moved if f[0] != "pkg/creds.py"}
    assert secrets(root, "--jobs", jobs) == gone
    assert secrets(root, "--no-cache", "--jobs", jobs) == gone


def test_linting_a_folder_still_scans_the_whole_repository_for_secrets(tmp_path):
    root = make_git_repo(tmp_path / "repo", FILES)
    age(root)
    assert secrets(root, "--no-cache", "--jobs", "2", target="pkg") == EXPECTED
    assert secrets(root, "--jobs", "2", target="pkg") == EXPECTED
    assert secrets(root, "--jobs", "2") == EXPECTED  # the whole run after it, from the cache
    assert secrets(root, "--jobs", "2", target="pkg") == EXPECTED


def test_a_python_file_over_the_size_limit_is_not_scanned_by_the_workers_either(tmp_path):
    big = f'"""Big."""\n\nAPI_TOKEN = "{TOKEN}"\n' + "# padding\n" * 400
    root = make_git_repo(tmp_path / "repo", {**FILES, "pkg/big.py": big,
                                             "pyproject.toml": "[tool.mlrepolint.rules.hardcoded-secret]\n"
                                                               "max-file-size = 2000\n"})
    age(root)
    assert secrets(root, "--no-cache", "--jobs", "2") == EXPECTED  # not pkg/big.py (notebooks have no limit)
    assert secrets(root, "--jobs", "1") == EXPECTED


TRAIN = (
    "import torch\n\n\ndef main():\n    model = torch.nn.Linear(4, 1)\n"
    "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    "    for x, y in batches():\n        optimizer.zero_grad()\n        loss = (model(x) - y).pow(2).mean()\n"
    "        loss.backward()\n        optimizer.step()\n\n\nif __name__ == \"__main__\":\n    main()\n"
)


def entry_findings(root: Path, *args: str) -> set[tuple]:
    run = run_cli("--format", "json", "--select", "MLR310,MLR902", *args, ".", cwd=root)
    assert run.code == 0, run.err  # warnings
    return {(f["code"], f["path"], f["line"], f["column"]) for f in run.findings}


def test_entry_scripts_are_judged_alike_from_the_per_file_pass(tmp_path):
    """unseeded-training and script-without-cli take an entry script's share from the per-file pass's parse."""
    root = make_git_repo(tmp_path / "repo", {**MODULES, "train.py": TRAIN, "scripts/train.py": TRAIN})
    age(root)
    expected = {(code, path, line, column) for path in ("train.py", "scripts/train.py")
                for code, line, column in (("MLR310", 10, 9), ("MLR902", 6, 56))}
    assert entry_findings(root, "--no-cache", "--jobs", "1") == expected
    assert entry_findings(root, "--no-cache", "--jobs", "2") == expected
    assert entry_findings(root, "--jobs", "2") == expected
    assert entry_findings(root, "--jobs", "2") == expected  # warm
    edit(root, "train.py", "import random\n\n" + TRAIN.replace("    model =", "    random.seed(0)\n    model =", 1))
    seeded = {f for f in expected if f[1] != "train.py"} | {("MLR902", "train.py", 9, 56)}  # seeded, 3 lines down
    assert entry_findings(root, "--jobs", "2") == seeded
    assert entry_findings(root, "--no-cache", "--jobs", "1") == seeded


def test_the_hook_on_a_module_leaves_the_scripts_that_import_it_to_a_whole_run(tmp_path):
    helpers = '"""Helpers."""\n\n\ndef batches():\n    """Batches."""\n    return []\n'
    train = "from helpers import batches\n" + TRAIN
    root = make_git_repo(tmp_path / "repo", {"helpers.py": helpers, "train.py": train})
    age(root)
    expected = {("MLR310", "train.py", 11, 9), ("MLR902", "train.py", 7, 56)}
    assert entry_findings(root) == expected
    edit(root, "helpers.py", helpers.replace("return []", "return [1]"))
    hook = run_cli("hook", "--format", "json", "--select", "MLR310,MLR902", "helpers.py", cwd=root)
    assert hook.code == 0 and hook.findings == [], hook.err
    assert entry_findings(root) == expected  # not a result the hook left out
    assert entry_findings(root, "--no-cache") == expected
