"""The scorer on plain data: formulas, n/a categories, weights, costs, and the monotonicity property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlrepolint.rules.base import CATEGORIES, Finding, Severity
from mlrepolint.rules.registry import load_registry
from mlrepolint.scoring import Rubric, Scorecard, grade, grade_reason, score_parts

RULES = load_registry().rules
PER_FILE = ("MLR101", "MLR103", "MLR201", "MLR801", "MLR901")
REPOSITORY = ("MLR503", "MLR701", "MLR702", "MLR704")


def finding(code: str, path: str = "m.py", source: str = "mlrepolint", severity: Severity = Severity.WARNING,
            ) -> Finding:
    if source != "mlrepolint":
        return Finding(code, code, "code-quality", severity, source, path, 1, 1, "wrapped")
    rule = RULES[code]
    return Finding(code, rule.name, rule.category, severity, source, path, 1, 1, "m")


def card(findings=(), examined=None, by_file=None, lines=0, rubric=None, failing=None) -> Scorecard:
    return score_parts(findings, examined or {}, by_file or {}, lines, rubric or Rubric(), RULES, failing)


def category(c: Scorecard, ident: str):
    return next(x for x in c.categories if x.id == ident)


def rule_score(c: Scorecard, name: str) -> float:
    return next(r.score for x in c.categories for r in x.rules if r.rule == name)


def test_per_file_rule_is_the_share_of_units_that_pass():
    # 4 public functions in two files, one undocumented
    c = card([finding("MLR103", "a.py")], {"MLR103": 4}, {"a.py": {"MLR103": 3}, "b.py": {"MLR103": 1}})
    assert rule_score(c, "missing-function-docstring") == 0.75


def test_a_files_findings_count_at_most_its_examined_units():
    # ten top-level statements in one module of two fail one module, not ten
    findings = [finding("MLR201", "a.py")] * 10
    c = card(findings, {"MLR201": 2}, {"a.py": {"MLR201": 1}, "b.py": {"MLR201": 1}})
    assert rule_score(c, "top-level-execution") == 0.5


@pytest.mark.parametrize("examined, findings, expected", [
    (1, 1, 0.0),     # one requirement (a README), failed
    (2, 1, 0.5),     # README with install but no usage
    (35, 2, 0.943),  # 2 of 35 requirements unpinned
    (4, 1, 0.75),    # one gitignore gap of four
    (4, 5, 0.0),     # floored at 0
    (0, 1, 0.0),     # a rule that reports without examining is taken to have examined one unit
])
def test_repository_rule_scores_the_share_of_units_that_pass(examined, findings, expected):
    c = card([finding("MLR501", "requirements.txt")] * findings, {"MLR501": examined} if examined else {})
    assert rule_score(c, "unpinned-requirement") == pytest.approx(expected, abs=0.001)


def test_a_finding_can_stand_for_several_units():
    # 3 test functions where 20 are expected: one finding, 17 failing units
    c = card([finding("MLR702", "tests/")], {"MLR702": 20}, failing={"MLR702": {"tests/": 17}})
    assert rule_score(c, "missing-tests") == pytest.approx(0.15)
    assert card([], {"MLR702": 20}, failing={"MLR702": {"tests/": 17}}).score == 100.0  # suppressed: no cost


@pytest.mark.parametrize("severity, expected", [
    (Severity.ERROR, 0.8), (Severity.WARNING, 0.9), (Severity.INFO, 0.975),
])
def test_severity_weights_what_a_finding_costs(severity, expected):
    c = card([finding("MLR501", "requirements.txt", severity=severity)], {"MLR501": 10})
    assert rule_score(c, "unpinned-requirement") == pytest.approx(expected)


def test_severity_weights_are_configurable_and_apply_to_pep8():
    rubric = Rubric(severity_weights={"error": 5.0, "info": 0.0})
    c = card([finding("MLR501", "requirements.txt", severity=Severity.ERROR),
              finding("MLR501", "requirements.txt", severity=Severity.INFO)], {"MLR501": 10}, rubric=rubric)
    assert rule_score(c, "unpinned-requirement") == pytest.approx(0.5)
    pep8 = card([finding("E999", source="flake8", severity=Severity.ERROR)] * 2, lines=100)
    assert rule_score(pep8, "pep8") == pytest.approx(0.6)  # 2 errors count 4 violations per 100 lines


def test_per_file_units_count_the_heaviest_findings():
    # one module, one unit: an error and a warning in it fail the unit at the error's weight
    findings = [finding("MLR201", "a.py"), finding("MLR201", "a.py", severity=Severity.ERROR)]
    c = card(findings, {"MLR201": 4}, {"a.py": {"MLR201": 1}, "b.py": {"MLR201": 3}})
    assert rule_score(c, "top-level-execution") == pytest.approx(0.5)


@pytest.mark.parametrize("violations, lines, expected", [(0, 100, 1.0), (5, 100, 0.5), (2, 200, 0.9), (30, 100, 0.0)])
def test_pep8_is_violations_per_100_lines_against_the_tolerance(violations, lines, expected):
    c = card([finding("E501", source="flake8")] * violations, lines=lines)
    assert rule_score(c, "pep8") == pytest.approx(expected)


def test_pep8_tolerance_is_configurable():
    c = card([finding("E501", source="flake8")] * 5, lines=100, rubric=Rubric(pep8_tolerance=20))
    assert rule_score(c, "pep8") == 0.75


def test_categories_without_anything_examined_are_not_applicable():
    c = card([], {"MLR101": 2}, {"a.py": {"MLR101": 1}, "b.py": {"MLR101": 1}})
    applicable = {x.id for x in c.categories if x.score is not None}
    assert applicable == {"documentation"}
    assert category(c, "containers").score is None
    assert category(c, "containers").reason == "no Dockerfile or compose file"
    assert category(c, "documentation").reason is None
    assert c.score == 100.0 and c.grade == "A" and c.reason is None


def test_a_category_none_of_whose_rules_is_selected_says_so():
    selected = {code: rule for code, rule in RULES.items() if rule.category != "containers"}
    c = score_parts([], {"MLR101": 1}, {}, 0, Rubric(), selected)
    assert category(c, "containers").reason == "none of its rules is selected"


def test_nothing_examined_means_no_score():
    c = card()
    assert (c.score, c.grade, c.reason) == (None, None, "no rubric category applies")
    assert [x.id for x in c.categories] == list(CATEGORIES)


def test_overall_is_the_weighted_mean_of_applicable_categories_and_costs_add_up():
    findings = [finding("MLR702", "tests/"), finding("MLR101", "a.py")]
    examined = {"MLR702": 1, "MLR101": 2, "MLR701": 1}
    by_file = {"a.py": {"MLR101": 1}, "b.py": {"MLR101": 1}}
    even = Rubric(weights={"testing": 1.0})
    plain = card(findings, examined, by_file, rubric=even)
    # documentation = mean(0.5 docstrings, 1.0 readme) = 75; testing = 0
    assert category(plain, "documentation").score == 75.0
    assert category(plain, "testing").score == 0.0
    assert plain.score == 37.5
    assert grade_reason(plain) == "Grade F (below 60); most points lost in Testing -50.0, Documentation -12.5"
    assert sum(x.cost for x in plain.categories) == pytest.approx(100 - plain.score)
    weighted = card(findings, examined, by_file)  # testing weighs 3 by default
    assert weighted.score == 18.8  # (75 + 3 * 0) / 4
    assert category(weighted, "testing").cost == pytest.approx(75.0)
    rule_weighted = card(findings, examined, by_file, rubric=Rubric(rule_weights={"MLR101": 3.0}))
    assert category(rule_weighted, "documentation").score == 62.5  # (3 * 0.5 + 1) / 4


def test_a_zero_weight_leaves_a_category_out():
    c = card([finding("MLR702", "tests/")], {"MLR702": 1, "MLR701": 1}, rubric=Rubric(weights={"testing": 0}))
    assert c.score == 100.0
    assert category(c, "testing").score == 0.0


def test_default_weights_put_tests_first_and_set_up_last():
    rubric = Rubric()
    assert [rubric.weight(c) for c in ("testing", "dependencies", "data-hygiene", "documentation", "security")] == [
        3.0, 1.5, 1.5, 1.0, 1.0]
    assert [rubric.weight(c) for c in ("containers", "logging-errors", "configuration", "project-setup")] == [
        0.5, 0.5, 0.5, 0.5]
    assert Rubric(weights={"project-setup": 2}).weight("project-setup") == 2.0


def test_a_rule_declared_info_weighs_a_quarter_in_its_category():
    # notebook-execution-order (info) beside notebook-with-outputs (warning): each fails its one notebook
    c = card([finding("MLR303", "nb.ipynb")], {"MLR303": 1, "MLR304": 1})
    assert category(c, "data-hygiene").score == pytest.approx(100 * 0.25 / 1.25)
    assert Rubric(rule_weights={"MLR304": 1}).rule_weight("MLR304", Severity.INFO) == 1.0


@pytest.mark.parametrize("value, letter", [
    (100.0, "A"), (90.0, "A"), (89.9, "B"), (80.0, "B"), (79.9, "C"), (70.0, "C"), (60.0, "D"), (59.9, "F"), (0, "F"),
])
def test_grade_boundaries(value, letter):
    assert grade(value) == letter


# --- monotonicity --------------------------------------------------------------------------------------------

PATHS = ("a.py", "pkg/b.py", "pkg/c.py")


@st.composite
def scored_repositories(draw):
    """A repository as the scorer sees it: per-file denominators, repository requirements, and findings that
    respect the engine's contract (a rule reports only in what it examined)."""
    by_file: dict[str, dict[str, int]] = {}
    findings: list[Finding] = []
    for path in PATHS:
        units = {code: draw(st.integers(0, 4)) for code in draw(st.sets(st.sampled_from(PER_FILE)))}
        units = {code: n for code, n in units.items() if n}
        by_file[path] = units
        for code, n in units.items():
            findings += [finding(code, path)] * draw(st.integers(0, n + 2))
    examined: dict[str, int] = {}
    for units in by_file.values():
        for code, n in units.items():
            examined[code] = examined.get(code, 0) + n
    failing: dict[str, dict[str, int]] = {}
    for code in draw(st.sets(st.sampled_from(REPOSITORY))):
        examined[code] = draw(st.integers(1, 40))
        for n in range(draw(st.integers(0, 4))):
            path = f"f{n}"
            findings.append(finding(code, path, severity=draw(st.sampled_from(list(Severity)))))
            if draw(st.booleans()):
                failing.setdefault(code, {})[path] = draw(st.integers(2, examined[code] + 2))
    lines = draw(st.integers(0, 500))
    if lines:
        findings += [finding("E501", "a.py", source="flake8", severity=draw(st.sampled_from(list(Severity))))
                     for _ in range(draw(st.integers(0, 40)))]
    ids = list(CATEGORIES)
    rubric = Rubric(
        weights={c: draw(st.sampled_from((0.0, 0.5, 1.0, 3.0))) for c in draw(st.sets(st.sampled_from(ids)))},
        rule_weights={c: draw(st.sampled_from((0.0, 1.0, 2.0))) for c in draw(st.sets(st.sampled_from(PER_FILE)))},
        pep8_tolerance=draw(st.sampled_from((5.0, 10.0, 50.0))),
        severity_weights={s.value: draw(st.sampled_from((0.0, 0.25, 1.0, 2.0, 5.0)))
                          for s in draw(st.sets(st.sampled_from(list(Severity))))},
    )
    return findings, examined, by_file, lines, rubric, failing


