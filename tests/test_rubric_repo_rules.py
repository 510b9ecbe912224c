"""missing-readme, missing-tests, missing-gitignore, gitignore-gaps, python-version-undeclared on real git repos.

The repository rules run in process (the same Engine the CLI runs) to keep the many small cases fast; one CLI
test at the end checks what the user sees.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from mlrepolint.config import Settings
from mlrepolint.engine import Engine

CODE = "train.py"  # any repository below has Python code unless it says otherwise
PY = {CODE: "X = 1\n"}
TEST_TRAIN = "from train import main\n\n\ndef test_main():\n    assert main() is None\n"
GOOD_README = "# p\n\n## Installation\n\npip install -r requirements.txt\n\n## Usage\n\npython train.py\n"


def lint(root, code: str) -> tuple[list[tuple[str, str]], int]:
    """(path, message) of each finding of `code`, and how many things the rule examined."""
    result = Engine(root, (root / ".git").exists(), Settings(select=(code,))).run([root])
    return [(f.path, f.message) for f in result.findings], result.examined.get(code, 0)


def check(repo, code, files, expected, *, git_init=True):
    found, examined = lint(repo(files, git_init=git_init), code)
    assert found == expected
    return examined


@pytest.mark.parametrize("files, expected", [
    pytest.param(PY, [("README.md", "no README at the repository root")], id="no-readme"),
    pytest.param({**PY, "docs/README.md": GOOD_README}, [("README.md", "no README at the repository root")],
                 id="readme-only-in-docs"),
    pytest.param({**PY, "README.md": "# churn\n\nPredicts churn.\n"},
                 [("README.md", "README has no install instructions"),
                  ("README.md", "README has no usage instructions")], id="bare-readme"),
    pytest.param({**PY, "README.rst": "churn\n=====\n\nInstallation\n------------\n\npip install churn\n"},
                 [("README.rst", "README has no usage instructions")], id="rst-without-usage"),
    pytest.param({**PY, "readme.txt": "Usage: python train.py --epochs 3\n"},
                 [("readme.txt", "README has no install instructions")], id="lowercase-without-install"),
    pytest.param({**PY, "README.md": GOOD_README}, [], id="good-readme"),
    pytest.param({**PY, "README": "Getting started: pip install . then run `python -m churn`.\n"}, [],
                 id="plain-readme-with-both"),
])
def test_missing_readme(repo, files, expected):
    check(repo, "MLR701", files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({"src/pkg/model.py": "X = 1\n"}, [("tests/", "1 Python module and no test files")], id="no-tests"),
    pytest.param({"train.py": "", "utils.py": "", "conftest.py": ""},
                 [("tests/", "2 Python modules and no test files")], id="conftest-is-not-a-test"),
    pytest.param({"train.py": "", "tests/__init__.py": ""}, [("tests/", "1 Python module and no test files")],
                 id="empty-tests-package"),
    pytest.param({"train.py": "", "tests/test_train.py": TEST_TRAIN}, [], id="tests-folder"),
    pytest.param({"src/pkg/m.py": "", "src/pkg/tests/test_m.py": "from ..m import f\n\n\ndef test_f():\n"
                  "    assert f()\n"}, [], id="tests-inside-package"),
    pytest.param({"pkg/model.py": "", "pkg/model_test.py": "from pkg.model import fit\n\n\ndef test_fit():\n"
                  "    assert fit()\n"}, [], id="suffix-style"),
    pytest.param({"train.py": "", "tests/test_train.py": ""},
                 [("tests/", "1 Python module and no test that exercises them (the test files define no test "
                   "function)")], id="empty-test-file-earns-nothing"),
    pytest.param({"train.py": "", "tests/test_train.py": "def test_nothing():\n    pass\n"},
                 [("tests/", "1 Python module and no test that exercises them (no test function imports project "
                   "code or asserts)")], id="placeholder-test"),
    pytest.param({"train.py": "", "tests/test_train.py": "def test_maths():\n    assert 1 + 1 == 2\n"},
                 [("tests/", "1 Python module and no test that exercises them (no test imports project code)")],
                 id="test-of-nothing-in-the-project"),
    pytest.param({"train.py": "", "tests/test_train.py": "import train\n\n\ndef test_main():\n    train.main()\n"},
                 [("tests/", "1 Python module and no test that exercises them (no test function asserts "
                   "anything)")], id="test-without-assert"),
    pytest.param({"train.py": "", "tests/conftest.py": "import train\n", "tests/test_train.py":
                  "def test_main(model):\n    assert model\n"}, [], id="project-imported-by-conftest"),
    pytest.param({"train.py": "", "tests/helpers.py": "from train import main\n", "tests/test_train.py":
                  "from tests.helpers import main\n\n\ndef test_main():\n    assert main()\n"}, [],
                 id="project-imported-by-a-helper"),
    pytest.param({"cli.py": "", "tests/test_cli.py": "import subprocess\n\n\ndef test_help():\n"
                  "    assert subprocess.run(['python', 'cli.py']).returncode == 0\n"}, [], id="command-line-test"),
    pytest.param({**{f"m{i}.py": "" for i in range(6)}, "tests/test_m.py": "import m0\n\n\ndef test_a():\n"
                  "    assert m0\n"},
                 [("tests/", "1 test function exercise the project's 6 modules: 2 expected at tests-per-module "
                   "0.25")], id="too-few-for-the-modules"),
    pytest.param({**{f"m{i}.py": "" for i in range(14)}, "tests/test_m.py": (
        "import m0\n\n\nclass TestM:\n    async def test_a(self):\n        assert m0\n\n"
        "    def  test_b(self):\n        assert m0\n\n\tdef\ttest_c (self):\n        assert m0\n\n\n"
        'SOURCE = "def test_quoted(): pass"  # async def test_commented(\nx = 1; asyncdef = "def test_x("\n')},
                 [("tests/", "3 test functions exercise the project's 14 modules: 4 expected at tests-per-module "
                   "0.25")], id="test-functions-counted-at-line-starts-only"),
    pytest.param({"analysis.ipynb": "{}", "README.md": GOOD_README}, [], id="notebook-only"),
    pytest.param({"setup.py": "from setuptools import setup\n"}, [], id="only-setup-py"),
])
def test_missing_tests(repo, files, expected):
    check(repo, "MLR702", files, expected)


@pytest.mark.parametrize("tests, score", [(0, 0.0), (1, 1 / 3), (2, 2 / 3), (3, 1.0), (5, 1.0)])
def test_missing_tests_scores_the_share_of_expected_test_functions(repo, tests, score):
    files = {f"m{i}.py": "" for i in range(10)}  # 10 modules: 3 test functions expected
    if tests:
        body = "".join(f"\n\ndef test_{i}():\n    assert m0\n" for i in range(tests))
        files["tests/test_m.py"] = "import m0\n" + body
    run = run_cli("--select", "MLR702", "--format", "json", cwd=repo(files))
    rule = next(r for c in run.json["categories"] for r in c["rules"] if r["rule"] == "missing-tests")
    assert (rule["examined"], rule["score"]) == (3, round(score, 3))
    assert run.json["score"] == round(100 * score, 1)


def test_tests_per_module_is_an_option(repo):
    root = repo({**{f"m{i}.py": "" for i in range(16)}, "tests/test_m.py": "import m0\n\n\ndef test_a():\n"
                 "    assert m0\n", "mlrepolint.toml": "[rules.missing-tests]\ntests-per-module = 0.0625\n"})
    run = run_cli("--select", "MLR702", "--format", "json", cwd=root)
    assert run.findings == [] and run.json["score"] == 100.0


@pytest.mark.parametrize("files, git_init, expected", [
    pytest.param(PY, True, [(".gitignore", "no .gitignore at the repository root")], id="none"),
    pytest.param({**PY, "sub/.gitignore": "*.csv\n"}, True, [(".gitignore", "no .gitignore at the repository root")],
                 id="nested-only"),
    pytest.param(PY, False, [(".gitignore", "no .gitignore at the repository root")], id="outside-git"),
    pytest.param({**PY, ".gitignore": ""}, True, [], id="empty-gitignore-is-there"),
    pytest.param({**PY, ".gitignore": "__pycache__/\n"}, False, [], id="outside-git-with-gitignore"),
])
def test_missing_gitignore(repo, files, git_init, expected):
    check(repo, "MLR703", files, expected, git_init=git_init)


def _gap(label, entry):
    return (".gitignore", f".gitignore has no entry covering {label} (add `{entry}`)")


@pytest.mark.parametrize("files, expected, examined", [
    pytest.param({**PY, ".gitignore": "__pycache__/\n", "data/train.csv": "a\n1\n"},
                 [_gap("the data folder `data/` (data/train.csv)", "data/")], 1, id="data"),
    pytest.param({**PY, ".gitignore": "__pycache__/\n", "project/datasets/raw.parquet": "x"},
                 [_gap("the data folder `datasets/` (project/datasets/raw.parquet)", "datasets/")], 1,
                 id="nested-data"),
    pytest.param({**PY, ".gitignore": "data/\n", ".env": "A=1\n"}, [_gap("the env file `.env`", ".env")], 1, id="env"),
    pytest.param({**PY, ".gitignore": "*.pyc\n", ".venv/pyvenv.cfg": "home = /usr\n"},
                 [_gap("the virtual environment `.venv/`", ".venv/")], 1, id="venv"),
    pytest.param({**PY, ".gitignore": "*.pyc\n", "notebooks/eda.ipynb": "{}", "data/a.csv": "1\n"},
                 [_gap("notebook checkpoints", ".ipynb_checkpoints/"),
                  _gap("the data folder `data/` (data/a.csv)", "data/")],
                 2, id="two-gaps"),
    pytest.param({**PY, ".gitignore": "data/*\n!data/.gitkeep\n.env\n.ipynb_checkpoints\n", "data/.gitkeep": "",
                  ".env.example": "A=\n", "eda.ipynb": "{}"}, [], 1, id="all-covered"),
    pytest.param({**PY, ".gitignore": "*.pyc\n", "src/pkg/data/__init__.py": "", "src/pkg/data/loader.py": ""}, [], 0,
                 id="code-folder-named-data"),
    pytest.param({**PY, ".gitignore": "*.pyc\n", "data/.gitignore": "*\n!.gitignore\n", "data/README.md": "x"}, [], 0,
                 id="data-folder-with-only-docs"),
    pytest.param({**PY, ".gitignore": "*.pyc\n", "data/.gitignore": "*.csv\n", "data/keep.json": "{}"},
                 [_gap("the data folder `data/` (data/keep.json)", "data/")], 1, id="nested-gitignore-misses-json"),
    pytest.param({**PY, "data/train.csv": "1\n", ".env": "A=1\n"}, [], 0, id="no-gitignore-left-to-MLR703"),
    pytest.param({**PY, ".gitignore": "!\n[z-a]\n\\\n.ipynb_checkpoints/\n", "eda.ipynb": "{}"}, [], 1,
                 id="malformed-lines-skipped"),
])
def test_gitignore_gaps(repo, files, expected, examined):
    assert check(repo, "MLR704", files, expected) == examined


@pytest.mark.parametrize("files, declared", [
    pytest.param(PY, False, id="nothing"),
    pytest.param({**PY, "pyproject.toml": '[project]\nname = "x"\n'}, False, id="pyproject-without"),
    pytest.param({**PY, "Dockerfile": "FROM python:latest\n"}, False, id="docker-latest"),
    pytest.param({**PY, "Dockerfile": "FROM python\n"}, False, id="docker-untagged"),
    pytest.param({**PY, "environment.yml": "dependencies:\n  - numpy\n"}, False, id="conda-without-python"),
    pytest.param({**PY, ".python-version": "\n"}, False, id="empty-python-version"),
    pytest.param({**PY, "pyproject.toml": "[project\nbroken"}, False, id="broken-pyproject"),
    pytest.param({**PY, "pyproject.toml": '[project]\nrequires-python = ">=3.10"\n'}, True, id="requires-python"),
    pytest.param({**PY, "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\n'}, True, id="poetry"),
    pytest.param({**PY, "setup.py": "setup(python_requires='>=3.9')\n"}, True, id="setup-py"),
    pytest.param({**PY, "setup.py": "PY = '>=3.9'\nsetup(name='x', python_requires=PY)\n"}, True,
                 id="setup-py-variable"),
    pytest.param({**PY, "setup.py": "import setuptools\nMETA = {'name': 'x', 'python_requires': '>=3.8'}\n"
                  "setuptools.setup(**META)\n"}, True, id="setup-py-kwargs-dict"),
    pytest.param({**PY, "setup.py": "kw = dict(name='x')\nkw['python_requires'] = '>=3.8'\nsetup(**kw)\n"}, True,
                 id="setup-py-kwargs-item"),
    pytest.param({**PY, "setup.py": "from setuptools import setup\nsetup()\n",
                  "setup.cfg": "[metadata]\nname = x\n\n[options]\npython_requires = >=3.9\n"}, True,
                 id="setup-py-delegates-to-setup-cfg"),
    pytest.param({**PY, "setup.py": "# python_requires='>=3.9' once\nsetup(python_requires=None)\n"}, False,
                 id="setup-py-comment-and-none"),
    pytest.param({**PY, "setup.py": "from setuptools import setup\nsetup()\n",
                  "setup.cfg": "[flake8]\n# python_requires = >=3.9\nmax-line-length = 100\n"}, False,
                 id="setup-cfg-without"),
    pytest.param({**PY, "runtime.txt": "3.9\n"}, True, id="runtime-txt-bare-version"),
    pytest.param({**PY, "runtime.txt": "\n"}, False, id="runtime-txt-empty"),
    pytest.param({**PY, ".python-version": "3.11\n"}, True, id="python-version-file"),
    pytest.param({**PY, "runtime.txt": "python-3.11.4\n"}, True, id="runtime-txt"),
    pytest.param({**PY, "envs/environment.yml": "dependencies:\n  - python=3.11\n"}, True, id="conda"),
    pytest.param({**PY, "docker/Dockerfile": "FROM --platform=linux/amd64 python:3.11-slim AS base\n"}, True,
                 id="pinned-base-image"),
    pytest.param({**PY, "Pipfile": '[requires]\npython_version = "3.11"\n'}, True, id="pipfile"),
])
def test_python_version_undeclared(repo, files, declared):
    expected = [] if declared else [(
        "pyproject.toml",
        "no Python version declared (requires-python, .python-version, runtime.txt, conda `python=`, "
        "or a pinned `python:3.x` base image)",
    )]
    assert check(repo, "MLR503", files, expected) == 1


def test_python_version_is_not_asked_of_a_repository_without_python(repo):
    assert check(repo, "MLR503", {"README.md": GOOD_README, "Dockerfile": "FROM node:20\n"}, []) == 0


def test_repository_findings_in_the_cli_have_a_path_and_no_line(repo):
    root = repo({"train.py": '"""Train."""\n'})
    run = run_cli("--select", "MLR5,MLR7", "--format", "json", cwd=root)
    assert run.code == 0
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in run.findings] == [
        ("MLR710", ".github/workflows/", None, None),
        ("MLR703", ".gitignore", None, None),
        ("MLR711", ".pre-commit-config.yaml", None, None),
        ("MLR713", "LICENSE", None, None),
        ("MLR701", "README.md", None, None),
        ("MLR503", "pyproject.toml", None, None),
        ("MLR702", "tests/", None, None),
    ]
    assert "tests/: MLR702 1 Python module and no test files (missing-tests)" in run_cli(
        "--select", "MLR702", cwd=root).out


def test_a_malformed_gitignore_outside_git_is_no_traceback(repo):
    root = repo({".gitignore": "!\n[z-a]\nscratch/\n", "a.py": '"""A."""\n', "scratch/b.py": "x = (\n"},
                git_init=False)
    run = run_cli("--format", "json", str(root))
    assert run.err == ""
    assert [f["path"] for f in run.findings if f["code"] == "MLR001"] == []  # scratch/ is still ignored


def test_repository_rule_options_from_config(repo):
    root = repo({
        "mlrepolint.toml": (
            "[rules.gitignore-gaps]\ndata-dirs = [\"corpus\"]\n"
            "[rules.missing-tests]\nmin-modules = 3\n"
            "[rules.missing-readme]\nusage-words = [\"synopsis\"]\n"
        ),
        ".gitignore": "*.pyc\n", "corpus/a.txt": "x", "data/b.csv": "1\n",
        "a.py": "", "b.py": "",
        "README.md": "# x\n\nInstall: pip install x. Run python a.py.\n",
    })
    run = run_cli("--select", "MLR70", "--format", "json", cwd=root)
    assert [(f["code"], f["message"]) for f in run.findings] == [
        ("MLR704", ".gitignore has no entry covering the data folder `corpus/` (corpus/a.txt) (add `corpus/`)"),
        ("MLR701", "README has no usage instructions"),
    ]


def test_an_empty_test_file_does_not_raise_the_score(repo):
    from conftest import git

    root = repo({"train.py": '"""Train."""\n\n\ndef main():\n    """Run."""\n', "README.md": GOOD_README})
    before = run_cli("--format", "json", cwd=root).json["score"]
    (root / "tests").mkdir()
    (root / "tests" / "test_train.py").write_text("")
    git(root, "add", "-A")
    assert run_cli("--format", "json", cwd=root).json["score"] <= before
