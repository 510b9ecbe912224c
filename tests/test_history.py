"""`--history`: secrets and large files anywhere in git history, on real tmp repositories through the real CLI."""

from __future__ import annotations

import json
import marshal
import os
from pathlib import Path

from conftest import git, lint_json, make_git_repo, run_cli, write_files


def fake(*parts: str) -> str:
    """A secret built at run time, so that no secret sits in this file (or in mlrepolint's own history)."""
    return "".join(parts)


TOKEN = fake("ghp_", "a1B2c3D4e5F6g7H8i9J0", "k1L2m3N4o5P6q7R8")
OTHER = fake("ghp_", "Z9y8X7w6V5u4T3s2R1q0", "P9o8N7m6L5k4J3i2")
HISTORY = ("MLR409", "MLR320")


def commit(root: Path, message: str, files: dict | None = None, remove: tuple[str, ...] = ()) -> str:
    """Write `files`, remove `remove`, commit everything; the new commit's id."""
    write_files(root, files or {})
    for path in remove:
        git(root, "rm", "-q", path)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def history(root: Path, *args: str) -> list[dict]:
    run = run_cli("--format", "json", "--history", "--exit-zero", *args, cwd=root)
    assert run.code == 0, run.err
    return [f for f in run.findings if f["code"] in HISTORY]


