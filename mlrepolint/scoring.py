"""The rubric: findings and the rules' denominators -> rule scores -> category scores -> overall score and grade.

The scorer never runs a rule. It reads the findings left after suppression, how many things each rule examined
(per file for per-file rules), and the number of Python lines linted.

- Per-file rule (it examined units in files): the share of units that pass, `1 - failing / examined`. A file's
  findings count at most the units examined in that file (ten top-level statements in one module fail one
  module, not ten).
- Repository rule (it examined requirements of the whole repository): `1 - findings * max(penalty, 1 / examined)`,
  floored at 0, where `penalty` is `finding-penalty` (default 0.5): a rule that checked one requirement (a README
  exists) scores 0 when it fails, a rule that checked four (gitignore entries) loses 0.5 per gap.
- PEP 8 (findings of the wrapped linters: `source` is not mlrepolint, category code-quality): violations per 100
  Python lines against `pep8-tolerance` (default 10): `max(0, 1 - rate / tolerance)`.
- A rule applies when it examined something or reported something. A category is the weighted mean of its rules
  that apply (n/a when none does); the overall score (0-100) is the weighted mean of the categories that apply.
  Grades: A >= 90, B >= 80, C >= 70, D >= 60, F below.

Removing a finding never lowers a rule's score, so never a category's or the overall score, as long as checkers
record what they examine (`ctx.examine`) -- which every built-in checker does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from mlrepolint.rules.base import CATEGORIES, Finding

if TYPE_CHECKING:
    from mlrepolint.results import Result

#: The pseudo-rule that stands for the wrapped linters' findings (flake8, ruff, pylint).
PEP8 = "pep8"
PEP8_CATEGORY = "code-quality"
GRADES = ((90.0, "A"), (80.0, "B"), (70.0, "C"), (60.0, "D"))
FAIL_ON = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class Rubric:
    """The configurable part of the score: weights and the two constants of the formula."""

    weights: Mapping[str, float] = field(default_factory=dict)  # category id -> weight (default 1)
    rule_weights: Mapping[str, float] = field(default_factory=dict)  # rule code or "pep8" -> weight (default 1)
    pep8_tolerance: float = 10.0  # wrapped-linter violations per 100 lines at which PEP 8 scores 0
    finding_penalty: float = 0.5  # the least a repository rule loses per finding

    def weight(self, category: str) -> float:
        """A category's weight."""
        return float(self.weights.get(category, 1.0))

    def rule_weight(self, code: str) -> float:
        """A rule's weight inside its category."""
        return float(self.rule_weights.get(code, 1.0))


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
    """One rubric category: score 0-100 (None when no rule applies), its weight and its rules."""

    id: str
    title: str
    score: float | None
    weight: float
    rules: tuple[RuleScore, ...] = ()

    @property
    def cost(self) -> float:
        """Overall points this category cost."""
        return sum(rule.cost for rule in self.rules)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "id": self.id, "title": self.title,
            "score": None if self.score is None else round(self.score, 1),
            "weight": self.weight, "cost": round(self.cost, 1),
            "rules": [rule.to_dict() for rule in self.rules],
        }


@dataclass(frozen=True)
class Scorecard:
    """The whole rubric: overall score (None when nothing applies), grade, every category in CATEGORIES order."""

    score: float | None
    grade: str | None
    categories: tuple[CategoryScore, ...]

    def costliest(self, limit: int = 3) -> list[CategoryScore]:
        """The categories that cost the most points, most first (those that cost nothing left out)."""
        costly = [c for c in self.categories if round(c.cost, 1) > 0]
        return sorted(costly, key=lambda c: -round(c.cost, 1))[:limit]  # ties keep the rubric's order


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
    """Score a Result. `rules` maps codes to their declarations (for names and categories of rules with no
    finding); by default the registry's."""
    if rules is None:
        from mlrepolint.rules.registry import load_registry

        rules = load_registry().rules
    return score_parts(
        result.findings, result.examined, getattr(result, "examined_by_file", {}),
        getattr(result, "python_lines", 0), rubric or Rubric(), rules,
    )


