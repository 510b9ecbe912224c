"""The ruff backend on its own codes (`--select E,W,F`, no file parsed) and in a whole run: the same findings,
line counts and score either way, whatever `--jobs`, and ruff's output read exactly or warned about."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from conftest import run_cli

needs_ruff = pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")

DOC = '"""Module."""\n'
LONG = "X = '" + "a" * 100 + "'\n"
FILES = {
    "train.py": DOC + "import os\nY = 1  \n" + LONG,  # F401, W291, E501: 4 lines
    "broken.py": "def f(:\n    pass\n" + LONG,  # a syntax error: ruff's long line there is dropped: 3 lines
    "latin.py": b"\xff\xfe not utf-8\n",  # undecodable: ruff's E902, no lines
    "suppressed.py": "import sys  # noqa: F401\n# mlrepolint: disable=ruff-e501\n" + LONG,  # 3 lines
    "feeds.py": DOC + "\x0cA = 1\rB = 2\n",  # str.splitlines: \f and \r end lines too: 4 lines
    "data dir/we:ird name.py": "import json\n",  # a path ruff prints with spaces and a colon: 1 line
}
LINES = 4 + 3 + 3 + 4 + 1
#: The files beyond this many run in worker processes (see workers.FILES_PER_WORKER) when files are parsed.
PADDING = {f"pkg/mod_{i:02d}.py": DOC + f"import os\nVALUE_{i} = {i}\n" for i in range(40)}


def pep8_row(run) -> dict:
    return next(r for c in run.json["categories"] for r in c["rules"] if r["rule"] == "pep8")


def ruff_locations(run) -> list[tuple[str, str, int | None]]:
    return [(f["code"], f["path"], f["line"]) for f in run.findings if f["source"] == "ruff"]


@needs_ruff
def test_pep8_only_run_reports_ruffs_findings_and_counts_every_decodable_files_lines(repo):
    root = repo(FILES)
    run = run_cli("--format", "json", "--no-cache", "--pep8-backend", "ruff", "--select", "E,W,F", ".", cwd=root)
    assert run.json["warnings"] == []
    assert run.locations() == [
        ("F401", "data dir/we:ird name.py", 1),
        ("E902", "latin.py", 1),
        ("F401", "train.py", 2),
        ("W291", "train.py", 3),
        ("E501", "train.py", 4),
    ]
    assert {"code": "E501", "rule": "ruff-e501", "category": "code-quality", "severity": "warning",
            "source": "ruff", "path": "train.py", "line": 4, "column": 80,
            "message": "Line too long (106 > 79)"} in run.findings  # no configuration: flake8's 79, as flake8
    assert (pep8_row(run)["findings"], pep8_row(run)["examined"]) == (5, LINES)


@needs_ruff
def test_pep8_only_run_matches_a_whole_run_and_does_not_depend_on_jobs(repo):
    root = repo({**FILES, **PADDING})
    pep8_only = ["--format", "json", "--no-cache", "--pep8-backend", "ruff", "--select", "E,W,F", "."]
    one, two = (run_cli(*pep8_only, "--jobs", jobs, cwd=root) for jobs in ("1", "2"))
    assert one.out == two.out and one.code == two.code
    whole = run_cli("--format", "json", "--no-cache", "--pep8-backend", "ruff", "--jobs", "2", ".", cwd=root)
    assert ruff_locations(whole) == ruff_locations(one)  # parsing the files changes nothing ruff reports
    same = ("findings", "examined", "score")  # nor the PEP 8 rate's line count (its cost depends on the rest)
    assert [pep8_row(whole)[key] for key in same] == [pep8_row(one)[key] for key in same]
    assert pep8_row(one)["examined"] == LINES + 3 * len(PADDING)


@needs_ruff
def test_syntax_error_is_parse_error_and_ruff_still_checks_the_other_files(repo):
    root = repo(FILES)
    run = run_cli("--format", "json", "--pep8-backend", "ruff", "--select", "E,W,F,MLR001", ".", cwd=root)
    assert run.locations("MLR001") == [("MLR001", "broken.py", 1), ("MLR001", "latin.py", 1)]
    # As with flake8, a file that does not parse gets no PEP 8 findings: parse-error stands for its problems.
    assert [loc for loc in ruff_locations(run) if loc[1] == "broken.py"] == []
    assert ("F401", "train.py", 2) in ruff_locations(run)
    assert pep8_row(run)["examined"] == LINES


@needs_ruff
def test_findings_are_ruffs_own(repo):
    """In a project that configures ruff, what mlrepolint reports is what `ruff check --output-format json` says,
    but for syntax errors (ruff's `invalid-syntax`, which is mlrepolint's parse-error, and the rest of that file's
    findings) and what mlrepolint's own comments suppress."""
    root = repo({**FILES, **PADDING, "ruff.toml": "[lint]\nextend-ignore = []\n"})
    run = run_cli("--format", "json", "--no-cache", "--pep8-backend", "ruff", ".", cwd=root)
    from ruff import find_ruff_bin

    files = sorted(p for p in [*FILES, *PADDING] if p != "suppressed.py")
    proc = subprocess.run(
        [str(find_ruff_bin()), "check", "--output-format", "json", "--no-cache", "--exit-zero", "--select", "E,W,F",
         "--", *files], cwd=root, capture_output=True, text=True, check=True,
    )
    expected = sorted(
        (os.path.relpath(item["filename"], root.resolve()), item["location"]["row"],
         item["location"]["column"], item["code"], item["message"])
        for item in json.loads(proc.stdout) if item["code"] != "invalid-syntax" and "broken" not in item["filename"]
    )
    got = sorted(
        (f["path"], f["line"], f["column"], f["code"], f["message"])
        for f in run.findings if f["source"] == "ruff" and f["path"] != "suppressed.py"
    )
    assert got == expected and len(got) > len(PADDING)
    assert run.locations("MLR001") == [("MLR001", "broken.py", 1), ("MLR001", "latin.py", 1)]


