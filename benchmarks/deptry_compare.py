"""undeclared-dependency and unused-dependency against deptry, on the precision corpus.

    pip install ".[benchmarks]"        # deptry, only for this script
    python benchmarks/deptry_compare.py --dest /work/corpus/repos [--show] [--judgments FILE]

For every repository of `corpus/manifest.json` checked out under `--dest`, runs `deptry .` (its defaults, as a
user would: the root's `pyproject.toml` or `requirements.txt`) and `mlrepolint --select MLR510,MLR511`, taking
turns, each a fresh subprocess timed by wall clock, in the same environment (so both map import names through
the same installed metadata). Findings are compared as sets:

- undeclared: (repository, top-level module) -- deptry's DEP001 (missing) and DEP003 (transitive: imported, only
  installed through another dependency) against MLR510's module;
- unused: (repository, distribution, PEP 503 name) -- deptry's DEP002 against MLR511's declaration.

`--show` lists what only one tool reports, each with its judgment from `--judgments` (default
`corpus/deptry_judgments.json`: which tool is right, and why) or `?` when no one has judged it yet. Nothing of a
repository is executed by this script; deptry reads its files statically too.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MESSAGE_MODULE = re.compile(r"^(?:cell \d+: )?`([^`]+)` is imported")
MESSAGE_DECLARED = re.compile(r"^`([^`]+)` is declared")
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """PEP 503 normalised name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run_deptry(root: Path, out: Path) -> tuple[float, list[dict] | None, str]:
    """(seconds, deptry's issues or None when it could not run, its last line of error)."""
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [shutil.which("deptry") or "deptry", ".", "--no-ansi", "--json-output", str(out)],
        cwd=root, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if not out.exists():
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return seconds, None, lines[-1] if lines else f"exit {proc.returncode}"
    return seconds, json.loads(out.read_text()), ""


def run_ours(root: Path, extra: list[str]) -> tuple[float, list[dict]]:
    """(seconds, mlrepolint's MLR510 / MLR511 findings)."""
    exe = Path(sys.executable).with_name("mlrepolint")
    start = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "--select", "MLR510,MLR511", "--format", "json", "--no-cache", *extra, "."],
        cwd=root, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    return seconds, json.loads(proc.stdout)["findings"] if proc.stdout.strip() else []