def _scores(c: Scorecard) -> dict:
    values = {"overall": c.score}
    for x in c.categories:
        values[x.id] = x.score
        values.update({(x.id, r.rule): r.score for r in x.rules})
    return values


@settings(max_examples=120, deadline=None)
@given(scored_repositories(), st.data())
def test_fixing_a_finding_never_lowers_any_score(repository, data):
    findings, examined, by_file, lines, rubric, failing = repository
    if not findings:
        return
    index = data.draw(st.integers(0, len(findings) - 1))
    fixed = findings[:index] + findings[index + 1:]
    if data.draw(st.booleans()):  # or make one finding less severe
        lighter = {Severity.ERROR: Severity.WARNING, Severity.WARNING: Severity.INFO, Severity.INFO: Severity.INFO}
        fixed = findings[:index] + [findings[index]._replace(severity=lighter[findings[index].severity])] \
            + findings[index + 1:]
        if rubric.severity_weight(fixed[index].severity) > rubric.severity_weight(findings[index].severity):
            return  # a configuration that weighs info above warning: lighter is not less here
    before = _scores(card(findings, examined, by_file, lines, rubric, failing))
    after = _scores(card(fixed, examined, by_file, lines, rubric, failing))
    assert before.keys() == after.keys()
    for key, value in before.items():
        if value is not None:
            assert after[key] >= value, key


