"""untested-notebooks (MLR707): where the notebooks are the code, something must run them; and which collections
are books, whose notebooks keep their outputs."""

from __future__ import annotations

import pytest
from conftest import run_cli
from notebooks import code, notebook, stream

NB = notebook(code("import pandas as pd\n", 1), code("df = pd.DataFrame({'a': [1]})\n", 2))
NOTEBOOKS = {"eda.ipynb": NB, "model.ipynb": NB, "requirements.txt": "pandas==2.2.2\n"}
WORKFLOW = ".github/workflows/notebooks.yml"
MESSAGE = ("2 notebooks and nothing runs them: no CI job, task or test executes a notebook (nbmake, nbval, papermill, "
           "`jupyter nbconvert --execute`)")
TESTBOOK = "from testbook import testbook\n\n\n@testbook('eda.ipynb', execute=True)\ndef test_eda(tb):\n    assert tb\n"


def workflow(command: str) -> str:
    return ("on: [push]\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            f"      - run: {command}\n")


def category_testing(report: dict) -> dict:
    return next(c for c in report["categories"] if c["id"] == "testing")


def test_notebooks_nothing_runs_are_reported_and_testing_applies(repo):
    run = run_cli("--format", "json", str(repo(NOTEBOOKS)))
    found = [(f["path"], f["line"], f["message"]) for f in run.findings if f["code"] == "MLR707"]
    assert found == [(".github/workflows/", None, MESSAGE)]
    category = category_testing(run.json)
    assert category["score"] == 0.0 and category["reason"] is None
    assert [r["rule"] for r in category["rules"]] == ["untested-notebooks"]


@pytest.mark.parametrize("files", [
    pytest.param({WORKFLOW: workflow("pytest --nbmake *.ipynb")}, id="nbmake-in-ci"),
    pytest.param({".gitlab-ci.yml": "test:\n  script:\n    - jupyter nbconvert --to notebook --execute eda.ipynb\n"},
                 id="nbconvert-execute-in-gitlab"),
    pytest.param({"Makefile": "check:\n\tpapermill eda.ipynb out.ipynb\n"}, id="papermill-in-makefile"),
    pytest.param({"tox.ini": "[testenv]\ncommands = pytest --nbval-lax\n"}, id="nbval-in-tox"),
    pytest.param({"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--nbmake"\n'}, id="pytest-addopts"),
    pytest.param({"tests/test_notebooks.py": TESTBOOK}, id="testbook"),
    pytest.param({WORKFLOW: workflow("jupyter-book build .")}, id="book-build"),
])
def test_notebooks_that_are_run_are_not_reported(repo, files):
    run = run_cli("--format", "json", str(repo({**NOTEBOOKS, **files})))
    assert [f for f in run.findings if f["code"] == "MLR707"] == []
    assert category_testing(run.json)["score"] == 100.0


def test_a_dependency_named_nbmake_runs_nothing(repo):
    files = {**NOTEBOOKS, "pyproject.toml": '[project]\nname = "nbs"\ndependencies = ["nbmake"]\n',
             WORKFLOW: workflow("pip install -r requirements.txt")}
    run = run_cli("--format", "json", str(repo(files)))
    assert [f["code"] for f in run.findings if f["code"] == "MLR707"] == ["MLR707"]


def test_a_project_with_modules_is_asked_for_tests_not_notebook_runs(repo):
    files = {**NOTEBOOKS, "churn/__init__.py": "", "churn/features.py": "def encode(x):\n    return x\n"}
    run = run_cli("--format", "json", str(repo(files)))
    assert sorted({f["code"] for f in run.findings} & {"MLR702", "MLR707"}) == ["MLR702"]
    assert [r["rule"] for r in category_testing(run.json)["rules"]] == ["missing-tests"]


def test_running_the_notebooks_raises_the_score(repo):
    without = run_cli("--format", "json", str(repo(NOTEBOOKS, name="without"))).json["score"]
    with_ci = run_cli("--format", "json", str(repo({**NOTEBOOKS, WORKFLOW: workflow("pytest --nbmake .")},
                                                   name="with"))).json["score"]
    assert with_ci > without


OUTPUT = code("print(1)\n", 1, [stream("1\n")])


def outputs_reported(repo, files: dict, name: str) -> list[str]:
    run = run_cli("--select", "MLR303", "--format", "json", str(repo(files, name=name)))
    return [f["path"] for f in run.findings]


def test_a_book_of_numbered_chapters_keeps_its_outputs_and_a_set_of_notebooks_does_not(repo):
    chapters = {f"notebooks/{n:02d}.01-Chapter-{n}.ipynb": notebook(OUTPUT) for n in range(1, 21)}
    assert outputs_reported(repo, chapters, "book") == []
    competitions = {f"competition_{n}/notes.ipynb": notebook(OUTPUT) for n in range(1, 21)}
    assert outputs_reported(repo, competitions, "kaggle") == sorted(competitions)


def test_a_jupyter_book_keeps_its_outputs_and_explain_says_why(repo):
    files = {"_toc.yml": "format: jb-book\nroot: intro\n", "intro.ipynb": notebook(OUTPUT),
             "eda.ipynb": notebook(OUTPUT), "model.ipynb": notebook(OUTPUT)}
    root = repo(files)
    assert outputs_reported(repo, files, "jb") == []
    explained = run_cli("explain", "--format", "json", str(root)).json
    assert explained["published"] == "a book: _toc.yml builds it"
    assert "Notebooks: published with their outputs (a book: _toc.yml builds it)" in run_cli("explain", str(root)).out
