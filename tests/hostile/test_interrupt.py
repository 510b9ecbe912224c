"""Ctrl-C: one line on stderr, exit 130, no traceback from the main process or any worker, no process left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import executable, make_git_repo

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not os.path.exists("/proc"), reason="POSIX signals, /proc")

MODULE = "def f{n}(x):\n    return [y for y in range(x) if y % 3]\n" * 150


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.fixture(scope="module")
def busy_repo(tmp_path_factory) -> Path:
    """Enough Python for a run of many seconds (flake8 on every file), so Ctrl-C lands in the middle of it."""
    root = tmp_path_factory.mktemp("interrupt") / "repo"
    return make_git_repo(root, {f"pkg/m{i}.py": MODULE.format(n=i) for i in range(300)})


@pytest.mark.parametrize(("jobs", "to_group"), [("1", False), ("2", False), ("2", True)],
                         ids=["one-process", "workers", "workers-whole-group"])
def test_ctrl_c_is_one_line_and_exit_130(busy_repo: Path, jobs: str, to_group: bool):
    proc = subprocess.Popen(
        [executable("mlrepolint"), "--no-cache", "--jobs", jobs, "."], cwd=busy_repo, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True, env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        # In one process: start-up done (imports take a fraction of this); with workers: the pool is up.
        while not (children(proc.pid) if jobs != "1" else cpu_seconds(proc.pid) >= 1.5):
            assert proc.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if to_group:  # what a terminal's Ctrl-C does: every process of the foreground group gets SIGINT
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert err == "mlrepolint: interrupted\n"
    for _ in range(100):  # the workers are gone too
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("processes of the run are still alive")
