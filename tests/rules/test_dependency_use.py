"""undeclared-dependency (MLR510) and unused-dependency (MLR511) through the real executable.

One repository holds several projects, each in its own folder with its own kind of declaration (requirements files
with includes, pyproject.toml with extras, setup.py, setup.cfg, a Pipfile, a conda environment, a Dockerfile), so
one run checks them all; the test asserts every (code, path, line) reported."""

from __future__ import annotations

import json

import pytest
from conftest import Run, lint_json, make_git_repo


def notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
                  for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })


FILES = {
    # The root project: requirements.txt with an include, a development file, a notebook.
    "requirements.txt": (
        "pandas==2.2.2\n-r requirements/ml.txt\nrich==13.7.1\ngunicorn==22.0.0\ncelery==5.4.0\n"
        "urllib3==2.2.1\n"  # a pin of someone else's dependency, not a choice to judge
    ),
    "requirements/ml.txt": "scikit-learn==1.5.0\n",
    "requirements-dev.txt": "pytest==8.2.0\n",
    "Procfile": "worker: celery -A tasks worker\n",
    "train.py": (
        "import os\n"
        "import numpy as np\n"  # brought by pandas
        "import pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"  # declared through -r requirements/ml.txt
        "import cv2\n"  # 5: undeclared
        "from PIL import Image\n"  # 6: undeclared (Pillow)
        "import utils\n"
        "from . import helpers\n"
        "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n"
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import torch\n"
        '"""\n    import notreal\n"""\n'
    ),
    "utils.py": "import cv2\n",  # the same undeclared module: one finding, at its first import
    "tests/test_train.py": "import pytest\n",
    "analysis.ipynb": notebook(
        "%matplotlib inline\nimport pandas as pd\nimport seaborn as sns\n",  # cell 1: seaborn undeclared
        "!pip install plotly\n",
        "import plotly.express as px\nfrom IPython.display import display\n",
    ),
    # A service with its own pyproject.toml: dependencies and an extra; the root's requirements cover it too.
    "service/pyproject.toml": (
        '[project]\nname = "service"\ndependencies = [\n    "fastapi>=0.110",\n    "uvicorn",\n    "httpx",\n]\n\n'
        '[project.optional-dependencies]\nml = ["torch>=2.1"]\n'
    ),
    "service/app.py": (
        "import dotenv\n"  # 1: undeclared (python-dotenv)
        "import fastapi\nimport pandas as pd\nfrom starlette.responses import JSONResponse\nimport torch\n"
    ),
    # setup.py read statically: a list in a variable, extras in a dict.
    "legacy/setup.py": (
        "from setuptools import setup\n\nREQUIRES = ['requests>=2']\n\n"
        "setup(name='legacy', install_requires=REQUIRES, extras_require={'html': ['lxml']})\n"
    ),
    "legacy/client.py": "import requests\nimport lxml\nfrom bs4 import BeautifulSoup\n",  # 3: undeclared
    # A setup.py that computes its requirements: nothing under it can be called undeclared.
    "dynamic/setup.py": "from setuptools import setup\n\nsetup(name='d', install_requires=compute())\n",
    "dynamic/job.py": "import whatever\n",
    # setup.cfg.
    "cfg/setup.cfg": "[metadata]\nname = cfg\n\n[options]\ninstall_requires =\n    numpy>=1.26\n",
    "cfg/model.py": "import numpy\nimport scipy\nimport statsmodels\n",  # 3: undeclared (scipy comes with scikit-learn)
    # A Pipfile.
    "web/Pipfile": '[packages]\nflask = "*"\n\n[dev-packages]\nblack = "*"\n',
    "web/server.py": "import flask\nimport jinja2\nimport redis\n",  # 3: undeclared
    # A conda environment, with pip packages.
    "conda/environment.yml": (
        "name: exp\ndependencies:\n  - python=3.11\n  - pytorch\n  - pip\n  - pip:\n      - transformers==4.41.0\n"
    ),
    "experiments/run.py": "import torch\nimport transformers\nimport wandb\n",  # 3: undeclared (covered by root)
    # A Dockerfile's installs count as declared for the files beside it.
    "lambda/Dockerfile": "FROM python:3.12-slim\nRUN pip install boto3==1.34.0\n",
    "lambda/handler.py": "import boto3\n",
    # A pip freeze: transitive pins are not judged unused.
    "frozen/requirements.txt": "certifi==2024.2.2\nidna==3.7\nurllib3==2.2.1\nrequests==2.32.3\n",
    "frozen/fetch.py": "import os\n",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = make_git_repo(tmp_path_factory.mktemp("deps") / "repo", FILES)
    return lint_json(root, "--select", "MLR510,MLR511")


def test_undeclared_dependency(run):
    assert sorted(run.locations("MLR510")) == [
        ("MLR510", "analysis.ipynb", None),
        ("MLR510", "cfg/model.py", 3),
        ("MLR510", "experiments/run.py", 3),
        ("MLR510", "legacy/client.py", 3),
        ("MLR510", "service/app.py", 1),
        ("MLR510", "train.py", 5),
        ("MLR510", "train.py", 6),
        ("MLR510", "web/server.py", 3),
    ]
    messages = {(f["path"], f["line"]): f["message"] for f in run.findings}
    assert messages[("train.py", 5)] == (
        "`cv2` is imported (and in 1 more file) but no declared dependency provides it: add `opencv-python` to "
        "`requirements.txt`"
    )
    assert messages[("train.py", 6)].endswith("add `pillow` to `requirements.txt`")
    assert messages[("service/app.py", 1)].endswith("add `python-dotenv` to `service/pyproject.toml`")
    assert messages[("legacy/client.py", 3)].endswith("add `beautifulsoup4` to `legacy/setup.py`")
    assert messages[("analysis.ipynb", None)] == (
        "cell 1: `seaborn` is imported but no declared dependency provides it: add `seaborn` to `requirements.txt`"
    )


def test_unused_dependency(run):
    assert sorted(run.locations("MLR511")) == [
        ("MLR511", "requirements.txt", 3),
        ("MLR511", "service/pyproject.toml", 6),
    ]
    findings = {f["path"]: f for f in run.findings if f["code"] == "MLR511"}
    assert findings["requirements.txt"]["message"] == (
        "`rich==13.7.1` is declared but nothing in the repository imports or runs it"
    )
    assert findings["requirements.txt"]["severity"] == "info"


def test_rules_score_in_dependencies(run):
    category = next(c for c in run.json["categories"] if c["id"] == "dependencies")
    rules = {r["code"]: r for r in category["rules"]}
    assert rules["MLR510"]["findings"] == 8 and rules["MLR510"]["examined"] > 8
    assert rules["MLR511"]["findings"] == 2


def test_a_repository_that_declares_nothing_is_not_examined(repo):
    run = lint_json(repo({"train.py": "import torch\n"}), "--select", "MLR510,MLR511")
    assert run.findings == []
    assert all(r["code"] not in ("MLR510", "MLR511") for c in run.json["categories"] for r in c["rules"])


def test_options_ignore_modules_and_map_packages(repo):
    files = {
        "requirements.txt": "internal-tools==1.0\n",
        "a.py": "import mytools\nimport cv2\n",
        "pyproject.toml": (
            '[tool.mlrepolint.rules.undeclared-dependency]\nignore-modules = ["cv2"]\n'
            'package-map = { mytools = "internal-tools" }\n'
        ),
    }
    run = lint_json(repo(files), "--select", "MLR510,MLR511")
    assert run.findings == []


def test_utf16_requirements_file_as_pip_reads_it(repo):
    text = "pandas==2.2.2\r\nnumpy==1.26.4\r\n"
    files = {"requirements.txt": b"\xff\xfe" + text.encode("utf-16-le"), "a.py": "import pandas\nimport numpy\n"}
    run = lint_json(repo(files), "--select", "MLR510,MLR511")
    assert run.findings == []


def test_a_guard_around_a_definition_does_not_make_its_body_optional(repo):
    files = {
        "requirements.txt": "numpy==1.26.4\n",
        "train.py": (
            "try:\n    import numpy\n\n    def plot():\n        import matplotlib\n"  # 5: runs when plot() is called
            "except ImportError:\n    numpy = None\n"
            "try:\n    import seaborn\nexcept ImportError:\n    seaborn = None\n"  # guarded: optional
        ),
    }
    run = lint_json(repo(files), "--select", "MLR510")
    assert run.locations("MLR510") == [("MLR510", "train.py", 5)]


def test_a_pin_of_what_a_used_dependency_installs_is_not_unused(repo):
    files = {
        "requirements.txt": "ultralytics==8.3.48\ntorch==2.5.1+cu124\ntorchvision==0.20.1+cu124\npolars==1.17.1\n",
        "detect.py": "from ultralytics import YOLO\n",  # ultralytics runs on torch: the CUDA build pinned is a choice
    }
    run = lint_json(repo(files), "--select", "MLR511")
    assert run.locations("MLR511") == [("MLR511", "requirements.txt", 4)]


@pytest.mark.parametrize("count", [2, 12])  # a few words are looked for one by one, many by one split of each file
def test_a_dependency_named_as_a_whole_word_in_the_code_is_used(repo, count):
    names = [f"tool-kit{n}" for n in range(count)]
    files = {
        "requirements.txt": "".join(f"{name}==1.0\n" for name in names),
        # The first by its import name in a file that is not ASCII, in another case; the second by its own name.
        "run.py": f'# café\nENGINE = "TOOL_KIT0"\nimport subprocess\nsubprocess.run(["{names[1]}", "serve"])\n',
        # Inside longer words only: no mention.
        "notes.py": "".join(f'X{n} = "pre{name}" + "{name.replace("-", "_")}x"\n' for n, name in enumerate(names)),
    }
    run = lint_json(repo(files), "--select", "MLR511")
    assert run.locations("MLR511") == [("MLR511", "requirements.txt", n + 1) for n in range(2, count)]


#: Declared and only named in prose: each is named as a word in one module, and as part of a longer word in all.
NAMED = ["arrow", "boto3", "click", "lxml", "toolz", "typer", "tqdm", "rich", "httpx", "pendulum", "ujson", "xxhash"]
PARTS = {"sox": "soxr", "ray": "array", "nltk": "nltkdata", "jax": "jaxlib_like"}


def test_a_large_repository_counts_a_package_named_as_a_word_and_not_one_inside_a_longer_word(tmp_path):
    """Past half a million characters a process has searched, the words are looked for together (one pass for all
    of them): of 24 modules of 200 KB, the last 12 each name one declared package as a word, and all name the four
    others only inside longer words."""
    filler = "# " + "padding " * 60 + "\n"
    parts = " ".join(PARTS.values())
    files = {"requirements.txt": "".join(f"{name}==1.0\n" for name in [*NAMED, *PARTS]),
             "app/__init__.py": '"""App."""\n'}
    for index in range(24):
        named = f"`{NAMED[index - 12]}` renders the logs" if index >= 12 else "nothing else"
        files[f"app/module_{index:02d}.py"] = f'"""Module {index}: {named}; see {parts}."""\n' + filler * 400
    root = make_git_repo(tmp_path / "repo", files)
    run = lint_json(root, "--select", "MLR511", "--exit-zero", ".")
    assert sorted(run.locations()) == [("MLR511", "requirements.txt", len(NAMED) + 1 + i) for i in range(len(PARTS))]
