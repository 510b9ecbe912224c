"""`--fix`, `--fix --unsafe-fixes`, `--fix-diff` and `--pin-from-env`, through the real executable on tmp git
repositories: each fix, what it keeps, its refusals, idempotence, the write's safety, the summary."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import git, run_cli

OUTPUT_CELL = {
    "cell_type": "code", "execution_count": 3, "metadata": {"collapsed": False, "tags": []},
    "outputs": [{"name": "stdout", "output_type": "stream", "text": ["hello\n"]}], "source": ["print('hello')"],
}
KEPT_CELL = {
    "cell_type": "code", "execution_count": 4, "metadata": {"tags": ["keep_output"]},
    "outputs": [{"data": {"text/plain": ["0.5"]}, "execution_count": 4, "metadata": {},
                 "output_type": "execute_result"}],
    "source": ["0.5"],
}
MARKDOWN_CELL = {"cell_type": "markdown", "metadata": {}, "source": ["# Título"]}


def notebook(*cells: dict, **metadata) -> dict:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"}, **metadata}, "nbformat": 4,
            "nbformat_minor": 5}


def nbformat_text(document: dict) -> str:
    """As Jupyter writes a notebook: indent 1, sorted keys, UTF-8, a final newline."""
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def status(root: Path) -> str:
    return git(root, "status", "--porcelain")


def fix(root: Path, *args: str):
    return run_cli("--fix", "--no-cache", "-q", *args, cwd=root)


# notebook-with-outputs


def test_fix_strips_outputs_keeps_keep_output_cells_and_the_file_layout(repo):
    root = repo({"nb/explore.ipynb": nbformat_text(notebook(OUTPUT_CELL, KEPT_CELL, MARKDOWN_CELL, signature="x"))})
    run = fix(root)
    assert "fixed" in run.err and "nb/explore.ipynb" in git(root, "diff", "--name-only")
    text = (root / "nb/explore.ipynb").read_text(encoding="utf-8")
    stripped = dict(OUTPUT_CELL, execution_count=None, outputs=[], metadata={"tags": []})
    kept = dict(KEPT_CELL, execution_count=None, outputs=[dict(KEPT_CELL["outputs"][0], execution_count=None)])
    assert text == nbformat_text(notebook(stripped, kept, MARKDOWN_CELL))  # same layout: the diff is the outputs
    assert "# Título" in text  # not escaped: the file was UTF-8 as written
    assert git(root, "diff", "--cached") == ""  # the index is the user's


def test_fix_keeps_key_order_indentation_and_numbers_as_written(repo):
    text = (
        '{\n    "nbformat": 4,\n    "nbformat_minor": 2,\n    "metadata": {"ratio": 1.50},\n    "cells": [\n'
        '        {\n            "source": ["x = 1e-5"],\n            "outputs": [{"output_type": "stream", "name": '
        '"stdout", "text": ["1e-05"]}],\n            "metadata": {},\n            "execution_count": 7,\n'
        '            "cell_type": "code"\n        }\n    ]\n}'
    )
    document = json.loads(text)
    four = json.dumps(document, indent=4)  # hand-written layouts that json writes the same way
    root = repo({"a.ipynb": four.replace("1.5", "1.50")})
    fix(root)
    after = (root / "a.ipynb").read_text()
    assert '"ratio": 1.50' in after and after.index('"nbformat"') < after.index('"cells"')
    assert '\n            "outputs": [],\n            "metadata": {},\n            "execution_count": null,' in after
    assert not after.endswith("\n")  # no final newline before, none after


def test_a_notebook_whose_layout_cannot_be_kept_is_left_with_a_reason(repo):
    odd = json.dumps(notebook(OUTPUT_CELL), indent=1).replace('"cells": [', '"cells":   [')
    root = repo({"odd.ipynb": odd})
    run = fix(root)
    assert (root / "odd.ipynb").read_text() == odd
    assert "odd.ipynb: outputs not stripped: its JSON layout cannot be written back unchanged" in run.err


def test_a_second_fix_changes_nothing(repo):
    root = repo({
        "a.ipynb": nbformat_text(notebook(OUTPUT_CELL)), "data/train.csv": "a,b\n" + "1,2\n" * 20,
        ".gitignore": "__pycache__/\n", ".env": "X=1\n",
        "requirements.txt": "pandas>=2\n", "uv.lock": '[[package]]\nname = "pandas"\nversion = "2.2.2"\n',
        "train.py": SCRIPT,
    })
    first = fix(root, "--unsafe-fixes")
    assert "fixed" in first.err
    git(root, "add", "-A")
    second = fix(root, "--unsafe-fixes")
    assert status(root).strip() and git(root, "diff") == ""  # nothing changed on disk
    assert "mlrepolint: nothing to fix" in second.err


# .gitignore


def test_gitignore_gaps_are_appended_under_a_comment_in_the_files_line_endings(repo):
    existing = "# mine\r\n__pycache__/\r\n*.log"  # no final newline
    root = repo({".gitignore": existing, "data/train.csv": "a,b\n" + "1,2\n" * 20, ".env": "TOKEN=x\n",
                 "nb.ipynb": nbformat_text(notebook(MARKDOWN_CELL))})
    fix(root)
    text = (root / ".gitignore").read_bytes().decode()
    assert text.startswith(existing + "\r\n\r\n# Added by mlrepolint --fix")
    assert text.endswith("\r\ndata/\r\n.env\r\n.ipynb_checkpoints/\r\n")
    after = run_cli("--format", "json", "--no-cache", cwd=root)
    assert not [f for f in after.findings if f["rule"] == "gitignore-gaps"]
    assert git(root, "check-ignore", "-q", "--no-index", "data/train.csv") == ""


def test_missing_gitignore_is_created(repo):
    root = repo({"train.py": '"""T."""\n', "data/x.csv": "a\n" + "1\n" * 30})
    run = fix(root)
    text = (root / ".gitignore").read_text()
    assert text.startswith("# Added by mlrepolint --fix") and "__pycache__/\n" in text and "data/\n" in text
    assert "MLR703" not in run.out
    assert status(root) == "?? .gitignore\n"  # created, never added to the index


# unpinned-requirement from a lock file


LOCKS = {
    "uv.lock": 'version = 1\n[[package]]\nname = "pandas"\nversion = "2.2.2"\n[[package]]\nname = "requests"\n'
               'version = "2.32.3"\n[[package]]\nname = "scikit-learn"\nversion = "1.5.0"\n',
    "poetry.lock": '[[package]]\nname = "pandas"\nversion = "2.2.2"\n[[package]]\nname = "requests"\n'
                   'version = "2.32.3"\n[[package]]\nname = "scikit-learn"\nversion = "1.5.0"\n',
    "Pipfile.lock": json.dumps({"default": {"pandas": {"version": "==2.2.2"}, "requests": {"version": "==2.32.3"}},
                                "develop": {"scikit-learn": {"version": "==1.5.0"}}}),
    "conda-lock.yml": "package:\n  - name: pandas\n    version: 2.2.2\n    manager: pip\n  - name: requests\n"
                      "    version: 2.32.3\n  - name: scikit-learn\n    version: 1.5.0\n",
}


def test_unpinned_requirements_are_pinned_from_the_lock_file(repo):
    requirements = (
        "# app\npandas>=2.0  # dataframes\nrequests[socks] >=2 ; python_version >= \"3.8\"\nScikit_Learn\n"
        "torch>=2\ngit+https://github.com/org/x.git@main#egg=x\n"
    )
    files = {f"{i}/requirements.txt": requirements for i in range(len(LOCKS))}  # each folder with its own lock
    files.update({f"{i}/{name}": text for i, (name, text) in enumerate(LOCKS.items())})
    root = repo(files)
    run = fix(root)
    for i, name in enumerate(LOCKS):
        assert (root / f"{i}/requirements.txt").read_text() == (
            "# app\npandas==2.2.2  # dataframes\nrequests[socks]==2.32.3 ; python_version >= \"3.8\"\n"
            "Scikit_Learn==1.5.0\ntorch>=2\ngit+https://github.com/org/x.git@main#egg=x\n"
        ), name
        assert f"{i}/requirements.txt: pinned from {i}/{name}" in run.err
        assert f"{i}/requirements.txt:5: MLR501 `torch>=2`" in run.out  # the lock does not have it: left, reported


def test_a_lock_version_the_line_does_not_allow_or_two_locks_disagreeing_are_left(repo):
    root = repo({
        "requirements.txt": "pandas<2\nnumpy\n",
        "uv.lock": '[[package]]\nname = "pandas"\nversion = "2.2.2"\n[[package]]\nname = "numpy"\nversion = "1.26.4"\n',
        "poetry.lock": '[[package]]\nname = "numpy"\nversion = "2.0.0"\n',
    })
    fix(root)
    assert (root / "requirements.txt").read_text() == "pandas<2\nnumpy\n"


def test_pin_from_env_pins_to_the_installed_version_and_names_the_environment(repo):
    from importlib import metadata

    root = repo({"requirements.txt": "click>=7  # cli\nno-such-package-here\n"})
    refused = run_cli("--fix", "--pin-from-env", cwd=root)
    assert refused.code == 2 and "--pin-from-env is an unsafe fix" in refused.err
    run = fix(root, "--unsafe-fixes", "--pin-from-env")
    pinned = f"click=={metadata.version('click')}  # cli\nno-such-package-here\n"
    assert (root / "requirements.txt").read_text() == pinned
    assert f"pinned from the installed environment {sys.prefix}" in run.err


# Fix text for what only git can fix


def test_committed_files_get_the_exact_git_commands(repo):
    root = repo({"data/my data.csv": "a,b\n" + "1,2\n" * 20, ".gitignore": "x\n"})
    run = run_cli("--format", "json", "--no-cache", cwd=root)
    message = next(f["message"] for f in run.findings if f["rule"] == "committed-dataset")
    assert "`git rm --cached -- 'data/my data.csv'` (it stays on disk) and add `/data/my data.csv` to .gitignore" \
        in message
    assert "`git lfs track -- 'data/my data.csv'`" in message and "`dvc add 'data/my data.csv'`" in message
    (root / ".gitignore").write_text("/data/my data.csv\n")
    git(root, "rm", "-q", "--cached", "--", "data/my data.csv")  # the commands work as printed
    assert git(root, "status", "--porcelain", "--ignored", "data/") == 'D  "data/my data.csv"\n!! data/\n'
    assert (root / "data/my data.csv").exists()


# --fix-diff


def test_fix_diff_prints_masked_unified_diffs_and_writes_nothing(repo):
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    cell = dict(OUTPUT_CELL, outputs=[{"name": "stdout", "output_type": "stream", "text": [f"token {token}\n"]}])
    files = {"a.ipynb": nbformat_text(notebook(cell)), "requirements.txt": "pandas\n", ".gitignore": "x\n",
             "uv.lock": '[[package]]\nname = "pandas"\nversion = "2.2.2"\n'}
    root = repo(files)
    run = run_cli("--fix-diff", "--no-cache", cwd=root)
    assert run.code == 1
    assert "--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1 +1 @@\n-pandas\n+pandas==2.2.2\n" in run.out
    assert "--- a/a.ipynb\n+++ b/a.ipynb\n" in run.out and '-   "outputs": [\n' in run.out
    assert token not in run.out and "ghp_" in run.out  # masked, as every message is
    assert "+.ipynb_checkpoints/\n" in run.out  # the notebook asks for its checkpoints to be ignored
    assert "would fix 3 findings in 3 files" in run.err
    assert status(root) == ""  # nothing written
    clean = repo({"README.md": "# x\n", ".gitignore": "x\n"}, name="clean")
    assert run_cli("--fix-diff", cwd=clean).code == 0


# Safety


def test_fix_never_writes_through_a_symlink_and_keeps_modes(repo, tmp_path):
    outside = tmp_path / "outside.ipynb"
    outside.write_text(nbformat_text(notebook(OUTPUT_CELL)))
    root = repo({"real/a.ipynb": nbformat_text(notebook(OUTPUT_CELL)), "requirements.txt": "pandas\n",
                 "uv.lock": '[[package]]\nname = "pandas"\nversion = "2.2.2"\n'})
    os.symlink(outside, root / "link.ipynb")
    os.symlink("real", root / "linked")
    os.symlink("a.ipynb", root / "real" / "alias.ipynb")
    (root / "requirements.txt").chmod(0o640)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "links")
    before_outside = outside.read_text()
    run = fix(root)
    assert outside.read_text() == before_outside
    assert (root / "link.ipynb").is_symlink() and (root / "real" / "alias.ipynb").is_symlink()
    assert stat.S_IMODE((root / "requirements.txt").stat().st_mode) == 0o640
    assert (root / "requirements.txt").read_text() == "pandas==2.2.2\n"
    assert '"outputs": []' in (root / "real" / "a.ipynb").read_text()
    assert "Traceback" not in run.err
    assert sorted(p.name for p in root.rglob("*mlrepolint-fix*")) == []  # no temporary file left


def test_fix_with_json_output_reports_what_is_left(repo):
    root = repo({"requirements.txt": "pandas\ntorch\n", "uv.lock": '[[package]]\nname = "pandas"\nversion = "2"\n',
                 ".gitignore": "x\n"})
    run = run_cli("--fix", "--no-cache", "--format", "json", cwd=root)
    assert [(f["path"], f["line"]) for f in run.findings if f["rule"] == "unpinned-requirement"] == [
        ("requirements.txt", 2)]
    assert "mlrepolint: fixed 1 finding in 1 file," in run.err


def test_fix_flags_are_usage_errors_where_they_make_no_sense(repo):
    root = repo({"README.md": "# x\n"})
    for args, message in [
        (("--unsafe-fixes",), "--unsafe-fixes needs --fix"),
        (("--fix", "--fix-diff"), "give one"),
        (("--fix", "--write-baseline", "b.json"), "--write-baseline records findings: run it without --fix"),
        (("grade", "--fix", "."), "grade never changes the repositories it scores"),
    ]:
        run = run_cli(*args, cwd=root)
        assert run.code == 2 and message in run.err and "Traceback" not in run.err, (args, run.err)
    assert status(root) == ""


def test_hook_fix_fixes_only_the_named_files(repo):
    root = repo({"a.ipynb": nbformat_text(notebook(OUTPUT_CELL)), "b.ipynb": nbformat_text(notebook(OUTPUT_CELL)),
                 ".gitignore": "x\n", "data/train.csv": "a,b\n" + "1,2\n" * 20})
    run_cli("hook", "--fix", "--no-cache", "a.ipynb", cwd=root)
    assert git(root, "diff", "--name-only") == "a.ipynb\n"  # not b.ipynb, not .gitignore


# The unsafe fix: a script's work into main()

SCRIPT = '''#!/usr/bin/env python
"""Train a model."""
import json
import sys

LR = 0.5  # learning rate


def load(path):
    """Read the numbers."""
    with open(path) as f:
        return json.load(f)


# Load the data.
data = load(sys.argv[1] if len(sys.argv) > 1 else "data.json")
total = sum(data) * LR  # keep this comment

for x in data:
    print("x", x)
print("total", total)
'''


def run_python(root: Path, *args: str) -> str:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, check=True).stdout


def test_unsafe_fix_moves_the_work_into_main_and_the_script_behaves_the_same(repo):
    root = repo({"train.py": SCRIPT, "data.json": "[1, 2, 3]\n", ".gitignore": "x\n"})
    (root / "train.py").chmod(0o755)
    before = run_python(root, "train.py")
    safe = fix(root)
    assert (root / "train.py").read_text() == SCRIPT  # not a safe fix
    assert "more findings with --unsafe-fixes)" in safe.err
    run = fix(root, "--unsafe-fixes")
    fixed = (root / "train.py").read_text()
    assert fixed == SCRIPT.split("# Load the data.")[0] + '''def main():
    """Run the script (what used to run when the module was imported)."""
    # Load the data.
    data = load(sys.argv[1] if len(sys.argv) > 1 else "data.json")
    total = sum(data) * LR  # keep this comment

    for x in data:
        print("x", x)
    print("total", total)


if __name__ == "__main__":
    main()
'''
    assert run_python(root, "train.py") == before
    assert run_python(root, "-c", "import train; print('imported')") == "imported\n"  # importing does no work
    assert stat.S_IMODE((root / "train.py").stat().st_mode) == 0o755
    assert "MLR201" not in run.out and "MLR202" not in run.out
    assert "W293" not in run.out  # a blank line moved into main() is not indented
    assert "fixed" in run.err


REFUSALS = {
    "reads.py": ("\n\ndef report():\n    return total\n", "`total` is read by a function or class at module level"),
    "global.py": ("\n\ndef bump():\n    global LR\n    LR = 1\n", "has a `global` statement"),
    "all.py": ("\n__all__ = ['total']\n", "`__all__` exports `total`"),
    "star.py": ("\nfrom os.path import *\n", "is a star import"),
    "rebinds.py": ("\nLR = 0.1\n", "`LR` is bound again"),
    "shadows.py": ("\ntotal = 0\n", "`total` is bound by the moved work and at module level"),
    "dynamic.py": ("\nprint(globals())\n", "calls `globals()`"),
    "classes.py": ("\n\nclass Report:\n    value = total\n", "reads `total` when it runs"),
}


def test_unsafe_fix_refuses_moves_that_could_change_meaning(repo):
    root = repo({**{name: SCRIPT + extra for name, (extra, _) in REFUSALS.items()}, "data.json": "[1]\n"})
    run = fix(root, "--unsafe-fixes")
    for name, (extra, reason) in REFUSALS.items():
        assert (root / name).read_text() == SCRIPT + extra
        lines = [line for line in run.err.splitlines() if line.startswith(f"mlrepolint: warning: {name}: ")]
        assert len(lines) == 1 and "not moved into main(): " in lines[0] and reason in lines[0], (name, run.err)


def test_unsafe_fix_refuses_a_script_another_module_imports(repo):
    root = repo({"train.py": SCRIPT, "report.py": "from train import total\n", "data.json": "[1]\n"})
    fix(root, "--unsafe-fixes")
    assert (root / "train.py").read_text() == SCRIPT


def test_unsafe_fix_moves_later_statements_that_read_moved_names(repo):
    script = (
        'import json\n\nraw = json.load(open("d.json"))\nFEATURES = ["a"]\nrows = [r for r in raw if r]\n'
        'print(len(rows), FEATURES)\n'
    )
    root = repo({"run.py": script, "d.json": "[1, 0, 2]\n"})
    before = run_python(root, "run.py")
    fix(root, "--unsafe-fixes")
    fixed = (root / "run.py").read_text()
    assert fixed.startswith('import json\n\nFEATURES = ["a"]\n\n\ndef main():\n')
    assert "    rows = [r for r in raw if r]\n" in fixed
    assert run_python(root, "run.py") == before


def test_a_script_that_defines_main_and_calls_it_gets_the_guard_around_the_call(repo):
    script = 'import sys\n\n\ndef main():\n    """Run."""\n    print("ran", sys.argv[1:])\n\n\n# Go.\nmain()\n'
    root = repo({"job.py": script})
    before = run_python(root, "job.py")
    fix(root, "--unsafe-fixes")
    guarded = 'if __name__ == "__main__":\n    # Go.\n    main()\n'
    assert (root / "job.py").read_text() == script.replace("# Go.\nmain()\n", guarded)
    assert run_python(root, "job.py") == before
    assert run_python(root, "-c", "import job") == ""


def test_reports_say_which_findings_fix_can_fix(repo):
    root = repo({"a.ipynb": nbformat_text(notebook(OUTPUT_CELL)), "run.py": "import os\n\nos.listdir('.')\n",
                 ".gitignore": ".ipynb_checkpoints/\n"})
    text = " ".join(run_cli("--no-cache", cwd=root).out.split())
    assert "MLR303 notebook-with-outputs (1 finding): " in text
    assert "list tutorial folders in `allow`. (`mlrepolint --fix` can fix these.)" in text
    assert "(`mlrepolint --fix --unsafe-fixes` can fix these.)" in text  # missing-main-guard
    assert "MLR103" not in text or text.count("can fix these") == 3  # a rule without a fix says nothing
    sarif = json.loads(run_cli("--no-cache", "--format", "sarif", cwd=root).out)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["MLR303"]["properties"]["fixes"] == ["safe"]
    assert rules["MLR202"]["properties"]["fixes"] == ["unsafe"]
    assert "fixes" not in rules["MLR701"]["properties"]
    assert run_cli("rule", "MLR501").out.count("- Fixable: `--fix` (safe), `--fix --unsafe-fixes` (unsafe)") == 1


def test_unsafe_fix_keeps_what_runs_after_the_work_after_it(repo):
    script = (
        'import random\n\nrandom.seed(1)\nfirst = random.random()\n'
        'print("first", round(first, 6))\nrandom.seed(2)\nSCALE = 10\n'
        'print("second", round(random.random() * SCALE, 6))\n'
    )
    root = repo({"draw.py": script})
    before = run_python(root, "draw.py")
    fix(root, "--unsafe-fixes")
    fixed = (root / "draw.py").read_text()
    assert "\nSCALE = 10\n" in fixed and "    random.seed(2)\n" in fixed  # the constant stays, the call moves
    assert run_python(root, "draw.py") == before


def test_hostile_names_and_links_are_never_written_through_and_print_escaped(repo, tmp_path):
    outside = tmp_path / "their.gitignore"
    outside.write_text("mine\n")
    root = repo({"x\n+++ b/forged.ipynb": nbformat_text(notebook(OUTPUT_CELL)), "data/train.csv": "a\n" + "1\n" * 30})
    os.symlink(outside, root / ".gitignore")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "link")
    preview = run_cli("--fix-diff", "--no-cache", cwd=root)
    assert "--- a/x\\x0a+++ b/forged.ipynb\n" in preview.out and "\n+++ b/forged.ipynb\n" not in preview.out
    fix(root)
    assert outside.read_text() == "mine\n" and (root / ".gitignore").is_symlink()
    assert '"outputs": []' in (root / "x\n+++ b/forged.ipynb").read_text()
