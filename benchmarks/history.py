"""Time `mlrepolint --history` against git reading every object of the history once, in the same run.

    python benchmarks/history.py --repo PATH [--runs 1]

The peer is `git rev-list --objects --all | git cat-file --batch > /dev/null`, in the form that reads every object:
git 2.39 looks the whole input line up as an object name, so with rev-list's `<id> <path>` lines the literal pipe
reads only the commits and root trees; `--batch='... %(rest)'` splits the line and reads every tree and blob too
(`--missing=print` lets it go past objects a partial clone lacks). Both are shown. mlrepolint runs with only the
history rules selected; the cold run starts without `.mlrepolint_cache/history.cache`, the warm run is the next
run with nothing new. The rest of the cache (the per-file results) is warmed first, so that the figures are the
history scan's. Wall and CPU seconds (of every process each command starts) are both shown: on a loaded machine
the CPU ratio is the steadier one. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

READ_ALL = "git rev-list --objects --all --missing=print | git cat-file --batch='%(objectname) %(objecttype) " \
           "%(objectsize) %(rest)' > /dev/null"
LITERAL = "git rev-list --objects --all | git cat-file --batch > /dev/null"


def children_cpu() -> float:
    """User + system CPU seconds of every finished child process (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str] | str, cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and every process it started)."""
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(command, cwd=cwd, shell=isinstance(command, str), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, children_cpu() - cpu


def main() -> None:
    """Time the peers and the cold and warm `--history` runs; print wall and CPU seconds and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    root = args.repo.resolve()
    exe = str(Path(sys.executable).with_name("mlrepolint"))
    lint = [exe, "--history", "--select", "MLR409,MLR320", "-q", "--exit-zero", "."]

    def count(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()

    print(f"{root.name}: {count('rev-list', '--count', '--all')} commits, "
          f"{len(count('rev-list', '--objects', '--all', '--missing=print').splitlines())} objects from all refs")
    subprocess.run([exe, "--select", "MLR409,MLR320", "-q", "--exit-zero", "."], cwd=root,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # the per-file cache, warm
    rows: dict[str, list[tuple[float, float]]] = {"peer: read every object": [], "peer: literal pipe": [],
                                                  "cold --history": [], "warm --history": []}
    for _ in range(args.runs):
        rows["peer: read every object"].append(timed(READ_ALL, root))
        rows["peer: literal pipe"].append(timed(LITERAL, root))
        cache = root / ".mlrepolint_cache" / "history.cache"
        if cache.exists():
            os.unlink(cache)
        rows["cold --history"].append(timed(lint, root))
        rows["warm --history"].append(timed(lint, root))
    wall = {name: statistics.median(v[0] for v in values) for name, values in rows.items()}
    cpu = {name: statistics.median(v[1] for v in values) for name, values in rows.items()}
    peer = "peer: read every object"
    for name in rows:
        print(f"{name:28} {wall[name]:7.2f} s wall {wall[name] / wall[peer]:5.2f}x   {cpu[name]:7.2f} s CPU "
              f"{cpu[name] / cpu[peer]:5.2f}x the peer")
    print(f"warm / cold: {wall['warm --history'] / wall['cold --history']:.1%} wall, "
          f"{cpu['warm --history'] / cpu['cold --history']:.1%} CPU")
    shutil.rmtree(root / ".mlrepolint_cache", ignore_errors=True) if os.environ.get("CLEAN") else None


if __name__ == "__main__":
    main()
