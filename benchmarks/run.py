"""Time mlrepolint against the `ast.parse` floor, flake8, pylint and ruff, side by side in one run.

    python benchmarks/run.py                      # a synthetic 3,000-module ML repository in a tmp dir
    python benchmarks/run.py --repo PATH          # any existing repository instead (read only; a warm run
                                                  # writes .mlrepolint_cache/ there, the one thing mlrepolint writes)

Every command runs `--runs` times as a subprocess, interpreter start-up included; the table shows medians, the
ratio to the all-cores floor and to each peer, and the peak memory of the largest process of the run (its worker
processes are of similar size). pylint is too slow for the whole tree on small machines: it runs on the first
`--pylint-files` Python files (0: all), and the table says so. Tools that are not installed are left out.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402  (a sibling file, not a package)


TIME = "/usr/bin/time"  # GNU time: reports its child's peak memory


def run_once(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, worker processes included) and the peak RSS in MB of the
    largest process, for one run of `command`.

    The peak comes from GNU time when it is installed: Linux counts the memory of the process that forked a
    command into the command's own peak, and this script is bigger than some of the commands it measures.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = [TIME, "-f", "%M", "-o", rss.name, *command] if os.path.exists(TIME) else command
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = 0  # reaped by wait4 above
        lines = rss.read().split()
        peak_kb = int(lines[-1]) if wrapped is not command and lines else usage.ru_maxrss  # KB on Linux
    return wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024


def measure(rows: list[tuple[str, list[str]]], cwd: Path, runs: int) -> dict[str, tuple[float, float, float]]:
    """Median wall and CPU seconds and the highest peak memory of each command. The commands take turns, one
    run each per round, so a change in the machine's load is spread over all of them rather than one."""
    samples: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _ in rows}
    for round_number in range(runs):
        for label, command in rows:
            if label.startswith("pylint") and round_number:
                continue  # one pylint run is enough to see the order of magnitude
            samples[label].append(run_once(command, cwd))
            seconds = samples[label][-1][0]
            print(f"  round {round_number + 1}: {label}: {seconds:.2f} s", file=sys.stderr, flush=True)  # noqa: MLR801
    return {
        label: (statistics.median(s[0] for s in got), statistics.median(s[1] for s in got), max(s[2] for s in got))
        for label, got in samples.items()
    }


def tool(name: str) -> str | None:
    """The tool next to this interpreter (the same virtualenv), else on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def python_files(root: Path) -> list[str]:
    """The Python files mlrepolint lints, listed the way it lists them."""
    from mlrepolint.engine import locate
    from mlrepolint.repo import RepoView

    top, is_git = locate([root])
    return [f.path for f in RepoView.open(top, is_git).files if f.path.endswith(".py")]


def main() -> None:
    """Generate or take the repository, time every command, print the table and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, help="benchmark this repository instead of a synthetic one")
    parser.add_argument("--modules", type=int, default=3000, help="Python modules in the synthetic repository")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="runs per command (the median is shown)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="processes, all tools")
    parser.add_argument("--pylint-files", type=int, default=200, help="pylint runs on this many files (0: all)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="mlrepolint-bench-"))
    if args.repo:
        root = args.repo.resolve()
        what = f"repository {root}"
    else:
        started = time.perf_counter()
        root = generate(workdir / "repo", args.modules, args.seed)
        took = time.perf_counter() - started
        what = f"synthetic repository, {args.modules} modules, seed {args.seed} ({took:.0f} s to generate)"
    files = python_files(root)
    listing = workdir / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    lines = sum(1 for path in files for _ in open(root / path, "rb"))
    jobs = str(args.jobs)
    mlrepolint = tool("mlrepolint")
    floor = [sys.executable, str(HERE / "floor.py"), str(listing)]
    quiet = ["-q", "--exit-zero", "--jobs", jobs]

    rows: list[tuple[str, list[str]]] = [
        ("ast.parse floor, 1 process", floor + ["1"]),
        (f"ast.parse floor, {jobs} processes", floor + [jobs]),
        ("mlrepolint --no-cache --select MLR", [mlrepolint, "--no-cache", "--select", "MLR", *quiet, "."]),
        ("mlrepolint --no-cache (default run)", [mlrepolint, "--no-cache", *quiet, "."]),
        ("mlrepolint, warm cache", [mlrepolint, *quiet, "."]),
    ]
    flake8, pylint, ruff = tool("flake8"), tool("pylint"), tool("ruff")
    if flake8:
        rows.append((f"flake8 --jobs {jobs} .", [flake8, "--jobs", jobs, "--exit-zero", "."]))
    if ruff:
        for codes in ("E,W,F", "E,W,F,D"):
            command = [ruff, "check", "--no-cache", "--exit-zero", "--output-format", "concise", "--select", codes, "."]
            rows.append((f"ruff check --select {codes}", command))
    subset = files if args.pylint_files <= 0 else files[: args.pylint_files]
    if pylint:
        label = f"pylint --jobs {jobs} ({len(subset)} of {len(files)} files)"
        rows.append((label, [pylint, "--jobs", jobs, "--exit-zero", "--disable=import-error", *subset]))

    # Prime the cache for the warm run (its own files must be older than the cache's racy window: wait it out).
    time.sleep(2.1)
    subprocess.run([mlrepolint, *quiet, "."], cwd=root, stdout=subprocess.DEVNULL, check=False)

    results = measure(rows, root, args.runs)

    floor_n = results[rows[1][0]][0]
    peers = {name: results[label][0] for name, label in (
        ("flake8", f"flake8 --jobs {jobs} ."), ("ruff", "ruff check --select E,W,F")) if label in results}
    print(f"# mlrepolint benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"Tree: {what}: {len(files)} Python files, {lines} lines")
    print(f"Command: python benchmarks/run.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"Runs: median of {args.runs}, commands taking turns (pylint: 1 run); --jobs {jobs} for every tool\n")
    header = "| command | wall s | CPU s | × floor (1 proc) | × floor (all) | " + " | ".join(f"× {p}" for p in peers)
    print(header + " | peak MB |")
    print("|" + " --- |" * (header.count("|") + 1))
    for label, _ in rows:
        seconds, cpu, peak = results[label]
        ratios = " | ".join(f"{seconds / v:.2f}" for v in peers.values())
        floor_1 = results[rows[0][0]][0]
        floors = f"{seconds / floor_1:.2f} | {seconds / floor_n:.2f}"
        print(f"| {label} | {seconds:.2f} | {cpu:.2f} | {floors} | {ratios} | {peak:.0f} |")

    own, default, warm = (results[rows[i][0]][0] for i in (2, 3, 4))
    peak = max(results[rows[i][0]][2] for i in (2, 3, 4))
    print("\nTargets:")
    met = "met" if own <= 1.5 * floor_n else "NOT met"
    print(f"- own rules cold ≤ 1.5× all-cores floor: {own / floor_n:.2f}× — {met}")
    if "flake8" in peers:
        ratio = default / peers["flake8"]
        print(f"- default run ≤ 1.15× flake8: {ratio:.2f}× — {'met' if ratio <= 1.15 else 'NOT met'}"
              " (meaningful only once the default run includes the flake8 wrapper)")
    print(f"- warm run ≤ 0.5 s: {warm:.2f} s — {'met' if warm <= 0.5 else 'NOT met'}; "
          f"≤ 10 % of cold: {100 * warm / default:.0f} % — {'met' if warm <= 0.1 * default else 'NOT met'}")
    print(f"- peak memory ≤ 300 MB (largest process): {peak:.0f} MB — {'met' if peak <= 300 else 'NOT met'}")
    if not args.repo:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
