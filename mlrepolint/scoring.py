"""The rubric: findings and the rules' denominators -> rule scores -> category scores -> overall score and grade.

The scorer never runs a rule. It reads the findings left after suppression, how many units each rule examined
(per file for per-file rules), and the number of Python lines linted.

- Every finding counts its severity's weight in failing units (`severity-weights`: error 2, warning 1, info
  0.25 by default), so an error costs twice a warning and an info finding a quarter.
- Per-file rule (it examined units in files): the share of units that pass, `1 - failing / examined`, floored at
  0. A file's findings count at most the units examined in that file (ten top-level statements in one module fail
  one module, not ten; the heaviest findings are the ones counted).
- Repository rule (it examined units of the whole repository: requirements, images, notebooks, data files...):
  the same share, `1 - failing / examined` (2 of 35 requirements unpinned: 0.94). A rule that checks one thing
  (a README exists) examines one unit, so its one finding costs all of it. A finding may stand for several units
  (`ctx.report(..., units=n)`: 3 test functions where 20 are expected fail 17 of 20).
- PEP 8 (findings of the wrapped linters: `source` is not mlrepolint, category code-quality): weighted violations
  per 100 Python lines against `pep8-tolerance` (default 10): `max(0, 1 - rate / tolerance)`.
- A rule applies when it examined something or reported something. A category is the weighted mean of its rules
  that apply, and does not apply (score None, with the reason) when none does; the overall score (0-100) is the
  weighted mean of the categories that apply. Grades: A >= 90, B >= 80, C >= 70, D >= 60, F below.
- A run limited to named files (`--limit-to-paths`, the pre-commit hook) has no score: its findings are about
  some files, a score is about the repository.

Removing a finding never lowers a rule's score, so never a category's or the overall score, as long as checkers
record what they examine (`ctx.examine`) -- which every built-in checker does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from mlrepolint.rubric import PEP8, Rubric
from mlrepolint.rules.base import CATEGORIES, Finding, Severity

if TYPE_CHECKING:
    from mlrepolint.results import Result

PEP8_CATEGORY = "code-quality"
GRADES = ((90.0, "A"), (80.0, "B"), (70.0, "C"), (60.0, "D"))
#: Why a category does not apply when none of its rules examined anything.
NOTHING_TO_EXAMINE: Mapping[str, str] = {
    "code-quality": "no Python code was linted",
    "documentation": "no Python code and no files to look for a README in",
    "structure": "no Python modules or scripts",
    "testing": "no Python modules of the project's own to test",
    "dependencies": "no dependency declaration and no Python code",
    "data-hygiene": "no data, model, notebook or .gitignore to check",
    "security": "no file that could hold a credential",
    "containers": "no Dockerfile or compose file",
    "logging-errors": "no library module and no exception handler",
    "configuration": "no Python modules",
    "project-setup": "no files",
}
LIMITED = "a run limited to named files has no score; `mlrepolint .` scores the whole repository"


@dataclass(frozen=True)
class RuleScore:
    """One rule that applies: its score in [0, 1] and the overall points it cost."""

    code: str | None  # None for the PEP 8 pseudo-rule
    rule: str
    score: float
    findings: int
    examined: int
    weight: float
    cost: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "rule": self.rule, "code": self.code, "score": round(self.score, 3), "findings": self.findings,
            "examined": self.examined, "weight": self.weight, "cost": round(self.cost, 1),
        }


@dataclass(frozen=True)
class CategoryScore:
    """One rubric category: score 0-100 (None when no rule applies, with the reason), its weight and its rules."""

    id: str
    title: str
    score: float | None
    weight: float
    rules: tuple[RuleScore, ...] = ()
    reason: str | None = None  # why the category does not apply; None when it does

    @property
    def cost(self) -> float:
        """Overall points this category cost."""
        return sum(rule.cost for rule in self.rules)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "id": self.id, "title": self.title,
            "score": None if self.score is None else round(self.score, 1),
            "weight": self.weight, "cost": round(self.cost, 1), "reason": self.reason,
            "rules": [rule.to_dict() for rule in self.rules],
        }


@dataclass(frozen=True)
class Scorecard:
    """The whole rubric: overall score (None when nothing applies, with the reason), grade, every category in
    CATEGORIES order."""

    score: float | None
    grade: str | None
    categories: tuple[CategoryScore, ...]
    reason: str | None = None  # why there is no score; None when there is one

    def costliest(self, limit: int = 3) -> list[CategoryScore]:
        """The categories that cost the most points, most first (those that cost nothing left out)."""
        costly = [c for c in self.categories if round(c.cost, 1) > 0]
        return sorted(costly, key=lambda c: -round(c.cost, 1))[:limit]  # ties keep the rubric's order

    @classmethod
    def unscored(cls, reason: str, rubric: Rubric | None = None) -> Scorecard:
        """A scorecard with no score: every category n/a for the same reason."""
        rubric = rubric or Rubric()
        return cls(None, None, tuple(
            CategoryScore(ident, title, None, rubric.weight(ident), reason=reason)
            for ident, title in CATEGORIES.items()
        ), reason)


@dataclass(frozen=True)
class BaseScore:
    """The scorecard of the repository at the `--diff` base, to show how a change moves the score."""

    ref: str
    card: Scorecard

    def change(self, now: Scorecard) -> float | None:
        """Overall points gained (+) or lost (-) since the base; None when either has no score."""
        return _difference(now.score, self.card.score)

    def category_change(self, now: CategoryScore) -> float | None:
        """A category's points gained or lost since the base; None when either side is n/a."""
        before = next((c.score for c in self.card.categories if c.id == now.id), None)
        return _difference(now.score, before)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: `{"ref", "score", "grade"}`."""
        return {"ref": self.ref, "score": self.card.score, "grade": self.card.grade}


def _difference(now: float | None, before: float | None) -> float | None:
    """now - before, each rounded as shown (so the change matches the scores printed beside it)."""
    if now is None or before is None:
        return None
    return round(round(now, 1) - round(before, 1), 1)


def format_change(change: float | None) -> str:
    """`+3.1`, `-0.5`, `±0.0`, or `` (empty) when there is no change to show."""
    if change is None:
        return ""
    return "±0.0" if change == 0 else f"{change:+.1f}"


def grade(score: float | None) -> str | None:
    """A for >= 90, B >= 80, C >= 70, D >= 60, else F; None for no score."""
    if score is None:
        return None
    return next((letter for bound, letter in GRADES if score >= bound), "F")


def score(result: Result, rubric: Rubric | None = None, rules: Mapping[str, Any] | None = None) -> Scorecard:
    """Score a Result. `rules` maps the codes of the selected rules to their declarations (for names and
    categories of rules with no finding, and to tell a category none of whose rules is selected); by default the
    registry's. A run limited to named files has no score."""
    rubric = rubric or Rubric()
    if getattr(result, "limited", False):
        return Scorecard.unscored(LIMITED, rubric)
    if rules is None:
        from mlrepolint.rules.registry import load_registry

        rules = load_registry().rules
    return score_parts(
        result.findings, result.examined, getattr(result, "examined_by_file", {}),
        getattr(result, "python_lines", 0), rubric, rules, getattr(result, "failing", {}),
    )


