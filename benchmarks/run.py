"""Time mlrepolint against the `ast.parse` floor, flake8, pylint and ruff, side by side in one run, and check
the project's speed targets against them.

    python benchmarks/run.py                      # a synthetic 3,000-module ML repository in a tmp dir
    python benchmarks/run.py --repo PATH          # any existing repository instead (read only; a warm run
                                                  # writes .mlrepolint_cache/ there, the one thing mlrepolint writes)

Every command runs `--runs` times as a subprocess, interpreter start-up included; the table shows medians, the
ratio to the all-cores floor and to each peer, and the peak memory of the largest process of the run (its worker
processes are of similar size). The rows: the floor in 1 and in all processes; mlrepolint's own rules, its default
run (own rules + flake8's pycodestyle and pyflakes) and a warm run; with the ruff backend on ruff's codes E,W,F and
as a whole default run; flake8 without mlrepolint's flake8 plugin (`flake8_alone.py`: the peer, since wherever
mlrepolint is installed a plain `flake8` runs that plugin too) and plain `flake8` with it, over the tree and on its
first Python file alone (what an editor runs on each save); `ruff check` with the ruff backend's own arguments (its
peer) and on E,W,F,D; pylint, which is too slow for the whole tree on small machines: it runs on the first
`--pylint-files` Python files (0: all), and the table says so. Tools that are not installed are left
out, and the targets that need them are reported as not measured; `--only` times a few rows alone. The
"Targets:" block gives every speed target (see RESULTS.md) as measured in this run, met or NOT met (the warm-run
and memory targets are set for a 3,000-file tree): each ratio is the median of the rounds' own ratios (the two
commands of one round ran minutes apart at most, as in alternating them by hand), judged by CPU time, steadier than
wall time on a shared machine. This is a measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import importlib.util
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


#: The timed commands' environment: this one, except that Python may write bytecode caches (as an installed
#: package has them), or an editable install would compile every module on every run.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
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
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        _, _, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = 0  # reaped by wait4 above
        lines = rss.read().split()
        peak_kb = int(lines[-1]) if wrapped is not command and lines else usage.ru_maxrss  # KB on Linux
    return wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024


Sample = tuple[float, float, float]  # wall seconds, CPU seconds, peak MB of one run


def measure(rows: list[tuple[str, list[str]]], cwd: Path, runs: int) -> dict[str, list[Sample]]:
    """Every run of each command, round by round. The commands take turns, one run each per round, so a change in
    the machine's load is spread over all of them rather than one, and two commands of one round make a pair."""
    samples: dict[str, list[Sample]] = {label: [] for label, _ in rows}
    for round_number in range(runs):
        for label, command in rows:
            if (label.startswith("pylint") or "--with pylint" in label) and round_number:
                continue  # one pylint run is enough to see the order of magnitude
            samples[label].append(run_once(command, cwd))
            seconds = samples[label][-1][0]
            print(f"  round {round_number + 1}: {label}: {seconds:.2f} s", file=sys.stderr, flush=True)  # noqa: MLR801
    return samples


def medians(samples: dict[str, list[Sample]]) -> dict[str, Sample]:
    """Median wall and CPU seconds and the highest peak memory of each command."""
    return {
        label: (statistics.median(s[0] for s in got), statistics.median(s[1] for s in got), max(s[2] for s in got))
        for label, got in samples.items()
    }


def paired(samples: dict[str, list[Sample]], numerator: str, denominator: str) -> tuple[float, float]:
    """The median over rounds of each round's ratio, wall and CPU: what alternating the two commands by hand
    measures. A ratio of medians would pair one round's numerator with another round's denominator, and on a
    loaded machine the rounds differ more than the commands."""
    pairs = list(zip(samples[numerator], samples[denominator]))
    return (statistics.median(a[0] / b[0] for a, b in pairs), statistics.median(a[1] / b[1] for a, b in pairs))


