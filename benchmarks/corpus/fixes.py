"""Measure `--fix --unsafe-fixes` on copies of the corpus checkouts (the checkouts themselves are never written).

    python benchmarks/corpus/fixes.py [--dest /work/corpus/repos] [--work DIR] [NAME ...]

For each materialised repository: copy it to a temporary folder (`--work`, removed afterwards), lint it (`--format
json --no-cache`), run `--fix --unsafe-fixes --format json` (which re-lints after fixing), then run `--fix
--unsafe-fixes` again and check that it changed no file. Every Python file the fix changed must still compile.
Prints per fixable rule how many findings there were, how many the fix removed, and the refusal reasons, then the
idempotence and compile figures. Exits 1 when a second fix changes a file or a fixed script does not compile.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import MANIFEST, mlrepolint_executable  # noqa: E402  (the script beside this one)

FIXABLE = ("notebook-with-outputs", "gitignore-gaps", "missing-gitignore", "unpinned-requirement",
           "top-level-execution", "missing-main-guard")


def snapshot(root: Path) -> dict[str, str]:
    """Path -> content hash of every file below root, `.git/` left out."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                continue
            found[str(path.relative_to(root))] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    return found


def run(executable: str, root: Path, *args: str) -> subprocess.CompletedProcess:
    """`mlrepolint --no-cache ARGS .` in root."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([executable, "--no-cache", *args, "."], cwd=root, env=env, capture_output=True, text=True)


def keys(findings: list[dict], rule: str) -> Counter:
    """The rule's findings by file and message (lines move when a script is restructured)."""
    return Counter((f["path"], f["message"]) for f in findings if f["rule"] == rule)


def measure(executable: str, source: Path, work: Path, extra: list[str]) -> dict:
    """Lint, fix and fix again a copy of one checkout; the figures."""
    copy = work / source.name
    shutil.copytree(source, copy, symlinks=True)
    try:
        before = json.loads(run(executable, copy, "--format", "json", *extra).stdout)["findings"]
        files_before = snapshot(copy)
        fixed = run(executable, copy, "--fix", "--unsafe-fixes", "--format", "json", *extra)
        after = json.loads(fixed.stdout)["findings"]
        files_fixed = snapshot(copy)
        again = run(executable, copy, "--fix", "--unsafe-fixes", "-q", *extra)
        files_again = snapshot(copy)
        changed = sorted(p for p in files_fixed if files_before.get(p) != files_fixed[p])
        broken = []
        for path in changed:
            if path.endswith(".py"):
                try:
                    compile((copy / path).read_bytes(), path, "exec", dont_inherit=True)
                except SyntaxError as exc:
                    broken.append(f"{path}: {exc}")
        scripts = {f["path"] for f in before if f["rule"] == "missing-main-guard"}
        moved = [p for p in changed if p in scripts]
        left_in_moved = sum(1 for f in after if f["rule"] in ("top-level-execution", "missing-main-guard")
                            and f["path"] in moved)
        return {
            "rules": {rule: (sum(keys(before, rule).values()), sum((keys(before, rule) - keys(after, rule)).values()))
                      for rule in FIXABLE},
            "main_candidates": sum(1 for f in before if f["rule"] == "top-level-execution" and f["path"] in scripts),
            "scripts": len(scripts),
            "scripts_moved": len(moved),
            "left_in_moved": left_in_moved,
            "moved_candidates": sum(1 for f in before if f["rule"] == "top-level-execution" and f["path"] in moved),
            "refusals": [line for line in fixed.stderr.splitlines() if "not moved" in line or "not stripped" in line
                         or "not written" in line],
            "changed": changed,
            "second_changed": sorted(p for p in files_again if files_fixed.get(p) != files_again[p]),
            "second_stderr": again.stderr.strip().splitlines()[-1:] if again.stderr.strip() else [],
            "broken": broken,
            "locks": sorted(p for p in files_before if re.search(r"(^|/)(uv|poetry|pdm|Pipfile)\.lock$|conda-lock", p)),
        }
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def main() -> None:
    """Measure every materialised repository (or those named) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=HERE / "repos")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("names", nargs="*")
    options = parser.parse_args()
    manifest = json.loads(MANIFEST.read_text())["repositories"]
    executable = mlrepolint_executable()
    totals = {rule: [0, 0] for rule in FIXABLE}
    failures = 0
    reasons: Counter = Counter()
    summary = Counter()
    with tempfile.TemporaryDirectory(dir=options.work) as work:
        for entry in manifest:
            name = entry["name"]
            if options.names and name not in options.names:
                continue
            source = options.dest / name
            if not source.is_dir():
                print(f"{name}: not materialised", file=sys.stderr)
                continue
            result = measure(executable, source, Path(work), entry.get("mlrepolint_args", []))
            for rule, (found, gone) in result["rules"].items():
                totals[rule][0] += found
                totals[rule][1] += gone
            for line in result["refusals"]:
                reason = re.split(r"not moved into main\(\): |outputs not stripped: |not written: ", line, 1)[-1]
                reasons[re.sub(r"`[^`]*`", "`_`", re.sub(r"line \d+", "line N", re.sub(r" \(.*", "", reason)))] += 1
            summary.update(scripts=result["scripts"], moved=result["scripts_moved"], left=result["left_in_moved"],
                           moved_candidates=result["moved_candidates"],
                           candidates=result["main_candidates"], changed=len(result["changed"]),
                           second=len(result["second_changed"]), broken=len(result["broken"]))
            failures += bool(result["second_changed"] or result["broken"])
            print(f"{name}: {len(result['changed'])} files fixed, second fix changed "
                  f"{len(result['second_changed'])}, {len(result['broken'])} not compiling, locks {result['locks']}")
            for line in result["broken"] + result["second_changed"]:
                print(f"    {line}")
    print("\nrule                   findings  fixed")
    for rule, (found, gone) in totals.items():
        print(f"{rule:<22} {found:>8}  {gone:>5}")
    print(f"\nentry scripts without a guard: {summary['scripts']}, moved into main(): {summary['moved']} "
          f"(top-level-execution findings in them: {summary['candidates']}; in the moved ones: "
          f"{summary['moved_candidates']}, left after the move: {summary['left']})")
    print(f"files changed: {summary['changed']}; changed again by a second --fix: {summary['second']}; "
          f"fixed Python files that do not compile: {summary['broken']}")
    print("\nreasons left unfixed:")
    for reason, count in reasons.most_common():
        print(f"  {count:>4}  {reason}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
