"""Docs as tests: every built-in per-file rule (and each repository rule in FILE_EXAMPLES) finds its declared `bad`
example and not its `good` one, so the examples in docs/rules/ cannot rot. Written over the registry, so every
rule added later is covered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlrepolint.config import Settings
from mlrepolint.engine import Engine
from mlrepolint.rules.base import PythonChecker, Rule
from mlrepolint.rules.meta import HISTORY_RULES, TEST_REPORT_RULES
from mlrepolint.rules.python.notebooks import NotebookHygieneChecker
from mlrepolint.rules.registry import load_registry
from notebooks import code, from_script, notebook

#: The file an example is linted as, for rules that look at file names; everything else is a training script.
EXAMPLE_PATHS: dict[str, str] = {"MLR203": "src/churn/__init__.py"}  # import-time-configuration: a package's
DEFAULT_EXAMPLE_PATH = "train.py"
#: Repository rules whose examples are files: one Python file (linted as a training script), or several files,
#: each after a `# path` line (`# requirements.txt`, then `# train.py`).
FILE_EXAMPLES = ("MLR310", "MLR510", "MLR511", "MLR902")
_FILE_HEADER = re.compile(r"^# (?P<path>[\w./-]+)$", re.M)


def _is_per_file(rule: Rule) -> bool:
    if rule in TEST_REPORT_RULES:  # their examples are reports (tests/test_test_reports.py proves them)
        return False
    if rule in HISTORY_RULES:  # their examples are commits (tests/test_history.py proves them)
        return False
    plugin = load_registry().plugin_of(rule)
    return plugin is None or issubclass(plugin.checker, PythonChecker) or rule.code in FILE_EXAMPLES


def _cases() -> list:
    rules = sorted(load_registry().builtin_rules, key=lambda r: r.code)
    return [pytest.param(rule, kind, id=f"{rule.code}-{kind}") for rule in rules if _is_per_file(rule)
            for kind in ("bad", "good")]


def _example_files(rule: Rule, source: str) -> dict[str, str]:
    """The files an example stands for: a notebook (written as a script, `# In[1]:`) or a listing of notebooks,
    `# path` sections, or one file."""
    if rule in NotebookHygieneChecker.rules:
        names = source.split()
        if all(name.endswith(".ipynb") for name in names):
            return {name: notebook(code("import os\n")) for name in names}
        return {"analysis.ipynb": from_script(source)}
    headers = list(_FILE_HEADER.finditer(source))
    if rule.code not in FILE_EXAMPLES or not headers or headers[0].start() != 0:
        return {EXAMPLE_PATHS.get(rule.code, DEFAULT_EXAMPLE_PATH): source}
    ends = [match.start() for match in headers[1:]] + [len(source)]
    return {match["path"]: source[match.end() + 1:end].rstrip("\n") + "\n" for match, end in zip(headers, ends)}


def _codes_found(root: Path, rule: Rule, source: str) -> list[str]:
    for name, text in _example_files(rule, source).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = Engine(root, False, Settings(select=("ALL",))).run([root])
    return [f.code for f in result.findings]


@pytest.mark.parametrize(("rule", "kind"), _cases())
def test_rule_finds_its_bad_example_and_not_its_good_one(tmp_path: Path, rule: Rule, kind: str):
    found = _codes_found(tmp_path, rule, getattr(rule, kind))
    if kind == "bad":
        assert rule.code in found, f"{rule.code} does not fire on its `bad` example"
    else:
        assert rule.code not in found, f"{rule.code} fires on its `good` example"


def test_every_repository_rule_is_exercised_by_name_in_a_test_module():
    # A repository or test-report rule's examples are files of a repository, not one Python file: its own tests
    # build them. This keeps a new such rule from having none.
    tests = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.rglob("test_*.py"))
    untested = [rule.code for rule in load_registry().builtin_rules
                if not _is_per_file(rule) and rule.code not in tests and rule.name not in tests]
    assert not untested, f"no test module names {untested}"
