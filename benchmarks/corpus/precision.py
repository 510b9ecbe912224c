"""Precision of mlrepolint's rules on the corpus: a run's findings matched against the hand judgments.

    python benchmarks/corpus/precision.py [--findings DIR] [--judgments FILE]          # the per-rule table
    python benchmarks/corpus/precision.py --sample RULE [--size 15]                     # findings still to judge
    python benchmarks/corpus/precision.py --patterns | --misses                         # what the judgments say
    python benchmarks/corpus/precision.py --scores [--ranking FILE]                     # score vs reviewer ranking

The findings are the files `run.py` writes (`<name>.json`, default folder `benchmarks/corpus/findings`). Only
mlrepolint's own rules are counted; the wrapped tools' codes (flake8, pylint, ruff) are not judged.

A judgment names its finding by repository, rule, path and the hash of the offending line's normalised content
(`line_hash`; the empty line's hash for whole-file findings), plus `occurrence` when several findings share that
key. So it still matches after a change that moves the line or rewords the message; a judged finding that a run no
longer reports is counted as gone (a lost true positive, or a fixed false positive).

Each rule's sample is deterministic: its findings are ordered within each repository by a hash of their key, and
the repositories are visited in turn (name order), so every repository is represented before any is sampled twice.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FINDINGS = HERE / "findings"
DEFAULT_JUDGMENTS = HERE / "judgments.json"
DEFAULT_RANKING = HERE / "ranking.json"
DEFAULT_MANIFEST = HERE / "manifest.json"
VERDICTS = ("tp", "fp", "debatable")
MATURE_KINDS = ("large-library", "library")
NOTEBOOK_KINDS = ("notebooks",)


@dataclass(frozen=True)
class Found:
    """One finding of an mlrepolint rule in one repository's run."""

    repo: str
    rule: str
    code: str
    path: str
    line: int | None
    line_hash: str
    occurrence: int
    message: str

    @property
    def key(self) -> tuple[str, str, str, str, int]:
        """What a judgment matches on."""
        return self.repo, self.rule, self.path, self.line_hash, self.occurrence

    @property
    def where(self) -> str:
        """repo:path:line"""
        return f"{self.repo}:{self.path}" + (f":{self.line}" if self.line is not None else "")


def load_runs(folder: Path) -> dict[str, dict]:
    """name -> the record run.py saved, for every findings file in folder that holds a report."""
    runs = {}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "report" in record:
            runs[record["name"]] = record
    return runs


def findings_of(runs: dict[str, dict]) -> list[Found]:
    """Every mlrepolint finding of every run, each with its occurrence number among findings sharing its key."""
    found = []
    for name, record in runs.items():
        own = [f for f in record["report"]["findings"] if f.get("source") == "mlrepolint"]
        own.sort(key=lambda f: (f["code"], f["path"], f.get("line") or 0, f.get("column") or 0, f["message"]))
        seen: dict[tuple, int] = defaultdict(int)
        for f in own:
            base = (f["rule"], f["path"], f["line_hash"])
            seen[base] += 1
            found.append(Found(name, f["rule"], f["code"], f["path"], f.get("line"), f["line_hash"], seen[base],
                               f["message"]))
    return found


def load_judgments(path: Path) -> dict:
    """The judgments file, checked: every judgment has a known verdict and a reason."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for j in data.get("judgments", []):
        if j.get("verdict") not in VERDICTS or not j.get("reason"):
            raise SystemExit(f"precision.py: error: judgment needs a verdict in {VERDICTS} and a reason: {j}")
    return data


def judgment_key(j: dict) -> tuple[str, str, str, str, int]:
    """The key a judgment matches findings on."""
    return j["repo"], j["rule"], j["path"], j["line_hash"], int(j.get("occurrence", 1))


def sample(found: list[Found], rule: str, size: int) -> list[Found]:
    """The rule's deterministic sample: repositories in turn, each one's findings in the order of their key hash."""
    by_repo: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        if f.rule == rule:
            by_repo[f.repo].append(f)
    queues = []
    for repo in sorted(by_repo):
        queues.append(sorted(by_repo[repo], key=lambda f: hashlib.sha256("\0".join(map(str, f.key)).encode())
                             .hexdigest()))
    picked: list[Found] = []
    depth = 0
    while len(picked) < size and any(depth < len(q) for q in queues):
        for queue in queues:
            if depth < len(queue) and len(picked) < size:
                picked.append(queue[depth])
        depth += 1
    return picked


@dataclass
class RuleRow:
    """One rule's line in the precision table."""

    rule: str
    code: str
    findings: int = 0
    tp: int = 0
    fp: int = 0
    debatable: int = 0
    to_judge: int = 0
    lost_tp: int = 0
    gone_fp: int = 0

    @property
    def judged(self) -> int:
        """Judged findings that this run still reports."""
        return self.tp + self.fp + self.debatable

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); debatable findings are left out. None when nothing decisive was judged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None