def score_parts(
    findings: Iterable[Finding],
    examined: Mapping[str, int],
    examined_by_file: Mapping[str, Mapping[str, int]],
    python_lines: int,
    rubric: Rubric,
    rules: Mapping[str, Any],
    failing: Mapping[str, Mapping[str, int]] | None = None,
) -> Scorecard:
    """The scorer proper, on plain data (what the property tests drive)."""
    findings = list(findings)
    weight = {s: rubric.severity_weight(s) for s in Severity}
    ours = [f for f in findings if f.source == "mlrepolint"]
    # A large tree has 100,000s of wrapped findings: count their severities, nothing more.
    wrapped = Counter(f.severity for f in findings if f.source != "mlrepolint" and f.category == PEP8_CATEGORY)
    names = {code: (rule.name, rule.category) for code, rule in rules.items()}
    names.update({f.code: (f.rule, f.category) for f in ours})
    found: dict[str, dict[str, list[float]]] = {}
    for f in ours:
        found.setdefault(f.code, {}).setdefault(f.path, []).append(weight[f.severity])
    units: dict[str, dict[str, int]] = {}
    for path, counts in examined_by_file.items():
        for code, n in counts.items():
            if n > 0:
                units.setdefault(code, {})[path] = n

    by_category: dict[str, list[RuleScore]] = {c: [] for c in CATEGORIES}
    for code in sorted(set(found) | {c for c, n in examined.items() if n > 0}):
        if code not in names:
            continue
        name, category = names[code]
        n, where = examined.get(code, 0), found.get(code, {})
        value = _rule_value(n, where, units.get(code), (failing or {}).get(code, {}))
        count = sum(len(w) for w in where.values())
        declared = getattr(rules.get(code), "severity", None)
        by_category[category].append(RuleScore(code, name, value, count, n, rubric.rule_weight(code, declared)))
    if python_lines > 0 or wrapped:
        count = sum(wrapped.values())
        rate = 100.0 * sum(weight[s] * n for s, n in wrapped.items()) / max(python_lines, 1)
        value = max(0.0, 1.0 - rate / rubric.pep8_tolerance) if rubric.pep8_tolerance > 0 else float(count == 0)
        by_category[PEP8_CATEGORY].append(RuleScore(None, PEP8, value, count, python_lines, rubric.rule_weight(PEP8)))
    selected = {category for _, category in names.values()}
    return _combine(by_category, rubric, selected)


def _rule_value(
    examined: int, found: Mapping[str, list[float]], units: Mapping[str, int] | None, failing: Mapping[str, int],
) -> float:
    """The share of examined units that pass, each finding failing its severity's weight in units.

    A per-file rule (it has per-file units) counts at most a file's units of that file's findings, the heaviest
    first. A repository rule counts each finding, or at a path where a finding stands for several units, those
    units (at the weight of the heaviest finding there); a rule that reports without examining is taken to have
    examined one unit."""
    if units:
        lost = sum(sum(sorted(weights, reverse=True)[: units.get(path, len(weights))])
                   for path, weights in found.items())
        return max(0.0, 1.0 - lost / examined)
    lost = 0.0
    for path, weights in found.items():
        count = failing.get(path)
        lost += sum(weights) if count is None else count * max(weights)
    return max(0.0, 1.0 - lost / max(examined, 1))