def score_parts(
    findings: Iterable[Finding],
    examined: Mapping[str, int],
    examined_by_file: Mapping[str, Mapping[str, int]],
    python_lines: int,
    rubric: Rubric,
    rules: Mapping[str, Any],
) -> Scorecard:
    """The scorer proper, on plain data (what the property tests drive)."""
    findings = list(findings)
    ours = [f for f in findings if f.source == "mlrepolint"]
    wrapped = [f.category for f in findings if f.source != "mlrepolint"].count(PEP8_CATEGORY)  # fast for 100,000s
    names = {code: (rule.name, rule.category) for code, rule in rules.items()}
    names.update({f.code: (f.rule, f.category) for f in ours})
    found: dict[str, Counter] = {}
    for f in ours:
        found.setdefault(f.code, Counter())[f.path] += 1
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
        n, where = examined.get(code, 0), found.get(code, Counter())
        value = _rule_value(n, where, units.get(code), rubric.finding_penalty)
        by_category[category].append(RuleScore(code, name, value, sum(where.values()), n, rubric.rule_weight(code)))
    if python_lines > 0 or wrapped:
        rate = 100.0 * wrapped / max(python_lines, 1)
        value = max(0.0, 1.0 - rate / rubric.pep8_tolerance) if rubric.pep8_tolerance > 0 else float(wrapped == 0)
        by_category[PEP8_CATEGORY].append(RuleScore(None, PEP8, value, wrapped, python_lines, rubric.rule_weight(PEP8)))
    return _combine(by_category, rubric)


def _rule_value(examined: int, found: Mapping[str, int], units: Mapping[str, int] | None, penalty: float) -> float:
    """A per-file rule (it has per-file units): the share of units that pass, a file's findings counting at most
    its units. Any other rule: 1 - findings * max(penalty, 1 / examined), floored at 0."""
    if units:
        failing = sum(min(count, units.get(path, count)) for path, count in found.items())
        return 1.0 - min(failing, examined) / examined
    per_finding = max(penalty, 1.0 / examined if examined else 0.0)
    return max(0.0, 1.0 - sum(found.values()) * per_finding)


def _combine(by_category: Mapping[str, list[RuleScore]], rubric: Rubric) -> Scorecard:
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
        ))
    shown = None if overall is None else round(overall, 1)
    return Scorecard(shown, grade(shown), tuple(categories))


def as_dict(card: Scorecard) -> dict[str, Any]:
    """score, grade and categories, as the JSON report carries them."""
    return {
        "score": card.score,
        "grade": card.grade,
        "categories": [category.to_dict() for category in card.categories],
    }


def costs_line(category: CategoryScore, limit: int = 3) -> str:
    """`missing-readme -8.3, print-in-module -2.1` for the rules that cost points, most first."""
    parts = [f"{r.rule} -{r.cost:.1f}" for r in category.rules if round(r.cost, 1) > 0][:limit]
    more = sum(1 for r in category.rules if round(r.cost, 1) > 0) - len(parts)
    return ", ".join(parts) + (f", +{more} more" if more > 0 else "")


def fail_under_message(card: Scorecard, threshold: float) -> str | None:
    """One line saying why the score is below `threshold`, or None when it is not."""
    if card.score is not None and card.score >= threshold:
        return None
    if card.score is None:
        return f"no rubric category applies, so there is no score to compare with fail-under {threshold:g}"
    worst = ", ".join(f"{c.title} -{c.cost:.1f}" for c in card.costliest())
    return f"score {card.score:.1f} is below fail-under {threshold:g}; most points lost in: {worst}"


def card_of(result: Result) -> Scorecard:
    """The Result's scorecard (scored with the default rubric when the engine did not fill it in)."""
    return result.scorecard if result.scorecard is not None else score(result)


def format_score(value: float | None) -> str:
    """`72.5`, or `n/a`."""
    return "n/a" if value is None else f"{value:.1f}"
