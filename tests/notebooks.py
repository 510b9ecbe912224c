"""Real nbformat 4 notebooks for the tests: from cells, or from the `# In[N]:` script form of the rules' examples."""

from __future__ import annotations

import json
import re
from typing import Any, Sequence

_HEADER = re.compile(r"^# In\[ *(\d*) *\]:$")


def code(source: str, count: int | None = None, outputs: Sequence[dict] = (), **metadata: Any) -> dict:
    """An nbformat 4 code cell (its source stored as a list of lines, as Jupyter writes it)."""
    return {"cell_type": "code", "execution_count": count, "id": "c", "metadata": dict(metadata),
            "outputs": list(outputs), "source": source.splitlines(keepends=True)}


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "id": "m", "metadata": {}, "source": source.splitlines(keepends=True)}


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": [text]}


def notebook(*cells: dict, **metadata: Any) -> str:
    """The notebook's JSON text, indented as Jupyter writes it."""
    document = {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3"}, **metadata},
                "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1) + "\n"


def from_script(text: str) -> str:
    """A notebook from `jupyter nbconvert --to script` output: a cell under each `# In[N]:` (`# In[ ]:`: not run)."""
    cells: list[dict] = []
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line.rstrip("\n"))
        if header:
            cells.append(code("", int(header.group(1)) if header.group(1) else None))
        elif cells:
            cells[-1]["source"].append(line)
    for cell in cells:  # nbconvert puts blank lines between cells
        while cell["source"] and not cell["source"][-1].strip():
            cell["source"].pop()
    return notebook(*cells)