def ours_sets(findings: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """(undeclared module -> where, unused distribution -> where) of mlrepolint's findings."""
    undeclared, unused = {}, {}
    for f in findings:
        where = f"{f['path']}:{f.get('line') or ''}"
        if f["code"] == "MLR510":
            match = MESSAGE_MODULE.match(f["message"])
            if match:
                undeclared.setdefault(match.group(1).split(".")[0], where)
        elif f["code"] == "MLR511":
            match = MESSAGE_DECLARED.match(f["message"])
            name = NAME.match(match.group(1)) if match else None
            if name:
                unused.setdefault(canonical(name.group(1)), where)
    return undeclared, unused


def deptry_sets(issues: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """(undeclared module -> where, unused distribution -> where) of deptry's issues."""
    undeclared, unused = {}, {}
    for issue in issues:
        code = issue["error"]["code"]
        location = issue.get("location") or {}
        where = f"{location.get('file', '')}:{location.get('line') or ''}"
        if code in ("DEP001", "DEP003"):
            undeclared.setdefault(issue["module"].split(".")[0], where)
        elif code == "DEP002":
            unused.setdefault(canonical(issue["module"]), where)
    return undeclared, unused


def main(argv: list[str] | None = None) -> int:
    """Run both tools on every checked-out repository, print the comparison; 2 when deptry is missing."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=HERE / "corpus" / "repos")
    parser.add_argument("--manifest", type=Path, default=HERE / "corpus" / "manifest.json")
    parser.add_argument("--judgments", type=Path, default=HERE / "corpus" / "deptry_judgments.json")
    parser.add_argument("--show", action="store_true", help="list what only one tool reports, with judgments")
    args = parser.parse_args(argv)
    if shutil.which("deptry") is None:
        print("deptry_compare: error: deptry is not installed (pip install '.[benchmarks]')", file=sys.stderr)
        return 2
    manifest = json.loads(args.manifest.read_text())["repositories"]
    judged = {}
    if args.judgments.exists():
        for item in json.loads(args.judgments.read_text())["judgments"]:
            judged[(item["repo"], item["kind"], item["tool"], item["name"])] = item
    totals = {"ours_s": 0.0, "deptry_s": 0.0}
    counts = {kind: {"both": 0, "ours": 0, "deptry": 0} for kind in ("undeclared", "unused")}
    differences: list[tuple[str, str, str, str, str]] = []
    skipped: list[tuple[str, str]] = []
    print(f"{'repository':<28} {'ours s':>7} {'deptry s':>8}  undeclared both/ours/deptry  unused both/ours/deptry")
    with tempfile.TemporaryDirectory() as tmp:
        for entry in manifest:
            root = args.dest / entry["name"]
            if not root.is_dir():
                continue
            ours_s, findings = run_ours(root, list(entry.get("mlrepolint_args", [])))
            deptry_s, issues, error = run_deptry(root, Path(tmp) / "deptry.json")
            if issues is not None:
                ours_s = min(ours_s, run_ours(root, list(entry.get("mlrepolint_args", [])))[0])
                deptry_s = min(deptry_s, run_deptry(root, Path(tmp) / "deptry.json")[0])
            if issues is not None:  # speed is compared where both tools did the work
                totals["ours_s"] += ours_s
                totals["deptry_s"] += deptry_s
            ours = ours_sets(findings)
            if issues is None:
                skipped.append((entry["name"], error))
                print(f"{entry['name']:<28} {ours_s:7.2f} {deptry_s:8.2f}  deptry did not run: {error[:60]}")
                theirs: tuple[dict[str, str], dict[str, str]] = ({}, {})
            else:
                theirs = deptry_sets(issues)
            row = []
            for kind, mine, other in (("undeclared", ours[0], theirs[0]), ("unused", ours[1], theirs[1])):
                both = mine.keys() & other.keys()
                only_ours, only_deptry = mine.keys() - other.keys(), other.keys() - mine.keys()
                if issues is None:
                    only_ours = set()  # deptry gave no answer: nothing to compare
                counts[kind]["both"] += len(both)
                counts[kind]["ours"] += len(only_ours)
                counts[kind]["deptry"] += len(only_deptry)
                row.append(f"{len(both)}/{len(only_ours)}/{len(only_deptry)}")
                differences += [(entry["name"], kind, "ours", n, mine[n]) for n in sorted(only_ours)]
                differences += [(entry["name"], kind, "deptry", n, other[n]) for n in sorted(only_deptry)]
            if issues is not None:
                print(f"{entry['name']:<28} {ours_s:7.2f} {deptry_s:8.2f}  {row[0]:>28}  {row[1]:>23}")
    print()
    for kind, c in counts.items():
        print(f"{kind}: both {c['both']}, only mlrepolint {c['ours']}, only deptry {c['deptry']}")
    ratio = totals["ours_s"] / totals["deptry_s"] if totals["deptry_s"] else float("nan")
    print(f"wall time (best of two, repositories where deptry ran): mlrepolint {totals['ours_s']:.1f} s, "
          f"deptry {totals['deptry_s']:.1f} s, "
          f"mlrepolint / deptry = {ratio:.2f}")
    print(f"deptry could not run on {len(skipped)} repositories (no declaration it reads)")
    verdicts: dict[tuple[str, str], dict[str, int]] = {}
    for repo, kind, who, name, _ in differences:
        verdict = judged.get((repo, kind, who, name), {}).get("verdict", "?")
        verdicts.setdefault((kind, who), {}).setdefault(verdict, 0)
        verdicts[(kind, who)][verdict] += 1
    for (kind, who), tally in sorted(verdicts.items()):
        shown = ", ".join(f"{v} {n}" for v, n in sorted(tally.items()))
        print(f"only {'mlrepolint' if who == 'ours' else 'deptry'}, {kind}: {shown}")
    if args.show:
        print()
        for repo, kind, who, name, where in differences:
            item = judged.get((repo, kind, who, name), {})
            print(f"{repo:<26} {kind:<10} only {who:<6} {name:<24} {where:<50} "
                  f"{item.get('verdict', '?')}: {item.get('reason', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
