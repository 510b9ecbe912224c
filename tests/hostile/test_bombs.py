"""Inputs built to explode: each is a parse-error finding or a bounded result, in seconds, never a traceback."""

from __future__ import annotations

import time

import pytest
from robustness import assert_sound, lint_sound, paths_of, run_bounded

SCRIPT = "import os\nprint(os.sep)\n"
#: Seconds a bomb may cost on top of a plain run (each took minutes, or forever, before).
QUICK = 20


def alias_fan_out(levels: int = 30) -> str:
    """A compose file whose anchors each merge the one before twice: 2**30 paths through the merges."""
    lines = ["x-a0: &a0 {image: python:latest}"]
    lines += [f"x-a{i}: &a{i}\n  <<: [*a{i - 1}, *a{i - 1}]\n  k{i}: v" for i in range(1, levels)]
    lines.append(f"services:\n  web:\n    <<: [*a{levels - 1}, *a{levels - 1}]\n  api:\n    <<: *a{levels - 1}\n")
    return "\n".join(lines)


def timed_lint(root, *args: str) -> dict:
    start = time.monotonic()
    report = lint_sound(root, *args)
    assert time.monotonic() - start < QUICK
    return report


def test_yaml_merge_key_fan_out_in_a_compose_file(repo):
    root = repo({"docker-compose.yml": alias_fan_out(), "a.py": SCRIPT})
    report = timed_lint(root)
    unpinned = [f for f in report["findings"] if f["path"] == "docker-compose.yml" and f["code"] != "MLR001"]
    assert unpinned, report["findings"]  # the merged `image: python:latest` is still seen, once a service
    assert len(unpinned) <= 2


def test_yaml_merge_key_fan_out_in_a_conda_file(repo):
    anchors = alias_fan_out().replace("services:\n  web:", "dependencies:\n  - numpy\n  - pip:\n      - x\nweb:")
    root = repo({"environment.yml": anchors, "a.py": SCRIPT})
    timed_lint(root)


