"""A warm run after editing one file reports what a cold run does, and redoes only that file's share of the work:
repository rules included (the secrets scan, the dependency files), with either PEP 8 backend."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import age, cached_shares, run_cli

CACHE = ".mlrepolint_cache"


def fake(*parts: str) -> str:
    """A secret-shaped value, built so that this file holds none."""
    return "".join(parts)


TOKEN = fake("ghp_", "a1B2c3D4e5F6g7H8i9J0", "k1L2m3N4o5P6q7R8")
OTHER_TOKEN = fake("ghp_", "Z9y8X7w6V5u4T3s2R1q0", "P9o8N7m6L5k4J3i2")
FILES = {
    "README.md": "# Demo\n\nInstall with `pip install -r requirements.txt`, run `python train.py`.\n",
    "requirements.txt": "numpy==1.26.4\npandas==2.2.2\n",
    "train.py": '"""Training."""\nimport numpy as np\nimport pandas as pd\n\n\ndef main():\n    """Train."""\n'
                "    return np, pd\n\n\nif __name__ == '__main__':\n    main()\n",
    "pkg/__init__.py": '"""The package."""\n',
    "pkg/model.py": '"""Model."""\n\n\ndef build():\n    """Build."""\n    return 1\n',
    "config/settings.yaml": "learning_rate: 0.1\n",
    "tests/test_model.py": "from pkg.model import build\n\n\ndef test_build():\n    assert build() == 1\n",
}


def edit(root: Path, path: str, text: str) -> None:
    """Change one file, as an editor saves it (a little while ago: outside the racy window)."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    past = time.time() - 30
    os.utime(target, (past, past))


def same_stat_rewrite(root: Path, path: str, text: str) -> None:
    """Replace a file's content keeping its size, modification time and inode: a file the cache trusts unread."""
    target = root / path
    st = target.stat()
    data = text.encode().ljust(st.st_size)[: st.st_size]
    with open(target, "r+b") as handle:
        handle.write(data)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def findings(root: Path, *args: str) -> list[tuple]:
    run = run_cli("--format", "json", *args, ".", cwd=root)
    assert run.code in (0, 1), run.err
    return sorted((f["code"], f["path"], f["line"], f["message"]) for f in run.findings)


@pytest.mark.parametrize("backend", ["flake8", "ruff"])
def test_a_warm_run_after_one_edit_reports_what_a_cold_run_does(repo, backend):
    root = repo(FILES)
    age(root)
    args = ("--pep8-backend", backend)
    assert findings(root, *args) == findings(root, "--no-cache", *args)  # cold, then warm with nothing changed
    assert findings(root, *args) == findings(root, "--no-cache", *args)

    edits = [
        ("pkg/model.py", FILES["pkg/model.py"] + f'\nAPI_TOKEN = "{TOKEN}"\nimport os\n'),  # a secret, a style finding
        ("config/settings.yaml", f"learning_rate: 0.1\ntoken: {OTHER_TOKEN}\n"),  # a secret in a config file
        ("requirements.txt", "numpy>=1.20\npandas==2.2.2\nrequests==2.32.3\n"),  # unpinned, and unused
        ("train.py", FILES["train.py"].replace("import pandas as pd\n", "import pandas as pd\nimport scipy\n")),
    ]
    for path, text in edits:
        edit(root, path, text)
        warm = findings(root, *args)
        assert warm == findings(root, "--no-cache", *args), path
    codes = {(code, path) for code, path, _, _ in warm}
    assert {("MLR402", "pkg/model.py"), ("MLR402", "config/settings.yaml"), ("MLR501", "requirements.txt"),
            ("MLR511", "requirements.txt"), ("MLR510", "train.py"), ("F401", "pkg/model.py")} <= codes


def test_an_edit_redoes_only_the_edited_files_share_of_the_secrets_scan(repo):
    root = repo(FILES)
    (root / "config/settings.yaml").write_text(f"learning_rate: 0.1\ntoken: {OTHER_TOKEN}\n")
    age(root)
    assert ("MLR402", "config/settings.yaml") in {(c, p) for c, p, _, _ in findings(root)}
    # The secret is taken out without changing the file's stat, so only a scan that reads the file again can
    # tell; then another file is edited, which re-runs the secrets rule.
    same_stat_rewrite(root, "config/settings.yaml", "learning_rate: 0.1\n#")
    edit(root, "pkg/model.py", FILES["pkg/model.py"] + f'\nAPI_TOKEN = "{TOKEN}"\n')
    warm = {(c, p) for c, p, _, _ in findings(root)}
    assert ("MLR402", "pkg/model.py") in warm  # the edited file was scanned
    assert ("MLR402", "config/settings.yaml") in warm  # the other one was not read again: its share was kept
    cold = {(c, p) for c, p, _, _ in findings(root, "--no-cache")}
    assert ("MLR402", "config/settings.yaml") not in cold


def test_ruff_runs_only_on_the_files_that_changed(repo):
    root = repo(FILES)
    age(root)
    args = ("--pep8-backend", "ruff", "--select", "E,W,F")
    assert findings(root, *args) == []
    # An unused import put into a file without changing its stat: a file the cache trusts is not given to ruff.
    same_stat_rewrite(root, "pkg/model.py", "import os\n\n\n")
    edit(root, "train.py", FILES["train.py"] + "import sys\n")
    warm = {(c, p) for c, p, _, _ in findings(root, *args)}
    assert ("F401", "train.py") in warm and ("F401", "pkg/model.py") not in warm
    assert ("F401", "pkg/model.py") in {(c, p) for c, p, _, _ in findings(root, "--no-cache", *args)}


def test_a_ruff_configuration_change_in_a_folder_runs_ruff_again(repo):
    root = repo({**FILES, "pkg/model.py": FILES["pkg/model.py"] + "import os\n",
                 "ruff.toml": "[lint]\nselect = ['E', 'W', 'F']\n"})
    age(root)
    args = ("--pep8-backend", "ruff", "--select", "E,W,F")
    assert ("F401", "pkg/model.py") in {(c, p) for c, p, _, _ in findings(root, *args)}
    edit(root, "pkg/ruff.toml", "[lint]\nignore = ['F401']\n")
    assert findings(root, *args) == findings(root, "--no-cache", *args)
    assert ("F401", "pkg/model.py") not in {(c, p) for c, p, _, _ in findings(root, *args)}


def test_the_hook_scans_only_the_files_it_is_given_for_secrets(repo):
    root = repo({**FILES, "config/settings.yaml": f"token: {OTHER_TOKEN}\n",
                 "pkg/model.py": FILES["pkg/model.py"] + f'\nAPI_TOKEN = "{TOKEN}"\n'})
    age(root)
    run = run_cli("hook", "--format", "json", "pkg/model.py", cwd=root)
    assert run.code == 1, run.err
    assert {(f["code"], f["path"]) for f in run.findings if f["code"] == "MLR402"} == {("MLR402", "pkg/model.py")}
    scanned = set(cached_shares(root, "secrets:"))
    assert scanned == {"pkg/model.py"}  # nothing else was read for the secrets scan
    # A whole run afterwards scans the rest, and reports what a cold run does.
    assert findings(root) == findings(root, "--no-cache")
    assert ("MLR402", "config/settings.yaml") in {(c, p) for c, p, _, _ in findings(root)}