@settings(max_examples=60, deadline=None)
@given(scored_repositories())
def test_costs_explain_every_lost_point(repository):
    c = card(*repository)
    if c.score is None:
        return
    assert sum(x.cost for x in c.categories) == pytest.approx(100 - c.score, abs=0.06)
    assert all(0 <= r.score <= 1 for x in c.categories for r in x.rules)


# --- absence never pays: removing good practice, through the engine ------------------------------------------

MODULES = {
    "clean": '"""Helpers."""\nimport pandas as pd\n\n\ndef load(path):\n    """Load a table."""\n'
             '    return pd.read_csv(path)\n',
    "script": 'import pandas as pd\n\ndf = pd.read_csv("data/train.csv")\nprint(df.shape)\n',
    "stdlib": '"""Maths."""\n\n\ndef add(a, b):\n    """Add."""\n    return a + b\n',
    "untidy": "import pandas as pd\nx=pd.DataFrame( )\n",
}
READMES = ("# p\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\npython m0.py\n", "# p\n")
PRE_COMMITS = ("repos:\n- repo: local\n  hooks:\n  - id: ruff\n",
               "repos:\n- repo: local\n  hooks:\n  - id: ruff\n  - id: nbstripout\n  - id: gitleaks\n")
NOTEBOOK = ('{"cells": [{"cell_type": "code", "execution_count": 1, "source": ["import pandas"], '
            '"outputs": [{"output_type": "stream", "text": ["x"]}]}], "nbformat": 4}')