def tool(name: str) -> str | None:
    """The tool next to this interpreter (the same virtualenv), else on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def python_files(root: Path, suffix: str = ".py") -> list[str]:
    """The Python files (or, with `.ipynb`, the notebooks) mlrepolint lints, listed the way it lists them."""
    from mlrepolint.engine import locate
    from mlrepolint.repo import RepoView

    top, is_git = locate([root])
    return [f.path for f in RepoView.open(top, is_git).files if f.path.endswith(suffix)]


def flake8_plugins(command: list[str]) -> str:
    """What `flake8 --version` lists (its plugins and their versions), through `command`; stops if it fails."""
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} --version failed: {done.stderr.strip() or done.returncode}")
    return " ".join(done.stdout.split())


def flake8_rows(jobs: str, one_file: str) -> list[tuple[str, str, list[str]]]:
    """flake8 without mlrepolint's plugin (the peer) and, when that plugin is installed, flake8 with it, over the
    tree and on `one_file` alone (what an editor runs on each save); each checked with `--version` to list what it
    should, so a row never measures something other than its label."""
    options = ["--jobs", jobs, "--exit-zero", "."]
    if importlib.util.find_spec("flake8") is None:
        return []
    alone = [sys.executable, str(HERE / "flake8_alone.py")]
    listed = flake8_plugins(alone)
    if "mlrepolint" in listed or "pycodestyle" not in listed or "pyflakes" not in listed:
        raise SystemExit(f"flake8_alone.py runs the wrong plugins: {listed}")
    rows = [("flake8", f"flake8 --jobs {jobs} . (without mlrepolint's plugin)", alone + options),
            ("flake8 save", "flake8 on one file (without mlrepolint's plugin)", [*alone, "--exit-zero", one_file])]
    flake8 = tool("flake8")
    if flake8 and "mlrepolint" in flake8_plugins([flake8]):
        rows.append(("flake8 + plugin", f"flake8 --jobs {jobs} . (with mlrepolint's plugin)", [flake8, *options]))
        rows.append(("flake8 save + plugin", "flake8 on one file (with mlrepolint's plugin)",
                     [flake8, "--exit-zero", one_file]))
    else:
        note = f"{flake8 or 'flake8'} does not run mlrepolint's plugin: the plugin target is not measured"
        print(note, file=sys.stderr)  # noqa: MLR801  (the benchmark's progress channel, as in measure())
    return rows


def backend_arguments(root: Path) -> list[str]:
    """The `ruff check` arguments mlrepolint's ruff backend uses on `root`, with its default settings."""
    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView
    from mlrepolint.rules.wrapped.ruff import arguments

    return arguments(RepoView(root, (), is_git=True), Settings()) or ["check", "--select", "E,W,F"]


def commands(
    root: Path, files: list[str], listing: Path, jobs: str, pylint_files: int,
) -> tuple[list[tuple[str, list[str]]], dict[str, str]]:
    """The rows to time, in the order of the table, as (label, command), and the label of each row the targets
    use, by a short name. Tools that are not installed have no rows."""
    mlrepolint = tool("mlrepolint")
    floor = [sys.executable, str(HERE / "floor.py"), str(listing)]
    quiet = ["-q", "--exit-zero", "--jobs", jobs]
    cold = [mlrepolint, "--no-cache", *quiet]
    ruff_codes = "E,W,F"
    named_rows = [
        ("floor 1", "ast.parse floor, 1 process", floor + ["1"]),
        ("floor", f"ast.parse floor, {jobs} processes", floor + [jobs]),
        ("own", "mlrepolint --no-cache --select MLR", [*cold, "--select", "MLR", "."]),
        ("default", "mlrepolint --no-cache (default run)", [*cold, "."]),
        ("warm", "mlrepolint, warm cache", [mlrepolint, *quiet, "."]),
    ]
    ruff, pylint = tool("ruff"), tool("pylint")
    if ruff:
        named_rows += [
            ("own ruff", f"mlrepolint --no-cache --pep8-backend ruff --select {ruff_codes}",
             [*cold, "--pep8-backend", "ruff", "--select", ruff_codes, "."]),
            ("default ruff", "mlrepolint --no-cache --pep8-backend ruff (default run, ruff backend)",
             [*cold, "--pep8-backend", "ruff", "."]),
        ]
    named_rows += flake8_rows(jobs, files[0])
    if ruff:
        # The peer of the ruff backend: ruff itself with the arguments the backend gives it for this tree (for a
        # tree without ruff configuration, flake8's checks translated: E, W, F and pycodestyle's preview checks).
        same = [ruff, *backend_arguments(root), "--", "."]
        named_rows.append(("ruff", "ruff check, with the ruff backend's arguments (E,W,F as flake8 checks them)", same))
        command = [ruff, "check", "--no-cache", "--exit-zero", "--output-format", "concise", "--select", "E,W,F,D", "."]
        named_rows.append(("ruff D", "ruff check --select E,W,F,D", command))
    subset = files if pylint_files <= 0 else files[:pylint_files]
    if pylint:
        named_rows.append(("with pylint", f"mlrepolint --no-cache --with pylint ({len(subset)} of {len(files)} files)",
                           [*cold, "--with", "pylint", *subset]))
        label = f"pylint --jobs {jobs} ({len(subset)} of {len(files)} files)"
        named_rows.append(("pylint", label, [pylint, "--jobs", jobs, "--exit-zero", "--disable=import-error", *subset]))
    return [(label, command) for _, label, command in named_rows], {name: label for name, label, _ in named_rows}