def block_nest(levels: int, leaf: str, indent: int = 0) -> str:
    """A block mapping and sequence nested `levels` deep in half as many columns: each sequence starts in its
    key's column, each item one column further right (the deepest YAML nesting per column)."""
    lines = []
    for level in range(indent, indent + levels // 2):
        lines += [" " * level + "k:", " " * level + "-"]
    return "\n".join([*lines, " " * (indent + levels // 2) + leaf]) + "\n"


WORKFLOW = "on: push\njobs:\n  build:\n"


@pytest.mark.parametrize("nest", [
    lambda leaf: leaf.replace(": ", ": " + "[" * 100_000, 1) + "]" * 100_000,
    lambda leaf: block_nest(1_200, leaf, indent=4),
], ids=["flow", "block"])
def test_yaml_nested_too_deep_to_read(repo, nest):
    deep = WORKFLOW + nest("run: pip install requests")
    root = repo({".github/workflows/ci.yml": deep, "environment.yml": nest("dependencies: numpy"), "a.py": SCRIPT})
    report = timed_lint(root)
    errors = {f["path"]: (f["line"], f["message"]) for f in report["findings"] if f["code"] == "MLR001"}
    assert errors.get(".github/workflows/ci.yml") == errors.get("environment.yml") == (
        1, "invalid YAML: nested too deeply to read")
    assert "a.py" in paths_of(report, "MLR202")  # the rest is linted


def test_yaml_nested_deep_but_readable(repo):
    # 300 levels in 150 columns: read (composed again by PyYAML's own parser past 200), the install at the bottom
    # found on its line
    root = repo({".github/workflows/ci.yml": WORKFLOW + block_nest(300, "run: pip install requests", indent=4),
                 "a.py": SCRIPT})
    report = timed_lint(root)
    found = [(f["path"], f["line"]) for f in report["findings"] if f["code"] in ("MLR001", "MLR505")]
    assert found == [(".github/workflows/ci.yml", 4 + 300)]


@pytest.mark.parametrize("document", [
    "a = " + "[" * 10_000 + "]" * 10_000 + "\n", "a = " + "{b = " * 10_000 + "}" * 10_000 + "\n",
], ids=["arrays", "inline-tables"])
def test_toml_nested_ten_thousand_deep(repo, document):
    root = repo({"pyproject.toml": document, "Pipfile": document, "ruff.toml": document, "a.py": SCRIPT})
    report = timed_lint(root)
    errors = {f["path"]: f["message"] for f in report["findings"] if f["code"] == "MLR001"}
    assert errors.get("pyproject.toml") == errors.get("Pipfile") == "invalid TOML: nested too deeply to read"
    assert "a.py" in paths_of(report, "MLR202")  # linted with the defaults
    timed_lint(root, "--pep8-backend", "ruff")


def test_toml_bomb_under_grade_costs_points(repo, tmp_path):
    plain = repo({"a.py": '"""A."""\n'}, name="plain")
    bomb = repo({"a.py": '"""A."""\n', "pyproject.toml": "a = " + "[" * 10_000 + "]" * 10_000 + "\n"}, name="bomb")
    run = assert_sound(run_bounded("grade", "--format", "csv", str(plain), str(bomb)), codes=(0,))
    rows = {line.split(",")[0]: line.split(",") for line in run.out.splitlines()[1:]}
    plain_score, bomb_score = float(rows[str(plain)][1]), float(rows[str(bomb)][1])
    assert bomb_score < plain_score  # the broken pyproject.toml is a parse-error, not a free pass
    assert rows[str(bomb)][-1] == ""  # and no error column


@pytest.mark.parametrize("source", [
    "x = a" + ".b" * 2_500 + "\n",
    "y = f" + "()" * 2_500 + "\n",
    "z = t" + "[0]" * 2_500 + ".fit()\n",
    "import torch\nmodel = torch" + ".nn" * 2_000 + ".load('w.pt')\n",
], ids=["attributes", "calls", "subscripts", "call-at-the-end"])
def test_a_2500_deep_chain_in_a_python_file(repo, source):
    root = repo({"deep.py": source, "a.py": SCRIPT})
    report = timed_lint(root)
    assert "deep.py" in paths_of(report, "MLR101")  # the per-file rules ran on it
    assert "a.py" in paths_of(report, "MLR202")


def test_a_deep_chain_with_pylint(repo):
    root = repo({"deep.py": "x = a" + ".b" * 2_500 + "\n" + "y = f" + "()" * 2_500 + "\n"})
    report = lint_sound(root, "--with", "pylint")
    assert "deep.py" in paths_of(report, "MLR101")


GITIGNORES = {
    "stars": "*.pyc\n" + "*" * 120 + ".log\n",
    "stars-then-a-letter": "*" * 120 + "x\n",
    "alternating": "*a" * 60 + "b\n",
    "many-segments": "a/**/" * 200 + "b\n",
    "not-words": "*.pyc\n" + "not " * 3_000 + "\n",
    "not-words-with-stars": "*.pyc\n" + "* not " * 2_000 + "\n",
    "nested-sets": "[[a]\n[[:alpha:]]\n[z-a]\n",
}


#: git's own matching goes exponential on this one (`git add` and `git ls-files` do not finish): outside git only.
GIT_HANGS = {"alternating"}


@pytest.mark.parametrize(("name", "git_init"), [
    *((name, True) for name in sorted(GITIGNORES) if name not in GIT_HANGS),
    *((name, False) for name in sorted(GITIGNORES)),
])
def test_gitignore_patterns_are_matched_in_bounded_time(repo, name, git_init):
    files = {
        ".gitignore": GITIGNORES[name], "a.py": SCRIPT, "eda.ipynb": "{}", ".env": "A=1\n",
        "data/" + "a" * 60 + ".csv": "1\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab/c.py": SCRIPT,
    }
    report = timed_lint(repo(files, git_init=git_init))
    assert "a.py" in paths_of(report, "MLR202")


def test_an_overlong_gitignore_line_is_a_finding_on_it(repo):
    root = repo({".gitignore": "*.pyc\n" + "x" * 5_000 + "\n", "a.py": SCRIPT})
    report = timed_lint(root)
    found = [f for f in report["findings"] if f["path"] == ".gitignore" and f["code"] == "MLR001"]
    assert [(f["line"], f["message"]) for f in found] == [
        (2, "pattern of 5,000 characters ignored (longer than 4,096)")
    ]


@pytest.mark.parametrize("exclude", ["*" * 60 + "x", "*a" * 40 + "b"])
def test_repository_exclude_patterns_are_matched_in_bounded_time(repo, exclude):
    config = f'[tool.mlrepolint]\nexclude = ["{exclude}"]\n[tool.mlrepolint.per-file-ignores]\n"{exclude}" = ["MLR1"]\n'
    root = repo({"pyproject.toml": config, "a" * 80 + ".py": SCRIPT})
    report = timed_lint(root)
    assert "a" * 80 + ".py" in paths_of(report, "MLR202")


def test_call_name_globs_from_a_config_are_matched_in_bounded_time(repo):
    config = '[tool.mlrepolint.rules.top-level-execution]\nwork-calls = ["*a*a*a*a*a*a*a*a*a*a*b"]\n'
    root = repo({"pyproject.toml": config, "train.py": "x = " + "a" * 900 + "()\n" + "y = " + "a" * 12 + "b()\n"})
    report = timed_lint(root)
    assert [f["line"] for f in report["findings"] if f["code"] == "MLR201"] == [2]


@pytest.mark.parametrize("value", ["\n    foo", "\n    a.py", "\n    a.py:E1\n    b.py"], ids=["word", "glob", "mixed"])
@pytest.mark.parametrize("args", [(), ("--with", "pylint")], ids=["flake8", "with-pylint"])
def test_a_malformed_flake8_per_file_ignores_is_one_warning(repo, value, args):
    root = repo({"setup.cfg": f"[flake8]\nper-file-ignores ={value}\n", "a.py": SCRIPT + "import sys\n"})
    report = lint_sound(root, *args)
    assert ("F401", "a.py") in {(f["code"], f["path"]) for f in report["findings"]}  # flake8 still ran
    assert [w for w in report["warnings"] if "per-file-ignores" in w] == [
        "flake8: per-file-ignores in setup.cfg ignored, because it is not a list of `glob: codes` entries"
    ]


def test_library_warnings_stay_off_stderr(repo):
    config = '[tool.mlrepolint.rules.top-level-execution]\nwork-calls = ["[[a]*", "[[:alpha:]]*"]\n'
    root = repo({".gitignore": "[[a]\n[[:alpha:]]x\n", "pyproject.toml": config, "a.py": SCRIPT})
    run = assert_sound(run_bounded("--no-cache", ".", cwd=root))
    assert "Warning" not in run.err
