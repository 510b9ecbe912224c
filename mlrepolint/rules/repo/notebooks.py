"""Jupyter notebooks in git: saved outputs and cells run out of order.

A notebook is read and parsed once per repository pass (`load_notebook` keeps it for the secrets scan too; the
reader is `mlrepolint.notebook`). The JSON is only parsed, never executed; a file that is not a notebook is a
`parse-error`.
"""

from __future__ import annotations

import weakref
from typing import Any

from mlrepolint.api import (
    PARSE_ERROR, Applicability, Autofix, Context, Notebook, RepoChecker, RepoFile, RepoView, Rule, Severity,
    execution_count, keeps_output, parse_notebook,
)
from mlrepolint.rules.repo.hygiene import allowed, presence

NOTEBOOK_WITH_OUTPUTS = Rule(
    code="MLR303",
    name="notebook-with-outputs",
    category="data-hygiene",
    severity=Severity.WARNING,
    summary="Notebook committed with cell outputs",
    description=(
        "Reports, once per file, a committed `.ipynb` notebook whose code cells hold outputs or execution "
        "counts, with how many cells do. Untracked notebooks that are not ignored are reported as untracked. "
        "Notebooks matching an `allow` glob (tutorials, rendered docs) may keep their outputs, and so may the "
        "cells nbstripout keeps: `\"init_cell\": true`, `\"keep_output\": true` or a `keep_output` tag in a "
        "cell's metadata, or `\"keep_output\": true` in the notebook's for every cell that does not say "
        "otherwise. The notebooks of a course or a book (a collection repository with lesson folders, 20 "
        "notebooks or more numbered as chapters such as `01.02-Help.ipynb`, or a Jupyter Book, MyST or Quarto "
        "`_toc.yml`/`myst.yml`/`_quarto.yml`: see `mlrepolint explain`) are read on GitHub with their outputs, "
        "which are the lesson, and are not reported (a set of competition or experiment notebooks is not a "
        "book); nor are the notebooks the repository's Markdown links through a notebook viewer (nbviewer, "
        "Colab, Binder), which are published to be read with their outputs. A file that is not valid notebook "
        "JSON is reported as `parse-error`."
    ),
    rationale=(
        "Outputs hold data samples, images, stack traces with local paths and sometimes printed credentials; "
        "they make the file large, every re-run produces a noisy diff that hides the code change, and merges "
        "conflict on them."
    ),
    fix=(
        "Clear outputs before committing: `jupyter nbconvert --clear-output --inplace nb.ipynb`, or install "
        "`nbstripout --install` (a git filter) or its pre-commit hook. Keep rendered results in reports, not "
        "in the notebook; list tutorial folders in `allow`."
    ),
    bad=(
        '{"cell_type": "code", "execution_count": 3, "source": ["df.head()"],\n'
        ' "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["..."]}}]}\n'
    ),
    good='{"cell_type": "code", "execution_count": null, "source": ["df.head()"], "outputs": []}\n',
    options={"allow": ()},
    autofixes=(Autofix(
        Applicability.SAFE,
        "Strips the code cells' outputs and execution counts and the metadata nbstripout strips (`collapsed`, "
        "`scrolled`, `execution`, `ExecuteTime`; the notebook's `signature` and `widgets`), keeping the cells "
        "marked `keep_output` (cell metadata or tag, as nbstripout reads it); the file keeps its own indentation "
        "and key order, so the diff is only the outputs.",
    ),),
)

NOTEBOOK_EXECUTION_ORDER = Rule(
    code="MLR304",
    name="notebook-execution-order",
    category="data-hygiene",
    severity=Severity.INFO,
    summary="Notebook cells were run out of order",
    description=(
        "Reports a notebook whose code cells' execution counts go down from top to bottom (a cell ran after one "
        "below it), naming the first such cell. Cells without a count are skipped, and so is a count equal to "
        "the one above it (a copied cell keeps the count of the cell it was copied from)."
    ),
    rationale=(
        "A notebook whose cells ran out of order shows results that running it top to bottom may not "
        "reproduce: a later cell changed a variable an earlier cell's output depends on."
    ),
    fix="Restart the kernel and run all cells in order (or clear the outputs) before committing.",
    bad="In [3]: df = load()\nIn [1]: df.describe()\n",
    good="In [1]: df = load()\nIn [2]: df.describe()\n",
)


