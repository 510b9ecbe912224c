"""Helpers for the hostile-input tests: run the real executable with a time bound and check what any run owes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Mapping

from conftest import Run, executable

#: Seconds any run on a small hostile repository may take (a hang used to be forever).
BOUND = 60


def run_bounded(*args: str, cwd: Path | str | None = None, env: Mapping[str, str] | None = None,
                timeout: float = BOUND, memory: int | None = None) -> Run:
    """`mlrepolint ARGS`, killed (and the test failed) after `timeout` seconds; `memory` caps its address space
    in bytes (Linux), so that a run that would read /dev/zero dies instead of filling the machine."""
    def limit() -> None:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    try:
        proc = subprocess.run(
            [executable("mlrepolint"), *args], cwd=cwd, env=full_env, capture_output=True, text=True,
            errors="surrogateescape", timeout=timeout, check=False, preexec_fn=limit if memory else None,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"mlrepolint {' '.join(args)} did not finish within {timeout} s") from None
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_sound(run: Run, codes: tuple[int, ...] = (0, 1)) -> Run:
    """No traceback anywhere, an expected exit code, and every stderr line one of ours."""
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err[-3000:]
    assert run.code in codes, (run.code, run.err[-3000:])
    for line in run.err.splitlines():
        assert line.startswith("mlrepolint: "), line
    return run


def lint_sound(root: Path, *args: str, **kwargs) -> dict:
    """`mlrepolint --format json --no-cache ARGS .` in root: sound, and its JSON report."""
    run = assert_sound(run_bounded("--format", "json", "--no-cache", *args, ".", cwd=root, **kwargs))
    return json.loads(run.out)


def paths_of(report: dict, code: str | None = None) -> set[str]:
    """The paths of the report's findings (of one code)."""
    return {f["path"] for f in report["findings"] if code is None or f["code"] == code}