@st.composite
def ml_repositories(draw):
    """A committed repository: some modules, some good-practice files (each a group that can be removed), and
    some of what good practice is about (data, notebooks, a .env). Dependencies are declared one way (a
    requirements file, or pyproject.toml and maybe its lock), as projects do: removing one of two redundant
    declarations, one of them unpinned, is not removing the practice."""
    kinds = draw(st.lists(st.sampled_from(sorted(MODULES)), min_size=1, max_size=3))
    files = {f"m{i}.py": MODULES[kind] for i, kind in enumerate(kinds)}
    imports_pandas = any(kind != "stdlib" for kind in kinds)
    groups: dict[str, list[str]] = {}

    def add(group: str, extra: dict[str, str]) -> None:
        files.update(extra)
        groups[group] = sorted(extra)

    if draw(st.booleans()):
        add("README", {"README.md": draw(st.sampled_from(READMES))})
    if draw(st.booleans()):
        count = draw(st.integers(1, 3))
        add("tests", {f"tests/test_m{i}.py": f"import m0\n\n\ndef test_m{i}():\n    assert m0\n" for i in range(count)})
    declared = draw(st.sampled_from(("nothing", "requirements", "pyproject")))  # one way of declaring, or none
    if declared == "requirements" and imports_pandas:  # a requirements file lists what the code imports
        add("requirements", {"requirements.txt": draw(st.sampled_from(("pandas\n", "pandas==2.2.2\n")))})
    elif declared == "pyproject":  # an application (it has a Dockerfile) declaring ranges, maybe locked
        files.update({"pyproject.toml": '[project]\nname = "p"\nrequires-python = ">=3.10"\n'
                                        'dependencies = ["pandas>=2"]\n', "Dockerfile": "FROM python:3.11.9-slim\n"})
        if draw(st.booleans()):
            add("lock file", {"uv.lock": "version = 1\n"})
    if draw(st.booleans()):
        entries = draw(st.sampled_from(("__pycache__/\n", "data/\n.env\n.ipynb_checkpoints/\n")))
        add(".gitignore", {".gitignore": entries})
    if draw(st.booleans()):
        add("LICENSE", {"LICENSE": "MIT\n"})
    if draw(st.booleans()):
        add("CI", {".github/workflows/ci.yml": "on: push\n"})
    if draw(st.booleans()):
        add("pre-commit", {".pre-commit-config.yaml": draw(st.sampled_from(PRE_COMMITS))})
    for path, content in (("data/train.csv", "a,b\n" + "1,2\n" * 40), ("eda.ipynb", NOTEBOOK), (".env", "K=v\n")):
        if draw(st.booleans()):
            files[path] = content
    if not groups:
        add("README", {"README.md": READMES[0]})
    removed = draw(st.sampled_from(sorted(groups)))
    return files, removed, groups[removed]


def _engine_score(root) -> float | None:
    from mlrepolint.config import Settings
    from mlrepolint.engine import Engine

    return Engine(root, True, Settings(cache=False, jobs=1)).run([root]).scorecard.score


@settings(max_examples=20, deadline=None)
@given(ml_repositories())
def test_removing_a_good_practice_file_never_raises_the_score(repository):
    import tempfile
    from pathlib import Path

    from conftest import git, make_git_repo

    files, group, paths = repository
    with tempfile.TemporaryDirectory() as folder:
        root = make_git_repo(Path(folder) / "repo", files)
        before = _engine_score(root)
        git(root, "rm", "-q", *paths)
        git(root, "commit", "-q", "-m", f"remove the {group}")
        after = _engine_score(root)
    assert after is not None and before is not None
    assert after <= before, f"removing the {group} raised the score from {before} to {after}"
