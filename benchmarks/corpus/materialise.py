"""Check out every corpus repository at its pinned commit from a local snapshot.

    python benchmarks/corpus/materialise.py [--mirror /work/.mirror] [--dest benchmarks/corpus/repos] [NAME ...]
    python benchmarks/corpus/materialise.py --set benchmarks --dest /work/corpus/bench    # the speed-benchmark tree
    python benchmarks/corpus/materialise.py --set history --dest /work/corpus/history    # secrets in git history

A snapshot is a bare git directory, `<mirror>/<owner>+<name>/repo` (or `<mirror>/<owner>+<name>` itself). Nothing
is downloaded: an entry without a local snapshot, or whose snapshot lacks the pinned commit, is reported and
skipped, and the script exits 1. Each checkout is `git clone --no-checkout` of the snapshot followed by
`git checkout --detach <commit>`, with git's system and global configuration left out (no filter, no hook, no
fsmonitor can run) and hooks pointed at nothing. Snapshots leave out files of 4 MiB and more; such files are kept
out of the working tree through a sparse checkout (they stay in the index, so `git ls-files` still lists them) and
their paths are written to `<dest>/<name>.absent`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
DEFAULT_DEST = HERE / "repos"
DEFAULT_MIRROR = Path("/work/.mirror")
#: The manifest's lists: the precision corpus, the speed-benchmark tree, and repositories whose git history holds
#: a secret that was committed, publicly reported and removed (the history rules' precision).
SETS = ("repositories", "benchmarks", "history")

# Options for every git call: nothing a configuration file says can run a program.
GIT_OPTIONS = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.autocrlf=false",
    "-c", "advice.detachedHead=false",
)


def git_env() -> dict[str, str]:
    """The environment for git: no system or global configuration (where filters and hooks would be set)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"})
    return env


def git(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run git with the safe options; the caller checks the return code."""
    return subprocess.run(
        ["git", *GIT_OPTIONS, *args], cwd=cwd, env=git_env(), input=stdin, capture_output=True, check=False,
    )


@dataclass(frozen=True)
class Entry:
    """One manifest entry."""

    name: str
    repo: str
    commit: str


def load_entries(manifest: Path, which: str) -> list[Entry]:
    """The entries of one list of the manifest (`repositories`, `benchmarks` or `history`)."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return [Entry(e["name"], e["repo"], e["commit"]) for e in data.get(which, [])]


def snapshot_dir(mirror: Path, repo: str) -> Path | None:
    """The bare git directory of `owner/name` under the mirror, or None when there is no snapshot."""
    base = mirror / repo.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def missing_blobs(checkout: Path, commit: str) -> list[str]:
    """Paths in `commit` whose content the snapshot does not hold."""
    tree = git("ls-tree", "-r", "-z", commit, cwd=checkout)
    if tree.returncode != 0:
        raise RuntimeError(tree.stderr.decode(errors="replace").strip())
    entries = []
    for record in tree.stdout.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((sha, path.decode("utf-8", "surrogateescape")))
    if not entries:
        return []
    check = git("cat-file", "--batch-check", cwd=checkout, stdin=b"".join(sha + b"\n" for sha, _ in entries))
    answers = check.stdout.decode().splitlines()
    return [path for (_, path), answer in zip(entries, answers) if answer.endswith(" missing")]


def sparse_pattern(path: str) -> str:
    """A non-cone sparse-checkout pattern leaving out exactly `path` (gitignore syntax, specials escaped)."""
    escaped = "".join("\\" + ch if ch in "\\*?[]!# " else ch for ch in path)
    return "!/" + escaped


def checked_out_at(dest: Path, commit: str) -> bool:
    """Whether dest is already a checkout whose HEAD is commit."""
    if not (dest / ".git").exists():
        return False
    head = git("rev-parse", "HEAD", cwd=dest)
    return head.returncode == 0 and head.stdout.decode().strip() == commit


def materialise(entry: Entry, snapshot: Path, dest: Path) -> str:
    """Make dest a checkout of entry.commit from snapshot; returns a one-line account of what was done."""
    if checked_out_at(dest, entry.commit):
        return "already checked out"
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    clone = git("clone", "--quiet", "--no-checkout", "--template=", str(snapshot), str(dest))
    if clone.returncode != 0:
        raise RuntimeError(clone.stderr.decode(errors="replace").strip())
    if git("cat-file", "-e", f"{entry.commit}^{{commit}}", cwd=dest).returncode != 0:
        shutil.rmtree(dest)
        raise RuntimeError(f"the snapshot does not hold commit {entry.commit}")
    absent = missing_blobs(dest, entry.commit)
    absent_list = dest.parent / f"{entry.name}.absent"
    if absent:
        patterns = ["/*", *(sparse_pattern(p) for p in absent)]
        (dest / ".git" / "info").mkdir(exist_ok=True)
        (dest / ".git" / "info" / "sparse-checkout").write_text("\n".join(patterns) + "\n", encoding="utf-8")
        git("config", "core.sparseCheckout", "true", cwd=dest)
        absent_list.write_text("".join(p + "\n" for p in absent), encoding="utf-8")
    elif absent_list.exists():
        absent_list.unlink()
    checkout = git("checkout", "--quiet", "--detach", entry.commit, cwd=dest)
    if checkout.returncode != 0:
        raise RuntimeError(checkout.stderr.decode(errors="replace").strip())
    note = f", {len(absent)} file(s) of 4 MiB or more not in the snapshot (see {absent_list.name})" if absent else ""
    return f"checked out {entry.commit[:12]}{note}"


def main(argv: list[str] | None = None) -> int:
    """Materialise the selected entries; exit 1 when any could not be."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="entries to materialise (default: all of the set)")
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="folder of local snapshots")
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="folder to check out into")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--set", default="repositories", choices=SETS,
                        help="which list of the manifest")
    args = parser.parse_args(argv)
    entries = load_entries(args.manifest, args.set)
    unknown = set(args.names) - {e.name for e in entries}
    if unknown:
        parser.error(f"not in the manifest's {args.set}: {', '.join(sorted(unknown))}")
    selected = [e for e in entries if not args.names or e.name in args.names]
    failed = []
    for entry in selected:
        snapshot = snapshot_dir(args.mirror, entry.repo)
        if snapshot is None:
            failed.append(entry.name)
            print(f"{entry.name}: NO LOCAL SNAPSHOT of {entry.repo} under {args.mirror}", file=sys.stderr)
            continue
        try:
            account = materialise(entry, snapshot, args.dest / entry.name)
        except RuntimeError as error:
            failed.append(entry.name)
            print(f"{entry.name}: FAILED: {error}", file=sys.stderr)
            continue
        print(f"{entry.name}: {account}")
    done = len(selected) - len(failed)
    print(f"{done} of {len(selected)} materialised into {args.dest}")
    if failed:
        print(f"not materialised: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