def rules_run(runs: dict[str, dict]) -> set[str] | None:
    """The rules that reported or examined something in at least one repository of the runs (opt-in rules, such as
    the `--history` ones, run only when asked); None when the reports do not say what was examined."""
    if not any("categories" in record["report"] for record in runs.values()):
        return None
    return {rule["rule"] for record in runs.values() for category in record["report"]["categories"]
            for rule in category.get("rules", []) if rule.get("examined") or rule.get("findings")} | {
        f["rule"] for record in runs.values() for f in record["report"]["findings"]}


def precision_rows(found: list[Found], judgments: list[dict], size: int,
                   ran: set[str] | None = None, repos: set[str] | None = None) -> list[RuleRow]:
    """One row per rule that has findings in the run or judgments; with `ran`, judgments of the rules that did not
    run at all (the `--history` rules in a run without `--history`) are left out rather than counted as lost, and
    with `repos`, judgments of repositories the run did not lint (another set of the manifest)."""
    if ran is not None:
        judgments = [j for j in judgments if j["rule"] in ran]
    if repos is not None:
        judgments = [j for j in judgments if j["repo"] in repos]
    codes = {f.rule: f.code for f in found}
    codes.update({j["rule"]: j.get("code", codes.get(j["rule"], "")) for j in judgments if j["rule"] not in codes})
    rows = {rule: RuleRow(rule, code) for rule, code in codes.items()}
    keys = {f.key for f in found}
    judged = {judgment_key(j): j for j in judgments}
    for f in found:
        rows[f.rule].findings += 1
    for key, j in judged.items():
        row = rows[j["rule"]]
        if key in keys:
            setattr(row, j["verdict"], getattr(row, j["verdict"]) + 1)
        elif j["verdict"] == "tp":
            row.lost_tp += 1
        elif j["verdict"] == "fp":
            row.gone_fp += 1
    for rule, row in rows.items():
        row.to_judge = sum(1 for f in sample(found, rule, size) if f.key not in judged)
    return sorted(rows.values(), key=lambda r: (r.code, r.rule))


def fmt_precision(value: float | None) -> str:
    """A precision as a percentage, or a dash."""
    return "-" if value is None else f"{100 * value:.0f}%"