def _combine(by_category: Mapping[str, list[RuleScore]], rubric: Rubric, selected: set[str]) -> Scorecard:
    """Weighted means, then each rule's cost in overall points (the costs add up to 100 - score)."""
    means: dict[str, float] = {}  # categories where some rule applies
    for category, rules in by_category.items():
        total = sum(r.weight for r in rules)
        if total > 0:
            means[category] = sum(r.score * r.weight for r in rules) / total
    applying = {c: rubric.weight(c) for c in means if rubric.weight(c) > 0}
    grand = sum(applying.values())
    overall = 100.0 * sum(means[c] * w for c, w in applying.items()) / grand if grand > 0 else None
    categories = []
    for category, title in CATEGORIES.items():
        rules = by_category[category]
        total = sum(r.weight for r in rules)
        share = applying.get(category, 0.0) / grand if grand > 0 else 0.0
        costed = [
            replace(r, cost=100.0 * share * (r.weight / total) * (1.0 - r.score) if total else 0.0) for r in rules
        ]
        mean = means.get(category)
        categories.append(CategoryScore(
            category, title, None if mean is None else 100.0 * mean, rubric.weight(category),
            tuple(sorted(costed, key=lambda r: (-r.cost, r.rule))),
            None if mean is not None else _not_applicable(category, rules, category in selected or bool(rules)),
        ))
    shown = None if overall is None else round(overall, 1)
    reason = None if shown is not None else "no rubric category applies"
    return Scorecard(shown, grade(shown), tuple(categories), reason)


def _not_applicable(category: str, rules: list[RuleScore], selected: bool) -> str:
    """Why a category has no score: its rules carry no weight, none is selected, or nothing was examined."""
    if rules:
        return "its rules have weight 0"
    if not selected and category != PEP8_CATEGORY:
        return "none of its rules is selected"
    return NOTHING_TO_EXAMINE.get(category, "nothing it checks is in the repository")


def as_dict(card: Scorecard) -> dict[str, Any]:
    """score, grade, why there is no score, the grade's reason, and categories, as the JSON report carries
    them."""
    return {
        "score": card.score,
        "grade": card.grade,
        "score_reason": card.reason,
        "grade_reason": grade_reason(card) if card.score is not None else None,
        "categories": [category.to_dict() for category in card.categories],
    }


def costs_line(category: CategoryScore, limit: int = 3) -> str:
    """`missing-readme -8.3, print-in-module -2.1` for the rules that cost points, most first; for a category
    that does not apply, why (`n/a: no Dockerfile or compose file`)."""
    if category.score is None and category.reason:
        return f"n/a: {category.reason}"
    parts = [f"{r.rule} -{r.cost:.1f}" for r in category.rules if round(r.cost, 1) > 0][:limit]
    more = sum(1 for r in category.rules if round(r.cost, 1) > 0) - len(parts)
    return ", ".join(parts) + (f", +{more} more" if more > 0 else "")


def grade_reason(card: Scorecard) -> str:
    """One line: the grade's band and where the points went, e.g. `Grade C (70 to 79.9); most points lost in
    Testing -12.0, Dependencies -8.3, Structure -4.1`."""
    if card.score is None:
        return f"No score: {card.reason}"
    letter = card.grade or "F"
    bounds = dict((g, b) for b, g in GRADES)
    if letter == "A":
        band = f"{bounds['A']:g} and above"
    elif letter in bounds:
        band = f"{bounds[letter]:g} to {bounds[letter] + 9.9:g}"
    else:
        band = f"below {GRADES[-1][0]:g}"
    worst = card.costliest()
    if not worst:
        return f"Grade {letter} ({band}); no points lost"
    return f"Grade {letter} ({band}); most points lost in " + ", ".join(f"{c.title} -{c.cost:.1f}" for c in worst)


def fail_under_message(card: Scorecard, threshold: float) -> str | None:
    """One line saying why the score is below `threshold` (or that there is no score), or None when it is not."""
    if card.score is not None and card.score >= threshold:
        return None
    if card.score is None:
        return f"no score to compare with fail-under {threshold:g}: {card.reason}"
    worst = ", ".join(f"{c.title} -{c.cost:.1f}" for c in card.costliest())
    return f"score {card.score:.1f} is below fail-under {threshold:g}; most points lost in: {worst}"


def card_of(result: Result) -> Scorecard:
    """The Result's scorecard (scored with the default rubric when the engine did not fill it in)."""
    return result.scorecard if result.scorecard is not None else score(result)


def format_score(value: float | None) -> str:
    """`72.5`, or `n/a`."""
    return "n/a" if value is None else f"{value:.1f}"
