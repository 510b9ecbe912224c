"""Time what a change of one file costs: a warm run after one edit against a warm run with nothing changed (both
PEP 8 backends), the pre-commit hook on one file against flake8 alone on it, start-up, and the flake8 plugin on a
save; all side by side in one run, with the issue-21 targets judged from paired CPU-time ratios.

    python benchmarks/interactive.py --repo PATH      # a repository mlrepolint may write its cache into, and whose
                                                      # file FILE it may edit: use a copy (`cp -a`), never a checkout
                                                      # you work in
    python benchmarks/interactive.py --repo PATH --file nemo/collections/asr/models/ctc_models.py --runs 7

Every command runs `--runs` times as a subprocess; the commands take turns, one run each per round, so two
commands of one round make a pair (see run.py). The rows:

- `warm` / `warm ruff`: mlrepolint with a warm cache and nothing changed, with the flake8 and the ruff backend;
- `edit` / `edit ruff`: the same after appending a comment line to FILE (a library module; the first Python file by
  default), whose modification time is then set 10 s back, as a file saved a moment before the run (the cache does
  not trust a stat younger than 2 s: see mlrepolint.cache);
- `hook`: `mlrepolint hook FILE`, what pre-commit runs on a commit of that one file, warm, against `flake8 FILE`
  without mlrepolint's plugin (`flake8_alone.py`);
- `version`, `one-file repo`: `mlrepolint --version`, and a warm `mlrepolint` in a repository holding FILE alone,
  against `python -c pass` + flake8's import (`python -c "import flake8.main.application"`, which is both);
- `flake8 save` / `flake8 save + plugin`: flake8 on FILE without and with mlrepolint's plugin (per save, in ms).

This is a measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ENV, Sample, medians, paired, python_files, run_once, tool  # noqa: E402  (a sibling file)

#: Seconds the edited file's modification time is set back: outside the cache's racy window.
SAVED_AGO = 10
Row = tuple[str, list[str], Path, Callable[[], None]]


def editor(path: Path) -> Callable[[], None]:
    """A change to `path` before each run: one more comment line, saved SAVED_AGO seconds ago."""
    count = [0]

    def change() -> None:
        count[0] += 1
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"# benchmark edit {count[0]}\n")
        past = time.time() - SAVED_AGO
        os.utime(path, (past, past))

    return change


def rows(root: Path, file: str, alone_repo: Path, jobs: str) -> list[Row]:
    """The rows, in the order they run in each round (an edit row before the warm row of its backend, so the
    warm row sees nothing changed)."""
    mlrepolint = tool("mlrepolint")
    flake8 = tool("flake8")
    quiet = ["-q", "--exit-zero", "--jobs", jobs]
    edit = editor(root / file)

    def nothing() -> None:
        pass

    found: list[Row] = [
        ("edit", [mlrepolint, *quiet, "."], root, edit),
        ("warm", [mlrepolint, *quiet, "."], root, nothing),
        ("hook", [mlrepolint, "hook", "-q", "--exit-zero", "--jobs", jobs, file], root, nothing),
        ("flake8 file", [sys.executable, str(HERE / "flake8_alone.py"), "--exit-zero", file], root, nothing),
    ]
    if tool("ruff"):
        ruff = [*quiet, "--pep8-backend", "ruff", "."]
        found[2:2] = [("edit ruff", [mlrepolint, *ruff], root, edit), ("warm ruff", [mlrepolint, *ruff], root, nothing)]
    found += [
        ("python", [sys.executable, "-c", "pass"], root, nothing),
        ("python + flake8 import", [sys.executable, "-c", "import flake8.main.application"], root, nothing),
        ("version", [mlrepolint, "--version"], root, nothing),
        ("one-file repo", [mlrepolint, "-q", "--exit-zero", Path(file).name], alone_repo, nothing),
    ]
    if flake8:
        found.append(("flake8 save + plugin", [flake8, "--exit-zero", file], root, nothing))
    return found


def one_file_repository(root: Path, file: str, into: Path) -> Path:
    """A git repository holding a copy of FILE alone (what a single-file run on a small project reads)."""
    into.mkdir(parents=True)
    shutil.copy(root / file, into / Path(file).name)
    subprocess.run(["git", "init", "-q"], cwd=into, check=True)
    subprocess.run(["git", "add", "."], cwd=into, check=True)
    past = time.time() - 60
    os.utime(into / Path(file).name, (past, past))
    return into


def main() -> None:
    """Prime the caches, time every row round by round, print the table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True,
                        help="a copy of the repository to measure (FILE in it is edited, its cache written)")
    parser.add_argument("--file", help="the Python file edited, hooked and saved (default: the first one listed)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is shown)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="processes, every tool")
    args = parser.parse_args()
    root = args.repo.resolve()
    file = args.file or python_files(root)[0]
    workdir = Path(tempfile.mkdtemp(prefix="mlrepolint-interactive-"))
    try:
        table = rows(root, file, one_file_repository(root, file, workdir / "alone"), str(args.jobs))
        for label, command, cwd, _ in table:  # prime every cache (two runs: the first one's stats are racy)
            if label in ("warm", "warm ruff", "hook", "one-file repo"):
                for _ in range(2):
                    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
                    time.sleep(2.1)
        samples: dict[str, list[Sample]] = {label: [] for label, *_ in table}
        for _ in range(args.runs):
            for label, command, cwd, before in table:
                before()
                samples[label].append(run_once(command, cwd))
        report(samples, root, file, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(samples: dict[str, list[Sample]], root: Path, file: str, args: argparse.Namespace) -> None:
    """The table of medians and the targets, each from the rounds' paired ratios (CPU time; wall beside it)."""
    results = medians(samples)
    print(f"# mlrepolint interactive benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
          f"at the end {os.getloadavg()[0]:.1f}")
    print(f"Tree: {root} ({len(python_files(root))} Python files); FILE: {file}")
    print(f"Command: python benchmarks/interactive.py {' '.join(sys.argv[1:])}")
    print(f"Runs: median of {args.runs}, commands taking turns; --jobs {args.jobs}\n")
    print("| command | wall s | CPU s | peak MB |\n| --- | --- | --- | --- |")
    for label, (wall, cpu, peak) in results.items():
        print(f"| {label} | {wall:.3f} | {cpu:.3f} | {peak:.0f} |")

    def ratio(what: str, numerator: str, denominator: str, limit: float) -> str:
        if numerator not in samples or denominator not in samples:
            return f"{what}: not measured (a tool is not installed)"
        wall, cpu = paired(samples, numerator, denominator)
        return f"{what}: {cpu:.2f}× CPU time — {'met' if cpu <= limit else 'NOT met'} (wall time: {wall:.2f}×)"

    print("\nTargets:")
    lines = [
        ratio("one file edited, default run ≤ 2× a warm run with nothing changed", "edit", "warm", 2.0),
        ratio("one file edited, ruff backend ≤ 2× its warm run with nothing changed", "edit ruff", "warm ruff", 2.0),
        ratio("pre-commit hook on one file ≤ 1.5× flake8 alone on that file", "hook", "flake8 file", 1.5),
        ratio("warm run, nothing changed: ruff backend ≤ 1.2× the flake8 backend's", "warm ruff", "warm", 1.2),
        ratio("`mlrepolint --version` ≤ 2× `python -c pass` + flake8's import", "version", "python + flake8 import",
              2.0),
        ratio("single-file run (a one-file repository, warm) ≤ 2× `python -c pass` + flake8's import",
              "one-file repo", "python + flake8 import", 2.0),
    ]
    if "flake8 save + plugin" in samples:
        extra = [a[1] - b[1] for a, b in zip(samples["flake8 save + plugin"], samples["flake8 file"])]
        ms = 1000 * statistics.median(extra)
        lines.append(f"flake8 plugin ≤ +30 ms per file over flake8 alone: {ms:+.0f} ms CPU time — "
                     f"{'met' if ms <= 30 else 'NOT met'}")
    for line in lines:
        print(f"- {line}")


if __name__ == "__main__":
    main()
