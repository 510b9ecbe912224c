"""Files the user names that cannot be written or read: one line on stderr, exit 2, no traceback."""

from __future__ import annotations

import json

import pytest
from robustness import assert_sound, run_bounded

SCRIPT = "print(1)\n"


@pytest.mark.parametrize("args", [
    ("-o", "missing/report.txt"),
    ("--format", "json", "--output", "missing/report.json"),
    ("--output-format", "sarif:missing/report.sarif"),
    ("--write-baseline", "missing/baseline.json"),
    ("-o", "/dev/full"),
], ids=["output", "json-output", "output-format", "write-baseline", "disk-full"])
def test_an_unwritable_output_is_one_line_and_exit_2(repo, args):
    root = repo({"train.py": SCRIPT})
    run = assert_sound(run_bounded("--no-cache", *args, ".", cwd=root), codes=(2,))
    *warnings, error = run.err.splitlines()
    assert all(line.startswith("mlrepolint: warning: ") for line in warnings)
    assert error.startswith("mlrepolint: error: cannot write ")


def test_grade_to_an_unwritable_output_is_exit_2(repo):
    root = repo({"train.py": SCRIPT})
    run = assert_sound(run_bounded("grade", "-o", str(root / "missing" / "table.txt"), str(root)), codes=(2,))
    assert run.err.startswith("mlrepolint: error: cannot write ") and len(run.err.splitlines()) == 1


BASELINES = {
    "not-json": b"{not json",
    "not-utf8": b'{"version": 1, "entries": [{"path": "\xff"}]}',
    "nesting-bomb": b"[" * 100_000,
    "a-list": b"[]",
    "wrong-version": b'{"version": 99, "entries": []}',
    "entry-not-object": b'{"version": 1, "entries": [1]}',
    "entry-missing-key": b'{"version": 1, "entries": [{"path": "a.py"}]}',
    "entry-wrong-types": b'{"version": 1, "entries": [{"path": [], "code": {}, "hash": 1, "count": "x"}]}',
    "negative-count": b'{"version": 1, "entries": [{"path": "a", "code": "MLR101", "hash": "h", "count": -1}]}',
}


@pytest.mark.parametrize("case", sorted(BASELINES))
def test_a_malformed_baseline_is_one_line_and_exit_2(repo, case):
    root = repo({"train.py": SCRIPT, "baseline.json": BASELINES[case]})
    run = assert_sound(run_bounded("--no-cache", "--baseline", "baseline.json", ".", cwd=root), codes=(2,))
    assert len(run.err.splitlines()) == 1
    assert run.err.startswith("mlrepolint: error: cannot read baseline baseline.json: ")


def test_a_written_baseline_still_reads(repo):
    root = repo({"train.py": SCRIPT})
    assert_sound(run_bounded("--no-cache", "--write-baseline", "b.json", ".", cwd=root))
    run = assert_sound(run_bounded("--no-cache", "--format", "json", "--baseline", "b.json", ".", cwd=root))
    assert json.loads(run.out)["findings"] == []
