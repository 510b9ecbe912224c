"""dependencies-undeclared (MLR504) on real git repositories, through the real executable."""

from __future__ import annotations

import json

import pytest
from conftest import git, run_cli

from mlrepolint.rules.repo.undeclared import DEPENDENCIES_UNDECLARED

TRAIN = "import os\nimport pandas as pd\nfrom sklearn import linear_model\n\nfrom utils import clean\n"
UTILS = "import numpy as np\n"
MESSAGE = (
    "the code imports third-party packages (`numpy`, `pandas`, `sklearn`; first in train.py) but no file declares "
    "dependencies (requirements.txt, pyproject.toml, setup.py, Pipfile, environment.yml)"
)


def findings(root) -> list[tuple[str, str]]:
    run = run_cli("--select", "MLR504", "--format", "json", cwd=root)
    assert run.code == 0, run.err
    return [(f["path"], f["message"]) for f in run.findings]


def examined(root) -> int:
    doc = run_cli("--select", "MLR504", "--format", "json", cwd=root).json
    rules = [r for c in doc["categories"] for r in c["rules"] if r["rule"] == "dependencies-undeclared"]
    return rules[0]["examined"] if rules else 0


def test_third_party_imports_without_any_declaration(repo):
    root = repo({"train.py": TRAIN, "utils.py": UTILS})
    assert findings(root) == [("requirements.txt", MESSAGE)]
    assert "requirements.txt: MLR504 the code imports third-party packages" in run_cli(cwd=root).out


@pytest.mark.parametrize("declaration", [
    pytest.param({"requirements.txt": "pandas\n"}, id="requirements"),
    pytest.param({"requirements/base.txt": "pandas==2.2.2\n"}, id="requirements-folder"),
    pytest.param({"requirements-dev.in": "pandas\n"}, id="pip-compile-input"),
    pytest.param({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["pandas"]\n'}, id="pep621"),
    pytest.param({"pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n'}, id="pep621-dynamic"),
    pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\npandas = "^2"\n'}, id="poetry"),
    pytest.param({"setup.py": "from setuptools import setup\nsetup(install_requires=['pandas'])\n"}, id="setup-py"),
    pytest.param({"setup.cfg": "[options]\ninstall_requires =\n    pandas\n"}, id="setup-cfg"),
    pytest.param({"Pipfile": '[packages]\npandas = "*"\n'}, id="pipfile"),
    pytest.param({"envs/environment.yml": "dependencies:\n  - pandas\n"}, id="conda-environment"),
    pytest.param({"conda.yaml": "dependencies:\n  - pandas\n"}, id="mlflow-conda-yaml"),
    pytest.param({"uv.lock": "version = 1\n"}, id="lock-file"),
])
def test_any_declaration_is_enough(repo, declaration):
    root = repo({"train.py": TRAIN, "utils.py": UTILS, **declaration})
    assert findings(root) == []
    assert examined(root) == 1


@pytest.mark.parametrize("files", [
    pytest.param({"pyproject.toml": '[project]\nname = "x"\n'}, id="pyproject-without-dependencies"),
    pytest.param({"setup.py": "from setuptools import setup\nsetup(name='x')\n"}, id="setup-py-without"),
    pytest.param({"Dockerfile": "FROM python:3.11\nRUN pip install pandas numpy scikit-learn\n"}, id="dockerfile"),
])
def test_what_is_not_a_declaration(repo, files):
    root = repo({"train.py": TRAIN, "utils.py": UTILS, **files})
    assert findings(root) == [("requirements.txt", MESSAGE)]


def test_standard_library_and_own_modules_need_no_declaration(repo):
    root = repo({
        "train.py": "import json\nimport os.path\nfrom collections import Counter\nfrom __future__ import annotations\n"
                    "import utils\nfrom pkg.sub import thing\nfrom . import sibling\n",
        "utils.py": "", "pkg/__init__.py": "", "pkg/sub.py": "",
        "tests/test_train.py": "import helpers\n", "tests/helpers.py": "",
    })
    assert findings(root) == []
    assert examined(root) == 1  # checked, and nothing to declare


def test_notebooks_count_as_code(repo):
    notebook = {"cells": [{"cell_type": "markdown", "source": ["import nothing\n"]},
                          {"cell_type": "code", "source": ["%matplotlib inline\n", "import torch\n"]}]}
    root = repo({"eda.ipynb": json.dumps(notebook)})
    assert findings(root) == [(
        "requirements.txt",
        "the code imports third-party packages (`torch`; first in eda.ipynb) but no file declares dependencies "
        "(requirements.txt, pyproject.toml, setup.py, Pipfile, environment.yml)",
    )]


def test_a_repository_without_python_is_not_asked(repo):
    assert examined(repo({"README.md": "# notes\n", "data.csv": "a\n1\n"})) == 0


def test_deleting_requirements_lowers_the_score(repo):
    root = repo({"train.py": TRAIN, "utils.py": UTILS, "requirements.txt": "pandas\nnumpy\nscikit-learn\n"})
    before = run_cli("--format", "json", cwd=root).json["score"]
    git(root, "rm", "-q", "requirements.txt")
    after = run_cli("--format", "json", cwd=root).json["score"]
    assert after < before


def test_bad_and_good_examples(repo):
    bad = repo({"train.py": DEPENDENCIES_UNDECLARED.bad}, name="bad")
    good = repo({"train.py": DEPENDENCIES_UNDECLARED.bad, "requirements.txt": DEPENDENCIES_UNDECLARED.good},
                name="good")
    assert [code for code, *_ in run_cli("--select", "MLR504", "--format", "json", cwd=bad).locations()] == ["MLR504"]
    assert findings(good) == []
