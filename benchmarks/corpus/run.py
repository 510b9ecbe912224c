"""Lint every materialised corpus repository with the installed mlrepolint and save its findings.

    python benchmarks/corpus/run.py [--dest benchmarks/corpus/repos] [--out DIR] [--set SET] [NAME ...] [-- OPTIONS]

Runs `mlrepolint --format json --no-cache [MLREPOLINT-OPTIONS] .` in each checkout (the console script installed
beside this interpreter, else the one on PATH) and writes `<out>/<name>.json` (default out: `<dest>/../findings`,
git-ignored): the JSON report plus the entry's commit, the exit code, the wall and CPU seconds, and for each
finding the hash of its line's normalised content (`mlrepolint.fingerprint`), which is what judgments match on.
A manifest entry's `mlrepolint_args` go before MLREPOLINT-OPTIONS. Prints one line per repository and the total
time, and no score, so that a ranking written before `precision.py --scores` is not swayed by it. Exits 1 when a
repository is not materialised or a run fails (an exit code other than 0 or 1, or no JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from materialise import SETS  # this script's folder is on sys.path
from mlrepolint.fingerprint import LineKeys, line_hash

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
DEFAULT_DEST = HERE / "repos"


def mlrepolint_executable() -> str:
    """The mlrepolint console script of this interpreter's environment, else the one on PATH."""
    found = shutil.which("mlrepolint", path=str(Path(sys.executable).parent)) or shutil.which("mlrepolint")
    if found is None:
        raise SystemExit("run.py: error: no mlrepolint executable (pip install -e .)")
    return found


def children_cpu() -> float:
    """User + system CPU seconds of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def add_line_hashes(root: Path, findings: list[dict]) -> None:
    """Give each finding `line_hash`: the hash of its line's normalised content ('' for whole-file findings). A
    `--history` finding (one with a `commit`) names a line of the file as that commit has it, not as the tree has
    it: its line is read from there."""
    keys = LineKeys(root)
    for finding in findings:
        if finding.get("commit"):
            line = line_in_commit(root, finding["commit"], finding["path"], finding.get("line"))
            finding["line_hash"] = line_hash(line)
            continue
        stub = SimpleNamespace(path=finding["path"], code=finding["code"], line=finding.get("line"),
                               cell=finding.get("cell"), message=finding["message"])
        finding["line_hash"] = keys.key(stub)[2]


def line_in_commit(root: Path, commit: str, path: str, line: int | None) -> str:
    """Line `line` of `path` in `commit` ('' for none, or when it cannot be read)."""
    if line is None:
        return ""
    shown = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True, check=False)
    lines = shown.stdout.decode("utf-8", "replace").splitlines() if shown.returncode == 0 else []
    return lines[line - 1] if 0 < line <= len(lines) else ""


def lint(executable: str, root: Path, extra: list[str]) -> dict:
    """Run mlrepolint on root; the saved record (report, exit code, timings) or an `error` record."""
    env = {**os.environ, "NO_COLOR": "1"}
    cpu_before = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(
        [executable, "--format", "json", "--no-cache", *extra, "."],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )
    record = {
        "exit_code": proc.returncode,
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(children_cpu() - cpu_before, 2),
        "mlrepolint_args": extra,
    }
    if proc.returncode not in (0, 1):
        return {**record, "error": proc.stderr.strip()[-2000:]}
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {**record, "error": "no JSON report on stdout: " + proc.stderr.strip()[-2000:]}
    add_line_hashes(root, report["findings"])
    return {**record, "report": report}


def main(argv: list[str] | None = None) -> int:
    """Lint the selected repositories; exit 1 when any could not be linted."""
    argv = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="repositories to lint (default: every manifest entry)")
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="folder holding the checkouts")
    parser.add_argument("--out", type=Path, help="folder for the findings (default: <dest>/../findings)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--set", default="repositories", choices=SETS, help="which list of the manifest")
    args = parser.parse_args(argv)
    entries = json.loads(args.manifest.read_text(encoding="utf-8")).get(args.set, [])
    unknown = set(args.names) - {e["name"] for e in entries}
    if unknown:
        parser.error(f"not in the manifest: {', '.join(sorted(unknown))}")
    out = args.out or args.dest.resolve().parent / "findings"
    out.mkdir(parents=True, exist_ok=True)
    executable = mlrepolint_executable()
    failed = []
    total = 0.0
    for entry in entries:
        if args.names and entry["name"] not in args.names:
            continue
        root = args.dest / entry["name"]
        if not (root / ".git").exists():
            failed.append(entry["name"])
            print(f"{entry['name']:32} NOT MATERIALISED ({root}): run materialise.py", file=sys.stderr)
            continue
        record = {"name": entry["name"], "repo": entry["repo"], "commit": entry["commit"],
                  **lint(executable, root, [*entry.get("mlrepolint_args", []), *extra])}
        total += record["seconds"]
        (out / f"{entry['name']}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        if "error" in record:
            failed.append(entry["name"])
            print(f"{entry['name']:32} FAILED (exit {record['exit_code']}): {record['error'][-300:]}",
                  file=sys.stderr)
            continue
        report = record["report"]
        own = sum(1 for f in report["findings"] if f["source"] == "mlrepolint")
        print(f"{entry['name']:32} {record['seconds']:7.2f} s  {record['cpu_seconds']:7.2f} CPU s  "
              f"{own:5} mlrepolint findings  {len(report['findings']) - own:6} wrapped")
    print(f"total {total:.1f} s; findings in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
