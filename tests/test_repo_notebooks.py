"""notebook-with-outputs (MLR303), notebook-execution-order (MLR304) and invalid notebooks (MLR001)."""

from __future__ import annotations

import json

import pytest
from conftest import make_git_repo, run_cli, write_files


def notebook(*cells) -> str:
    """nbformat 4 JSON as Jupyter writes it (indent 1), one dict per code cell: count and outputs."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": outputs,
                 "source": ["x = 1\n"]}
                for count, outputs in cells
            ] + [{"cell_type": "markdown", "metadata": {}, "source": ["# Title"]}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
        },
        indent=1,
    )


STREAM = [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]

FILES = {
    "outputs.ipynb": notebook((1, STREAM), (2, []), (None, [])),
    "counts_only.ipynb": notebook((1, []), (2, [])),
    "analysis/untouched.ipynb": notebook((None, []), (None, [])),
    "tutorials/demo.ipynb": notebook((1, STREAM), (2, STREAM)),
    "out_of_order.ipynb": notebook((3, STREAM), (None, []), (5, []), (4, [])),
    "broken.ipynb": '{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n',
    "not_a_notebook.ipynb": "[1, 2]\n",
    "v3.ipynb": json.dumps(
        {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "prompt_number": 2, "outputs": [],
                                                   "input": "x"}]}]}
    ),
    "train.py": '"""Train."""\nimport os\n',
    "pyproject.toml": '[tool.mlrepolint.rules.notebook-with-outputs]\nallow = ["tutorials/"]\n',
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = make_git_repo(tmp_path_factory.mktemp("nb") / "repo", FILES)
    write_files(root, {"scratch.ipynb": notebook((1, STREAM))})  # untracked, not ignored
    return run_cli("--format", "json", str(root))


def test_notebooks_with_outputs_or_counts(run):
    found = {f["path"]: f["message"] for f in run.findings if f["code"] == "MLR303"}
    assert sorted(found) == ["counts_only.ipynb", "out_of_order.ipynb", "outputs.ipynb", "scratch.ipynb", "v3.ipynb"]
    assert found["outputs.ipynb"].startswith("notebook with outputs in 1 of 3 code cells is committed: clear them")
    assert found["counts_only.ipynb"].startswith("notebook with execution counts in 2 of 2 code cells is committed")
    assert "is untracked and not ignored" in found["scratch.ipynb"]
    assert all(f["line"] is None for f in run.findings if f["code"] == "MLR303")


def test_execution_order(run):
    assert run.locations("MLR304") == [("MLR304", "out_of_order.ipynb", None)]
    finding = next(f for f in run.findings if f["code"] == "MLR304")
    assert finding["severity"] == "info"
    assert finding["message"].startswith("cell 4 ran before cell 3 above it (execution count 4 after 5)")


def test_invalid_notebooks_are_parse_errors_and_the_rest_is_linted(run):
    assert run.locations("MLR001") == [("MLR001", "broken.ipynb", 3), ("MLR001", "not_a_notebook.ipynb", None)]
    messages = [f["message"] for f in run.findings if f["code"] == "MLR001"]
    assert messages[0].startswith("invalid notebook JSON: Expecting ")
    assert messages[1] == "not a Jupyter notebook: the top level is not an object"
    assert run.code == 1  # parse-error is an error


@pytest.mark.parametrize(
    "cells",
    [
        [(1, []), (2, []), (3, [])],
        [(1, []), (None, []), (7, [])],  # gaps and unrun cells are fine
        [(None, []), (None, [])],
    ],
)
def test_in_order_notebooks_are_not_reported(repo, cells):
    root = repo({"nb.ipynb": notebook(*cells), "pyproject.toml": "[tool.mlrepolint]\nselect = ['MLR304']\n"})
    run = run_cli("--format", "json", str(root))
    assert run.code == 0 and run.findings == []


def test_a_courses_notebooks_keep_their_outputs_and_a_projects_do_not(tmp_path):
    # A course (lesson folders) is read on GitHub with its outputs: they are the lesson. Three notebooks of a
    # student project are the project's work, committed with stale outputs.
    lessons = {f"{n:02d}-lesson/notebook.ipynb": notebook((1, STREAM)) for n in range(1, 4)}
    course = make_git_repo(tmp_path / "course", {**lessons, "README.md": "# Course\n"})
    assert [f for f in run_cli("--format", "json", str(course)).findings if f["code"] == "MLR303"] == []
    project = make_git_repo(tmp_path / "project", {
        "house_model.ipynb": notebook((1, STREAM)), "eda.ipynb": notebook((1, STREAM)), "app.py": "import os\n",
    })
    found = [f["path"] for f in run_cli("--format", "json", str(project)).findings if f["code"] == "MLR303"]
    assert found == ["eda.ipynb", "house_model.ipynb"]


def test_notebooks_linked_through_a_notebook_viewer_keep_their_outputs(tmp_path):
    # A library's documentation notebooks, linked through nbviewer or Colab, are published with their outputs; a
    # notebook its index links directly is the project's own work.
    viewer = "https://nbviewer.org/github/org/lib/blob/main/notebooks/Basic_Usage.ipynb"
    colab = "https://colab.research.google.com/github/org/lib/blob/master/notebooks/Transfer%20Learning.ipynb"
    root = make_git_repo(tmp_path / "lib", {
        "notebooks/README.md": f"* [Basic]({viewer})\n* [Transfer]({colab})\n* [EDA](eda.ipynb)\n",
        "notebooks/Basic_Usage.ipynb": notebook((1, STREAM)),
        "notebooks/Transfer Learning.ipynb": notebook((1, STREAM)),
        "notebooks/eda.ipynb": notebook((1, STREAM)),
        "lib/__init__.py": '"""Lib."""\n',
        "pyproject.toml": '[project]\nname = "lib"\nrequires-python = ">=3.9"\n',
    })
    found = [f["path"] for f in run_cli("--format", "json", str(root)).findings if f["code"] == "MLR303"]
    assert found == ["notebooks/eda.ipynb"]
