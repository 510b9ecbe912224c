"""Helpers for running the tools mlrepolint plugs into (flake8, pylint, pre-commit) as real executables."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def tool(name: str) -> str:
    """The executable installed next to this Python (the test venv), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def run_tool(name: str, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a tool in a subprocess, as a user would, capturing text output."""
    return subprocess.run(
        [tool(name), *args], cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
