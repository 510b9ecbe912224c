"""The score's configurable part: the weights of categories, rules and severities (`[tool.mlrepolint.rubric]`).

Apart from `mlrepolint.scoring`, which computes the scorecard, so that reading the settings does not load the scorer:
the flake8 and pylint plugins read the settings for every file and never score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from mlrepolint.rules.base import Severity

#: The pseudo-rule that stands for the wrapped linters' findings (flake8, ruff, pylint).
PEP8 = "pep8"
#: Failing units a finding counts, by severity (`[tool.mlrepolint.rubric.severity-weights]`).
SEVERITY_WEIGHTS: Mapping[str, float] = {"error": 2.0, "warning": 1.0, "info": 0.25}
#: Category weights other than 1, calibrated on the corpus of real repositories (benchmarks/RESULTS.md): tests
#: are what most separates a maintained project from a snapshot; whether it can be installed again and whether
#: data stays out of git come next; containers, logging, configuration and project set-up inform rather than
#: dominate (a library's example Dockerfile, a print, one hardcoded path, a missing CI file).
CATEGORY_WEIGHTS: Mapping[str, float] = {
    "testing": 3.0, "dependencies": 1.5, "data-hygiene": 1.5,
    "containers": 0.5, "logging-errors": 0.5, "configuration": 0.5, "project-setup": 0.5,
}
#: A rule declared `info` (its findings are informational) weighs this much in its category; other rules 1.
INFO_RULE_WEIGHT = 0.25


@dataclass(frozen=True)
class Rubric:
    """The configurable part of the score: weights and the constants of the formula."""

    weights: Mapping[str, float] = field(default_factory=dict)  # category id -> weight (CATEGORY_WEIGHTS, else 1)
    rule_weights: Mapping[str, float] = field(default_factory=dict)  # rule code or "pep8" -> weight (default 1)
    pep8_tolerance: float = 10.0  # weighted wrapped-linter violations per 100 lines at which PEP 8 scores 0
    severity_weights: Mapping[str, float] = field(default_factory=dict)  # severity -> failing units per finding

    def weight(self, category: str) -> float:
        """A category's weight."""
        return float(self.weights.get(category, CATEGORY_WEIGHTS.get(category, 1.0)))

    def rule_weight(self, code: str, severity: Severity | None = None) -> float:
        """A rule's weight inside its category: configured, else 1, or INFO_RULE_WEIGHT for a rule declared at
        `severity` info."""
        return float(self.rule_weights.get(code, INFO_RULE_WEIGHT if severity is Severity.INFO else 1.0))

    def severity_weight(self, severity: Severity) -> float:
        """Failing units one finding of this severity counts."""
        return float(self.severity_weights.get(severity.value, SEVERITY_WEIGHTS[severity.value]))