def targets(
    samples: dict[str, list[Sample]], results: dict[str, Sample], named: dict[str, str], files: int, selects: bool,
) -> list[str]:
    """One line per speed target: the figure, and met / NOT met / not measured. Ratios are paired (see `paired`)
    and judged by CPU time, steadier than wall time on a shared machine; the wall-time ratio is shown beside it.
    `selects`: the tree's flake8 settings select their own codes (the default-run target is then 0.6×, else 0.9×).
    """
    seconds = {name: results[label][0] for name, label in named.items()}

    def ratio(what: str, numerator: str, denominator: str, limit: float, missing: str) -> str:
        if numerator not in named or denominator not in named:
            return f"{what}: not measured ({missing}, or the row was not timed)"
        wall, cpu = paired(samples, named[numerator], named[denominator])
        return f"{what}: {cpu:.2f}× CPU time — {'met' if cpu <= limit else 'NOT met'} (wall time: {wall:.2f}×)"

    def peak(what: str, labels: list[str], limit: float) -> str:
        if not labels:
            return f"{what}: not measured (no such row)"
        heaviest = max(labels, key=lambda label: results[label][2])
        value = results[heaviest][2]
        return f"{what}: {value:.0f} MB in `{heaviest}` — {'met' if value <= limit else 'NOT met'}"

    size = "" if files == 3000 else f"; the target is for 3,000 files, this tree has {files}"
    found = [
        ratio("own rules, cold, all cores ≤ 1.5× the all-cores floor", "own", "floor", 1.5, "no floor"),
        ratio(f"default run, cold ≤ {0.6 if selects else 0.9}× flake8 without mlrepolint's plugin (0.6× where the "
              "tree's flake8 settings select their codes, 0.9× with flake8's default selection)", "default", "flake8",
              0.6 if selects else 0.9, "flake8 is not installed"),
        ratio("ruff backend, --select E,W,F ≤ 2× `ruff check` with the same arguments", "own ruff", "ruff", 2.0,
              "ruff is not installed"),
    ]
    if "warm" in named and "default" in named:
        warm, cold = seconds["warm"], seconds["default"]
        found.append(
            f"warm run, nothing changed ≤ 0.5 s: {warm:.2f} s — {'met' if warm <= 0.5 else 'NOT met'}{size}; "
            f"≤ 10 % of the cold default run: {100 * warm / cold:.0f} % — {'met' if warm <= 0.1 * cold else 'NOT met'}"
        )
    ours = [named[name] for name in ("own", "default", "warm", "own ruff", "default ruff") if name in named]
    return [
        *found,
        ratio("flake8 plugin: flake8 with mlrepolint's plugin ≤ 1.1× flake8 without it", "flake8 + plugin", "flake8",
              1.1, "flake8, or mlrepolint's plugin in it, is not installed"),
        ratio("flake8 plugin on one file (a save): ≤ 1.25× flake8 without it", "flake8 save + plugin", "flake8 save",
              1.25, "flake8, or mlrepolint's plugin in it, is not installed"),
        peak(f"peak memory ≤ 300 MB (the largest process of any mlrepolint run){size}", ours, 300),
        peak("`--with pylint` peak memory ≤ 300 MB (on the `--pylint-files` files)",
             [named["with pylint"]] if "with pylint" in named else [], 300),
    ]