_CACHE: weakref.WeakKeyDictionary[RepoView, dict[str, Notebook | None]] = weakref.WeakKeyDictionary()


def load_notebook(repo: RepoView, path: str) -> Notebook | None:
    """The notebook at `path`, read and parsed once per repository view; None when it cannot be read."""
    per_repo = _CACHE.setdefault(repo, {})
    if path not in per_repo:
        data = repo.read_bytes(path)
        per_repo[path] = None if data is None else parse_notebook(data)
    return per_repo[path]


class NotebookChecker(RepoChecker):
    """Finds committed notebook outputs and out-of-order execution; reports invalid notebooks."""

    rules = (NOTEBOOK_WITH_OUTPUTS, NOTEBOOK_EXECUTION_ORDER)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Parse each notebook once and look at its code cells."""
        allow = ctx.options(NOTEBOOK_WITH_OUTPUTS)["allow"]
        published = ctx.project.published  # a course's or a book's notebooks are read with their outputs
        for file in repo.files:
            if not file.path.lower().endswith(".ipynb"):
                continue
            notebook = load_notebook(repo, file.path)
            if notebook is None:
                continue
            if notebook.error is not None:
                message, line, column = notebook.error
                ctx.report(PARSE_ERROR, line, column, message, path=file.path)
                continue
            code = [(number, cell) for number, cell in enumerate(notebook.cells, 1) if cell.get("cell_type") == "code"]
            # Read with its outputs: a course's or a book's notebook, or one linked through a notebook viewer.
            kept_as_is = bool(published) or file.path in ctx.project.rendered
            if not kept_as_is:
                ctx.examine(NOTEBOOK_WITH_OUTPUTS)
            ctx.examine(NOTEBOOK_EXECUTION_ORDER)
            if not kept_as_is and not allowed(allow, file.path):
                kept = [(n, cell) for n, cell in code if not keeps_output(notebook, cell)]
                self._outputs(repo, file, kept, len(code), ctx)
            self._order(file.path, code, ctx)

    @staticmethod
    def _outputs(
        repo: RepoView, file: RepoFile, code: list[tuple[int, dict[str, Any]]], cells: int, ctx: Context
    ) -> None:
        """`code`: the code cells whose outputs are not to be kept, of the notebook's `cells` code cells."""
        with_outputs = sum(1 for _, cell in code if cell.get("outputs"))
        counted = sum(1 for _, cell in code if execution_count(cell) is not None)
        if not (with_outputs or counted):
            return
        what = (
            f"outputs in {with_outputs} of {cells} code cells" if with_outputs
            else f"execution counts in {counted} of {cells} code cells"
        )
        ctx.report(
            NOTEBOOK_WITH_OUTPUTS, None, None,
            f"notebook with {what} {presence(repo, file)}: clear them before committing "
            "(`jupyter nbconvert --clear-output --inplace`, or the nbstripout git filter)",
            path=file.path,
        )

    @staticmethod
    def _order(path: str, code: list[tuple[int, dict[str, Any]]], ctx: Context) -> None:
        previous: tuple[int, int] | None = None  # (cell number, execution count)
        for number, cell in code:
            count = execution_count(cell)
            if count is None:
                continue
            if previous is not None and count < previous[1]:
                ctx.report(
                    NOTEBOOK_EXECUTION_ORDER, None, None,
                    f"cell {number} ran before cell {previous[0]} above it (execution count {count} after "
                    f"{previous[1]}): restart the kernel and run all cells in order",
                    path=path,
                )
                return
            previous = (number, count)
