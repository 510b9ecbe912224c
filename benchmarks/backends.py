"""Compare the two PEP 8 backends on real repositories: score, grade and findings with flake8 and with ruff.

    python benchmarks/backends.py REPO...          # e.g. the corpus checkouts and NeMo
    python benchmarks/backends.py --codes REPO...  # also the codes one backend reports and the other does not

Each repository is linted twice by the installed `mlrepolint` (`--no-cache`, so nothing is written to it), once
per backend, with everything else at its defaults and the repository's own configuration. The table (Markdown)
gives per repository the score and grade of each run, the difference, and the PEP 8 findings (source flake8 or
ruff) of each; `--codes` adds, per repository, the codes whose counts differ most between the two. A measurement,
not a test: the acceptance bar (scores within one point) is printed at the end, met or not.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


def lint(root: Path, backend: str) -> dict:
    """The JSON report of one run over `root` with the given PEP 8 backend."""
    mlrepolint = shutil.which("mlrepolint", path=str(Path(sys.executable).parent)) or "mlrepolint"
    proc = subprocess.run(
        [mlrepolint, "--format", "json", "--no-cache", "--exit-zero", "--pep8-backend", backend, "."],
        cwd=root, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{root}: mlrepolint --pep8-backend {backend} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def pep8_codes(report: dict) -> Counter:
    """The wrapped PEP 8 tool's findings by code."""
    return Counter(f["code"] for f in report["findings"] if f["source"] in ("flake8", "ruff"))


def main() -> None:
    """Lint each repository with both backends and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--codes", action="store_true", help="list the codes whose counts differ most")
    args = parser.parse_args()
    print("| repository | score flake8 | score ruff | difference | grade flake8 / ruff | PEP 8 findings flake8 "
          "| PEP 8 findings ruff |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
    worst = 0.0
    notes = []
    for root in args.repos:
        flake8, ruff = lint(root, "flake8"), lint(root, "ruff")
        a, b = flake8["score"], ruff["score"]
        diff = (b - a) if a is not None and b is not None else 0.0
        worst = max(worst, abs(diff))
        codes_a, codes_b = pep8_codes(flake8), pep8_codes(ruff)
        print(f"| {root.name} | {a} | {b} | {diff:+.1f} | {flake8['grade']} / {ruff['grade']} "
              f"| {sum(codes_a.values()):,} | {sum(codes_b.values()):,} |", flush=True)
        if args.codes:
            gaps = sorted(set(codes_a) | set(codes_b), key=lambda c: -abs(codes_a[c] - codes_b[c]))
            shown = [f"{c} {codes_a[c]}/{codes_b[c]}" for c in gaps[:8] if codes_a[c] != codes_b[c]]
            notes.append(f"- {root.name}: " + (", ".join(shown) if shown else "the same counts"))
    if notes:
        print("\nCodes whose counts differ most (flake8/ruff):\n")
        print("\n".join(notes))
    print(f"\nLargest score difference: {worst:.1f} — {'met' if worst <= 1.0 else 'NOT met'} (bar: within 1 point)")


if __name__ == "__main__":
    main()