def flake8_selects(root: Path) -> bool:
    """True when the tree's flake8 settings choose their codes (`select`), as NeMo's do."""
    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView
    from mlrepolint.rules.wrapped.flake8 import repo_options

    _, sections, _ = repo_options(RepoView(root, (), is_git=True), Settings())
    return any(key.replace("_", "-") == "select" for key in sections.get("flake8", {}))


def main() -> None:
    """Generate or take the repository, time every command, print the table and the targets."""
    summary = " ".join(__doc__.split("\n\n")[0].split())  # the whole first sentence, not its first line
    parser = argparse.ArgumentParser(description=summary)
    parser.add_argument("--repo", type=Path, help="benchmark this repository instead of a synthetic one")
    parser.add_argument("--modules", type=int, default=3000, help="Python modules in the synthetic repository")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic repository (same seed, same bytes)")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (the median is shown)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="processes, all tools")
    parser.add_argument("--pylint-files", type=int, default=200, help="pylint runs on this many files (0: all)")
    parser.add_argument("--only", help="time only these rows, by short name, comma-separated (floor 1, floor, own, "
                        "default, warm, own ruff, default ruff, flake8, flake8 + plugin, flake8 save, "
                        "flake8 save + plugin, ruff, ruff D, with pylint, pylint)")
    parser.add_argument("--notebooks", type=int, help="notebooks in the synthetic repository (default: modules / 50)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="mlrepolint-bench-"))
    if args.repo:
        root = args.repo.resolve()
        what = f"repository {root}"
    else:
        started = time.perf_counter()
        root = generate(workdir / "repo", args.modules, args.seed, notebooks=args.notebooks)
        took = time.perf_counter() - started
        what = f"synthetic repository, {args.modules} modules, seed {args.seed} ({took:.0f} s to generate)"
    files = python_files(root)
    notebooks = python_files(root, ".ipynb")
    listing = workdir / "files.txt"  # the floor parses the notebooks' code cells too: mlrepolint lints them
    listing.write_text("\n".join(files + notebooks) + "\n", encoding="utf-8")
    lines = sum(1 for path in files for _ in open(root / path, "rb"))
    jobs = str(args.jobs)
    rows, named = commands(root, files, listing, jobs, args.pylint_files)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        unknown = wanted - set(named)
        if unknown:
            parser.error(f"--only: no row named {', '.join(sorted(unknown))} (or its tool is not installed)")
        named = {name: label for name, label in named.items() if name in wanted}
        rows = [(label, command) for label, command in rows if label in named.values()]

    if "warm" in named:
        # Prime the cache for the warm run (its own files must be older than the cache's racy window: wait it out).
        time.sleep(2.1)
        warm = dict(rows)[named["warm"]]
        subprocess.run(warm, cwd=root, stdout=subprocess.DEVNULL, check=False, env=ENV)

    samples = measure(rows, root, args.runs)
    results = medians(samples)
    seconds = {name: results[label][0] for name, label in named.items()}
    peers = {name: seconds[name] for name in ("flake8", "ruff") if name in seconds}
    print(f"# mlrepolint benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"Tree: {what}: {len(files)} Python files, {lines} lines; {len(notebooks)} notebooks")
    print(f"Command: python benchmarks/run.py {' '.join(sys.argv[1:])}".rstrip())
    against = "; × flake8 is against flake8 without mlrepolint's plugin" if "flake8" in peers else ""
    print(f"Runs: median of {args.runs}, commands taking turns (pylint: 1 run); --jobs {jobs} for every tool"
          f"{against}; the targets' ratios are medians of each round's ratio\n")
    header = "| command | wall s | CPU s | × floor (1 proc) | × floor (all) | " + " | ".join(f"× {p}" for p in peers)
    print(header + " | peak MB |")
    print("|" + " --- |" * (header.count("|") + 1))
    for label, _ in rows:
        wall, cpu, peak = results[label]
        ratios = " | ".join(f"{wall / v:.2f}" for v in peers.values())
        floors = " | ".join(f"{wall / seconds[f]:.2f}" if f in seconds else "—" for f in ("floor 1", "floor"))
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {floors} | {ratios} | {peak:.0f} |")
    print("\nTargets:")
    for line in targets(samples, results, named, len(files), flake8_selects(root)):
        print(f"- {line}")
    if not args.repo:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