def test_a_secret_added_then_deleted_is_reported_once_with_its_commit(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    added = commit(root, "config", {"config.py": f'import os\n\nGITHUB_TOKEN = "{TOKEN}"\n'})
    commit(root, "env", {"config.py": 'import os\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n'})
    found = history(root)
    assert [(f["rule"], f["path"], f["line"], f["commit"], f["severity"]) for f in found] == [
        ("secret-in-history", "config.py", 3, added, "error")]
    assert "rotate it (rewriting history does not un-leak it)" in found[0]["message"]
    assert added[:12] in found[0]["message"]


def test_the_secret_is_masked_in_every_format(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, "config", {"settings.yaml": f"token: {TOKEN}\n"})
    commit(root, "gone", remove=("settings.yaml",))
    for fmt in ("text", "json", "sarif", "github", "markdown", "gitlab", "junit", "html"):
        run = run_cli("--history", "--format", fmt, cwd=root)
        assert run.code == 1, run.err  # an error-severity finding
        assert "MLR409" in run.out or "secret-in-history" in run.out, fmt
        assert TOKEN not in run.out + run.err, fmt
        assert TOKEN[:4] in run.out and TOKEN[-4:] in run.out, fmt  # the masked form: first and last four
    baseline = tmp_path / "baseline.json"
    run = run_cli("--history", "--write-baseline", str(baseline), cwd=root)
    assert baseline.is_file() and "MLR409" in baseline.read_text(), run.err
    assert TOKEN not in baseline.read_text() + run.out + run.err
    cached = b"".join(p.read_bytes() for p in (root / ".mlrepolint_cache").iterdir() if p.is_file())
    assert TOKEN.encode() not in cached


def test_a_secret_still_in_the_tree_is_hardcoded_secret_only(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, "config", {"config.py": f'import os\n\nGITHUB_TOKEN = "{TOKEN}"\n'})
    commit(root, "more", {"config.py": f'import os\n\nGITHUB_TOKEN = "{TOKEN}"\nDEBUG = True\n'})
    run = run_cli("--format", "json", "--history", cwd=root)
    assert [(f["rule"], f["path"]) for f in run.findings if f["category"] == "security"] == [
        ("hardcoded-secret", "config.py")]


def test_a_blob_shared_by_many_commits_and_paths_is_reported_once(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    added = commit(root, "config", {"a/config.py": f'TOKEN = "{TOKEN}"\n', "b/config.py": f'TOKEN = "{TOKEN}"\n'})
    for n in range(5):
        commit(root, f"work {n}", {"train.py": f"EPOCHS = {n}\n"})
    commit(root, "gone", remove=("a/config.py", "b/config.py"))
    found = history(root)
    assert [(f["path"], f["commit"]) for f in found] == [("a/config.py", added)]


def test_a_secret_line_copied_to_a_file_still_in_the_tree_is_hardcoded_secret_only(tmp_path):
    # History scans a repeated line once; the copy must still count as the secret being in the tree.
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    line = f'GITHUB_TOKEN = "{TOKEN}"\n'
    commit(root, "config", {"old/config.py": "import os\n\n" + line})
    moved = commit(root, "copy", {"new/settings.py": "DEBUG = True\n" + line})
    commit(root, "drop old", remove=("old/config.py",))
    run = run_cli("--format", "json", "--history", cwd=root)
    assert [(f["rule"], f["path"], f["line"]) for f in run.findings if f["category"] == "security"] == [
        ("hardcoded-secret", "new/settings.py", 2)]
    commit(root, "drop new", remove=("new/settings.py",))
    found = history(root)
    assert [(f["path"], f["line"]) for f in found] == [("old/config.py", 3)]
    assert moved not in [f["commit"] for f in found]


def test_a_secret_on_a_branch_only_is_found(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    git(root, "checkout", "-q", "-b", "experiment")
    side = commit(root, "try", {"notebook.sh": f"export GITHUB_TOKEN={OTHER}\n"})
    git(root, "checkout", "-q", "main")
    found = history(root)
    assert [(f["path"], f["line"], f["commit"]) for f in found] == [("notebook.sh", 1, side)]


def test_a_large_file_added_then_deleted_gets_the_filter_repo_advice(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    added = commit(root, "data", {"data/train.parquet": b"PAR1" + os.urandom(600_000),
                                  "blob.bin": os.urandom(1_200_000),
                                  "data/scores.csv": "model,accuracy\n" + "svm,0.81\n" * 300})
    commit(root, "drop", remove=("data/train.parquet", "blob.bin", "data/scores.csv"))
    found = history(root)
    assert [(f["rule"], f["path"], f["commit"], f["severity"]) for f in found] == [
        ("large-file-in-history", "blob.bin", added, "warning"),
        ("large-file-in-history", "data/train.parquet", added, "warning"),
    ]
    assert "`git filter-repo --invert-paths --path data/train.parquet`" in found[1]["message"]
    assert "1.2 MB" in found[0]["message"]
    # A few KB of CSV is not worth a history rewrite (`min-size`), unless the option says so.
    commit(root, "config", {"pyproject.toml": "[tool.mlrepolint.rules.large-file-in-history]\nmin-size = 1000\n"})
    assert "data/scores.csv" in [f["path"] for f in history(root)]


def test_files_still_in_the_tree_and_lfs_pointers_are_not_history_findings(tmp_path):
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 12345\n"
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n", "data/kept.csv": "a,b\n1,2\n"})
    commit(root, "lfs", {"data/big.csv": pointer})
    commit(root, "drop", remove=("data/big.csv",))
    assert history(root) == []


def test_diff_with_history_scans_only_the_commits_since_the_base(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, "old leak", {"old.py": f'TOKEN = "{TOKEN}"\n'})
    commit(root, "old fix", remove=("old.py",))
    git(root, "branch", "base")
    new = commit(root, "new leak", {"new.py": f'TOKEN = "{OTHER}"\n'})
    commit(root, "new fix", remove=("new.py",))
    assert [(f["path"], f["commit"]) for f in history(root, "--diff", "base")] == [("new.py", new)]
    assert {f["path"] for f in history(root)} == {"old.py", "new.py"}


def test_the_second_run_finds_what_is_new_and_a_forged_cache_decides_nothing(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    first = commit(root, "leak", {"a.py": f'TOKEN = "{TOKEN}"\n'})
    commit(root, "fix", remove=("a.py",))
    assert [f["path"] for f in history(root)] == ["a.py"]
    second = commit(root, "leak again", {"b.sh": f"export GITHUB_TOKEN={OTHER}\n"})
    commit(root, "fix again", remove=("b.sh",))
    assert [(f["path"], f["commit"]) for f in history(root)] == [("a.py", first), ("b.sh", second)]
    cache = root / ".mlrepolint_cache" / "history.cache"
    header, _, body = cache.read_bytes().partition(b"\n")
    data = marshal.loads(body)
    data["leaks"] = [[d[0], d[1], "forged.py", *d[3:]] for d in data["leaks"]]
    data["tips"] = [git(root, "rev-parse", "HEAD").strip()]
    cache.write_bytes(header + b"\n" + marshal.dumps(data))  # the MAC no longer matches
    assert [f["path"] for f in history(root)] == ["a.py", "b.sh"]


def test_history_is_off_by_default_and_on_from_the_config(tmp_path):
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, "leak", {"a.py": f'TOKEN = "{TOKEN}"\n'})
    commit(root, "fix", remove=("a.py",))
    assert [f for f in lint_json(root, "--exit-zero").findings if f["code"] in HISTORY] == []
    commit(root, "config", {"pyproject.toml": "[tool.mlrepolint]\nhistory = true\n"})
    run = run_cli("--format", "json", cwd=root)
    assert run.code == 1 and [f["path"] for f in run.findings if f["code"] == "MLR409"] == ["a.py"]
    assert [f for f in lint_json(root, "--no-history", "--exit-zero").findings if f["code"] in HISTORY] == []


LUNR = "var termTokenSet = lunr.TokenSet.fromClause(clause),\n    x = 1\n"  # mlrepolint: allow-secret


def test_javascript_and_notebook_html_outputs_are_scanned_for_provider_keys_only(tmp_path):
    # Names in code (a search library's token set built by a call) are not assignments of secrets; a key of
    # a provider's shape is a key wherever it is. Notebooks are read by cells, as the tree's scan reads them.
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    page = '<div id="p"></div><script>var s={mapboxAccessToken:d.mapboxAccessToken,o:1};</script>'
    notebook = {"cells": [{"cell_type": "code", "source": ["fig.show()\n"], "metadata": {}, "execution_count": 1,
                           "outputs": [{"output_type": "display_data", "metadata": {},
                                        "data": {"text/html": [page], "text/plain": ["<Figure>"]}}]},
                          {"cell_type": "code", "source": [f'GITHUB_TOKEN = "{OTHER}"\n'], "metadata": {},
                           "execution_count": 2, "outputs": []}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    added = commit(root, "site", {
        "search/lunr.js": LUNR,
        "static/app.js": f'const token = "{TOKEN}";\n',
        "report.ipynb": json.dumps(notebook, indent=1) + "\n",
    })
    commit(root, "gone", remove=("search/lunr.js", "static/app.js", "report.ipynb"))
    found = history(root)
    lines = (json.dumps(notebook, indent=1) + "\n").splitlines()
    token_line = next(n for n, line in enumerate(lines, 1) if "GITHUB_TOKEN" in line)
    assert [(f["path"], f["line"], f["commit"]) for f in found] == [
        ("report.ipynb", token_line, added), ("static/app.js", 1, added)]


def test_a_secret_added_in_a_later_version_is_found_on_its_line(tmp_path):
    # Only the lines a version changes are scanned: here the stretch between two far-apart edits, of which the
    # secret's line is the one new line.
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    body = [f"STEP_{n} = {n}" for n in range(30)]
    commit(root, "train", {"train.py": "\n".join(body) + "\n"})
    edited = ["import os"] + body[1:15] + [f'GITHUB_TOKEN = "{TOKEN}"'] + body[15:29] + ["STEP_29 = 290"]
    added = commit(root, "tune", {"train.py": "\n".join(edited) + "\n"})
    commit(root, "env", {"train.py": "\n".join(edited).replace(f'"{TOKEN}"', 'os.environ["GITHUB_TOKEN"]') + "\n"})
    assert [(f["path"], f["line"], f["commit"]) for f in history(root)] == [("train.py", 16, added)]


def notebook_of(*sources: str) -> str:
    cells = [{"cell_type": "code", "source": [source], "metadata": {}, "execution_count": None, "outputs": []}
             for source in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def test_a_secret_a_notebook_version_adds_inside_json_escapes_is_found(tmp_path):
    # In the file the cell's quotes are escaped (`{\"api_key\": ...`): what a version adds is tested for the
    # detectors' triggers with JSON's escapes undone, so the version that adds the key is read by cell.
    value = fake("Zq8xW2mN4vB6", "cR1tY7uI3oP5", "aS9dF0gH")
    root = make_git_repo(tmp_path / "r", {"README.md": "# r\n"})
    commit(root, "start", {"explore.ipynb": notebook_of("import torch\n", "model = load()\n")})
    commit(root, "plot", {"explore.ipynb": notebook_of("import torch\n", "model = load()\n", "plot(model)\n")})
    leaked = notebook_of("import torch\n", 'settings = {"api_key": "' + value + '"}\n', "plot(model)\n")
    added = commit(root, "key", {"explore.ipynb": leaked})
    commit(root, "env", {"explore.ipynb": notebook_of("import torch\n", "settings = read_env()\n", "plot(model)\n")})
    found = history(root)
    line = next(n for n, text in enumerate(leaked.splitlines(), 1) if "api_key" in text)
    assert [(f["path"], f["line"], f["commit"]) for f in found] == [("explore.ipynb", line, added)]
    assert value not in json.dumps(found) and "api_key" in found[0]["message"]
