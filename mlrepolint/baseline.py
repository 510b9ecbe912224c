"""Baselines: record today's findings so that only new ones fail, and report entries that no longer match.

The file is JSON, sorted, without timestamps or line numbers, so it diffs cleanly in review:
`{"version": 1, "entries": [{"path", "code", "rule", "hash", "count"}]}`. `hash` is the hash of the offending
line's normalised content (see mlrepolint.fingerprint); `count` how many findings share that key.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from mlrepolint.engine import UsageError
from mlrepolint.results import Result
from mlrepolint.fingerprint import LineKeys

VERSION = 1


def write(result: Result, path: Path) -> int:
    """Write the baseline of `result`'s findings to `path`; return how many findings it holds."""
    keys = LineKeys(result.root)
    counts = Counter(keys.key(f) for f in result.findings)
    rules = {f.code: f.rule for f in result.findings}
    entries = [
        {"path": p, "code": code, "rule": rules[code], "hash": digest, "count": n}
        for (p, code, digest), n in sorted(counts.items())
    ]
    try:
        path.write_text(json.dumps({"version": VERSION, "entries": entries}, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(result.findings)


#: A baseline larger than this is not one mlrepolint wrote (a million findings take ~150 MB).
MAX_BYTES = 256 * 1024 * 1024


def read(path: Path) -> Counter:
    """The baseline's entries as a Counter of (path, code, hash); a broken file is a UsageError (exit 2)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES:,} bytes")
        data = json.loads(raw.decode("utf-8"))
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        entries = Counter()
        for e in data["entries"]:
            key = (e["path"], e["code"], e["hash"])
            if not all(type(part) is str for part in key) or type(e["count"]) is not int or e["count"] < 0:
                raise ValueError("an entry is not {path, code, hash: strings; count: a whole number}")
            entries[key] += e["count"]
        return entries
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except RecursionError:
        raise UsageError(f"cannot read baseline {path}: nested too deeply") from None
    except ValueError as exc:  # not JSON, not UTF-8, or not entries
        raise UsageError(f"cannot read baseline {path}: {' '.join(str(exc).split())}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"cannot read baseline {path}: not a baseline ({type(exc).__name__}: {exc})") from None


def apply(result: Result, path: Path) -> Result:
    """`result` without the findings the baseline records; stale entries become warnings."""
    remaining = read(path)
    keys = LineKeys(result.root)
    kept = []
    for finding in result.findings:
        key = keys.key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(finding)
    stale = sorted(key for key, n in remaining.items() if n > 0)
    warnings = list(result.warnings)
    if stale:
        count = sum(remaining[key] for key in stale)
        where = ", ".join(f"{p} {code}" for p, code, _ in stale[:5]) + (", ..." if len(stale) > 5 else "")
        warnings.append(
            f"baseline {path}: {count} recorded finding{'s' if count != 1 else ''} no longer found ({where}); "
            f"run with --write-baseline {path} to shrink it"
        )
    return replace(result, findings=kept, warnings=warnings)
