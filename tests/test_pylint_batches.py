"""pylint in batches of files, each in a process of its own: the findings are those of one run over all files."""

from __future__ import annotations

from conftest import run_cli

BATCH_SIZE = "MLREPOLINT_PYLINT_FILES_PER_PROCESS"
BLOCK = (
    "def shared(values):\n"
    '    """Shared."""\n'
    "    total = 0\n"
    "    for value in values:\n"
    "        if value > 3:\n"
    "            total += value * 2\n"
    "        else:\n"
    "            total -= value\n"
    "    return total\n"
)
FILES = {
    # a and b import each other (cyclic-import) and hold the same block (duplicate-code), each in its own batch
    # when a batch is one file; c has a per-file finding (unused-import) after the boundary.
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/a.py": '"""A."""\nfrom pkg import b\n\n\n' + BLOCK + "\n\nUSE = b\n",
    "pkg/b.py": '"""B."""\nfrom pkg import a\n\n\n' + BLOCK + "\n\nUSE = a\n",
    "pkg/c.py": '"""C."""\nimport os\n',
}


def pylint_findings(root, env):
    run = run_cli("--format", "json", "--with", "pylint", "--select", "R0801,R0401,W0611", ".", cwd=root, env=env)
    assert run.json["warnings"] == []
    return sorted((f["code"], f["path"], f["line"], f["message"]) for f in run.findings)


def test_findings_are_the_same_across_batch_boundaries(repo):
    root = repo(FILES)
    one_batch = pylint_findings(root, {})
    assert [(code, path) for code, path, _, _ in one_batch] == [
        ("R0401", "pkg/c.py"), ("R0801", "pkg/c.py"), ("W0611", "pkg/c.py"),
    ]  # pylint reports its cross-file messages on the last file it linted
    assert one_batch[0][3] == "Cyclic import (pkg.a -> pkg.b)"
    assert one_batch[1][3].startswith("Similar lines in 2 files\n==pkg.a:[6:15]\n==pkg.b:[6:15]\n")
    for size in ("1", "2"):  # every file in a batch of its own; then two batches, a in the first and b in the second
        assert pylint_findings(root, {BATCH_SIZE: size}) == one_batch, size


def test_a_file_pylint_cannot_parse_does_not_stop_the_later_batches(repo):
    root = repo({**FILES, "pkg/broken.py": "def broken(:\n", "pkg/d.py": '"""D."""\nimport os\n'})
    run = run_cli("--format", "json", "--with", "pylint", "--select", "W0611,parse-error", ".", cwd=root,
                  env={BATCH_SIZE: "1"})
    assert run.json["warnings"] == []
    assert run.locations("W0611") == [("W0611", "pkg/c.py", 2), ("W0611", "pkg/d.py", 2)]
    assert [f["path"] for f in run.findings if f["rule"] == "parse-error"] == ["pkg/broken.py"]


def test_options_pylint_rejects_are_one_warning_and_the_rest_of_the_run_goes_on(repo):
    root = repo({**FILES, "pyproject.toml": "[tool.mlrepolint.pylint]\nmax-line-length = 'wide'\n"})
    run = run_cli("--format", "json", "--with", "pylint", ".", cwd=root, env={BATCH_SIZE: "1"})
    assert run.json["warnings"] == [
        "pylint failed, so its checks did not run: pylint: error: argument --max-line-length: invalid int value: "
        "'wide'"
    ]
    assert {f["source"] for f in run.findings} == {"mlrepolint", "flake8"}