def table_lines(rows: list[RuleRow], size: int, markdown: bool) -> list[str]:
    """The per-rule table, plain or Markdown, with the totals and how precision is counted."""
    out: list[str] = []
    head = ["rule", "code", "findings", "judged", "tp", "fp", "debatable", "precision", "to judge", "lost TPs",
            "gone FPs"]
    body = [[r.rule, r.code, r.findings, r.judged, r.tp, r.fp, r.debatable, fmt_precision(r.precision), r.to_judge,
             r.lost_tp, r.gone_fp] for r in rows]
    tp, fp = sum(r.tp for r in rows), sum(r.fp for r in rows)
    body.append(["all rules", "", sum(r.findings for r in rows), sum(r.judged for r in rows), tp, fp,
                 sum(r.debatable for r in rows), fmt_precision(tp / (tp + fp) if tp + fp else None),
                 sum(r.to_judge for r in rows), sum(r.lost_tp for r in rows), sum(r.gone_fp for r in rows)])
    if markdown:
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + " --- |" * len(head))
        for line in body:
            out.append("| " + " | ".join(str(c) for c in line) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
        for line in [head, *body]:
            cells = (str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
            out.append("  ".join(cells))
    out.append("")
    out.append(f"precision = tp / (tp + fp); debatable judgments are left out of it. 'to judge': findings of the "
               f"rule's deterministic sample of {size} with no judgment yet (precision.py --sample RULE). 'lost TPs' "
               f"/ 'gone FPs': judged findings this run no longer reports.")
    return out


def sample_lines(found: list[Found], judgments: list[dict], rule: str, size: int) -> list[str]:
    """The sampled findings of a rule that still need judging, each with a judgment stub to fill in."""
    out: list[str] = []
    names = {f.rule for f in found} | {f.code for f in found}
    if rule not in names:
        raise SystemExit(f"precision.py: error: no finding of rule {rule!r} in this run")
    rule = next((f.rule for f in found if rule in (f.rule, f.code)), rule)
    judged = {judgment_key(j) for j in judgments}
    todo = [f for f in sample(found, rule, size) if f.key not in judged]
    out.append(f"{len(todo)} finding(s) of {rule} in its sample of {size} still to judge")
    for f in todo:
        out.append(f"\n{f.where}  {f.message}")
        stub = {"repo": f.repo, "rule": f.rule, "code": f.code, "path": f.path, "line": f.line,
                "line_hash": f.line_hash, "verdict": "", "reason": ""}
        if f.occurrence != 1:
            stub["occurrence"] = f.occurrence
        out.append(json.dumps(stub))
    return out


def patterns_lines(judgments: list[dict], found: list[Found]) -> list[str]:
    """False-positive and debatable patterns per rule (the judgments' `pattern`), with counts and one example."""
    out: list[str] = []
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for j in judgments:
        if j["verdict"] != "tp":
            groups[(j["rule"], j["verdict"], j.get("pattern") or j["reason"])].append(j)
    keys = {f.key for f in found}
    for (rule, verdict, pattern), items in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        first = items[0]
        still = sum(1 for j in items if judgment_key(j) in keys)
        where = f"{first['repo']}:{first['path']}" + (f":{first['line']}" if first.get("line") else "")
        out.append(f"{rule}\t{verdict}\t{len(items)} ({still} still reported)\t{pattern}\te.g. {where}")
    return out


def misses_lines(data: dict) -> list[str]:
    """What a reviewer flags that no rule reported."""
    out: list[str] = []
    for miss in data.get("misses", []):
        where = f"{miss['repo']}:{miss['path']}" + (f":{miss['line']}" if miss.get("line") else "")
        out.append(f"{miss.get('rule', '-')}\t{where}\t{miss['what']}")
    return out
    return out


def ranks(values: list[float]) -> list[float]:
    """1-based ranks of values, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation (Pearson's on the ranks, so ties are handled)."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (sx * sy) if sx and sy else 0.0


def scores_lines(runs: dict[str, dict], ranking: list[dict], kinds: dict[str, str], markdown: bool) -> list[str]:
    """Each repository's score and grade beside the reviewer ranking, and the calibration figures."""
    out: list[str] = []
    rows = [(r["rank"], r["name"], runs[r["name"]]["report"]["score"], runs[r["name"]]["report"]["grade"])
            for r in ranking if r["name"] in runs]
    missing = [r["name"] for r in ranking if r["name"] not in runs]
    if markdown:
        out.append("| reviewer rank | repository | kind | score | grade | score rank |")
        out.append("| --- | --- | --- | --- | --- | --- |")
    score_rank = ranks([-s for _, _, s, _ in rows])
    for (rank, name, score, grade), srank in zip(rows, score_rank):
        kind = kinds.get(name, "")
        if markdown:
            out.append(f"| {rank} | {name} | {kind} | {score} | {grade} | {srank:g} |")
        else:
            out.append(f"{rank:3}  {name:32} {kind:14} {score:6} {grade:2}  (score rank {srank:g})")
    out.append("")
    if missing:
        out.append(f"not in this run: {', '.join(missing)}")
    if len(rows) < 10:
        out.append("fewer than 10 repositories: no figures")
        return out
    scores = [s for _, _, s, _ in rows]
    rho = spearman([-rank for rank, _, _, _ in rows], scores)
    gap = sum(scores[:5]) / 5 - sum(scores[-5:]) / 5
    mature = [(n, s) for _, n, s, _ in rows if kinds.get(n) in MATURE_KINDS]
    notebooks = [(n, s) for _, n, s, _ in rows if kinds.get(n) in NOTEBOOK_KINDS]
    out.append(f"Spearman correlation with the reviewer ranking: {rho:.2f} (target >= 0.9)")
    out.append(f"mean score of the reviewer's five best minus the five worst: {gap:.1f} points (target >= 30)")
    out.append("mature libraries (target >= 85): " + ", ".join(f"{n} {s}" for n, s in mature))
    out.append("notebook-only projects (target <= 50): " + ", ".join(f"{n} {s}" for n, s in notebooks))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the table, a sample, the patterns, the misses or the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=Path, default=DEFAULT_FINDINGS, help="folder of run.py's findings")
    parser.add_argument("--judgments", type=Path, default=DEFAULT_JUDGMENTS)
    parser.add_argument("--size", type=int, default=15, help="findings in each rule's sample (default 15)")
    parser.add_argument("--markdown", action="store_true", help="tables in Markdown")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--sample", metavar="RULE", help="print the sampled findings of RULE still to judge")
    mode.add_argument("--patterns", action="store_true", help="false-positive patterns per rule")
    mode.add_argument("--misses", action="store_true", help="what no rule reported")
    mode.add_argument("--scores", action="store_true", help="scores beside the reviewer ranking")
    parser.add_argument("--ranking", type=Path, default=DEFAULT_RANKING)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    args = parser.parse_args(argv)
    runs = load_runs(args.findings)
    if not runs:
        parser.error(f"no findings in {args.findings}: run benchmarks/corpus/run.py first")
    data = load_judgments(args.judgments) if args.judgments.exists() else {}
    judgments = data.get("judgments", [])
    found = findings_of(runs)
    lines: list[str]
    if args.sample:
        lines = sample_lines(found, judgments, args.sample, args.size)
    elif args.patterns:
        lines = patterns_lines(judgments, found)
    elif args.misses:
        lines = misses_lines(data)
    elif args.scores:
        ranking = json.loads(args.ranking.read_text(encoding="utf-8"))["ranking"]
        manifest = json.loads(args.manifest.read_text(encoding="utf-8"))["repositories"]
        lines = scores_lines(runs, ranking, {e["name"]: e["kind"] for e in manifest}, args.markdown)
    else:
        lines = [f"{len(runs)} repositories, {len(judgments)} judgments",
                 *table_lines(precision_rows(found, judgments, args.size, rules_run(runs), set(runs)), args.size,
                              args.markdown)]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