@needs_ruff
def test_forced_colours_do_not_get_into_the_findings(repo):
    root = repo(FILES)
    env = {"FORCE_COLOR": "1", "CLICOLOR_FORCE": "1", "NO_COLOR": ""}
    run = run_cli("--format", "json", "--pep8-backend", "ruff", "--select", "E,W,F", ".", cwd=root, env=env)
    assert run.json["warnings"] == [] and ("F401", "train.py", 2) in run.locations()


@pytest.mark.parametrize("output, warning", [
    ("Found 3 errors.\n", "unexpected output 'Found 3 errors.'"),
    ("train.py:2: F401 no column\n", "unexpected output 'train.py:2: F401 no column'"),
])
def test_output_that_does_not_read_as_findings_is_a_warning(repo, tmp_path, output, warning):
    root = repo(FILES)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ruff"  # found on PATH when the ruff package cannot be imported
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({output!r})\n")
    fake.chmod(0o755)
    shadow = tmp_path / "shadow" / "ruff"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no ruff here')\n")
    env = {"PYTHONPATH": str(shadow.parent), "PATH": f"{bin_dir}:/usr/bin:/bin"}
    run = run_cli("--format", "json", "--pep8-backend", "ruff", "--select", "E,W,F", ".", cwd=root, env=env)
    assert run.code == 0 and run.findings == []
    assert run.json["warnings"] == [f"ruff failed, so the PEP 8 checks are incomplete: {warning}"]


@needs_ruff
def test_pep8_only_run_from_the_cache_is_the_same_and_sees_an_edit(repo):
    root = repo(FILES)
    args = ["--format", "json", "--pep8-backend", "ruff", "--select", "E,W,F", "."]
    cold, warm = run_cli(*args, cwd=root), run_cli(*args, cwd=root)
    assert warm.out == cold.out and pep8_row(warm)["examined"] == LINES
    (root / "train.py").write_text(DOC + "Y = 1\n")
    edited = run_cli(*args, cwd=root)
    assert [loc for loc in edited.locations() if loc[1] == "train.py"] == []
    assert pep8_row(edited)["examined"] == LINES - 2


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\nb", "\n\n", "a\r\nb", "a\rb\n", "x\x0cy\n", "a\x85b", "\u2028"])
def test_line_count_is_the_number_of_lines_python_splits(text):
    from mlrepolint.source import line_count

    assert line_count(text) == len(text.splitlines())


@needs_ruff
@pytest.mark.parametrize("select", [("--select", "E,W,F"), ("--select", "MLR101,E,W,F")])
def test_suppression_comments_hold_for_ruff_findings_in_cold_and_warm_runs(repo, select):
    root = repo({
        "plain.py": DOC + "import os\n",
        "upper.py": DOC + "import os  # NOQA: F401\n",
        "whole.py": "# MLREPOLINT: nothing\n# mlrepolint: disable=ruff-f401\nimport os\n",
    })
    cold, warm = (run_cli("--format", "json", "--pep8-backend", "ruff", *select, ".", cwd=root) for _ in range(2))
    for run in (cold, warm):
        assert ruff_locations(run) == [("F401", "plain.py", 2)]
