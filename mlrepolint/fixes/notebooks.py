"""notebook-with-outputs: strip outputs as nbstripout does, and write the notebook back in its own layout.

The notebook is parsed with the order of its keys and the text of its numbers kept, and written back with the
indentation, separators and escaping its file uses (nbformat's `indent=1` or anything else json can write), so
the diff is only what was stripped. A notebook whose own text cannot be reproduced that way (hand-edited
spacing, say) is not rewritten: the fix says so, rather than reformatting the whole file.
"""

from __future__ import annotations

import json
import re
# The pure-Python encoder, which takes the function that writes a float: numbers are written back as they were read.
from json.encoder import _make_iterencode  # type: ignore[attr-defined]
from typing import Any

from mlrepolint.notebook import cell_keeps_output

#: Cell metadata nbstripout strips by default (the view state and timing of a run).
CELL_METADATA = ("collapsed", "scrolled", "ExecuteTime", "execution", "heading_collapsed", "hidden")
#: Notebook metadata nbstripout strips by default.
NOTEBOOK_METADATA = ("signature", "widgets")


class Unfixable(Exception):
    """Why a notebook is not rewritten."""


class _Number(float):
    """A JSON number as written (`1.0e-5` stays `1.0e-5`, not `1e-05`)."""

    text: str

    def __new__(cls, text: str) -> _Number:
        number = super().__new__(cls, text)
        number.text = text
        return number


def _number_text(value: float) -> str:
    return value.text if isinstance(value, _Number) else float.__repr__(value)


def strip(data: bytes) -> bytes | None:
    """The notebook with its outputs stripped, or None when there is nothing to strip. Raises Unfixable."""
    text = data.decode("utf-8")  # nbformat is UTF-8; anything else is not rewritten (UnicodeDecodeError)
    try:
        document = json.loads(text, parse_float=_Number)
    except (ValueError, RecursionError):
        raise Unfixable("not valid notebook JSON") from None
    if not isinstance(document, dict):
        raise Unfixable("not a Jupyter notebook")
    style = _style(text)
    if _dump(document, style) != text:
        raise Unfixable("its JSON layout cannot be written back unchanged; strip it with nbstripout instead")
    if not _strip(document):
        return None
    return _dump(document, style).encode("utf-8")


def _style(text: str) -> dict[str, Any]:
    """How the file was written: indentation, separators, ASCII escaping, final newline."""
    body = text.rstrip("\r\n")
    second = re.search(r"\n([ \t]*)\S", body)
    indent = second.group(1) if second else None
    if indent is not None:
        item, key = ",", (": " if re.search(r'"\s*: ', body) else ":")
    else:
        item = ", " if re.search(r'[\]}"\d el], ', body) else ","
        key = ": " if re.search(r'": ', body) else ":"
    return {
        "indent": indent, "separators": (item, key), "ensure_ascii": not any(ord(c) > 127 for c in text),
        "newline": text[len(body):],
    }


def _dump(document: Any, style: dict[str, Any]) -> str:
    encoder = json.JSONEncoder(ensure_ascii=style["ensure_ascii"], indent=style["indent"],
                               separators=style["separators"])
    chunks = _make_iterencode(
        {}, encoder.default, json.encoder.encode_basestring_ascii if style["ensure_ascii"] else
        json.encoder.encode_basestring, style["indent"], _number_text, style["separators"][1],
        style["separators"][0], False, False, True,
    )(document, 0)
    return "".join(chunks) + style["newline"]


def _cells(document: dict[str, Any]) -> list[dict[str, Any]]:
    cells = document.get("cells")
    if cells is None and isinstance(document.get("worksheets"), list):  # nbformat 3
        cells = [c for ws in document["worksheets"] if isinstance(ws, dict) for c in ws.get("cells") or []]
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def _strip(document: dict[str, Any]) -> bool:
    """Strip in place; True when anything changed."""
    changed = False
    metadata = document.get("metadata")
    if isinstance(metadata, dict):
        for key in NOTEBOOK_METADATA:
            changed |= metadata.pop(key, None) is not None
    default = bool(metadata.get("keep_output")) if isinstance(metadata, dict) else False
    for cell in _cells(document):
        if cell.get("cell_type") == "code":
            outputs = cell.get("outputs")
            if isinstance(outputs, list) and outputs:
                if cell_keeps_output(cell, default):
                    for output in outputs:
                        if isinstance(output, dict) and output.get("execution_count") is not None:
                            output["execution_count"] = None
                            changed = True
                else:
                    cell["outputs"] = []
                    changed = True
            for key in ("execution_count", "prompt_number"):
                if cell.get(key) is not None:
                    cell[key] = None
                    changed = True
        cell_metadata = cell.get("metadata")
        if isinstance(cell_metadata, dict):
            for key in CELL_METADATA:
                if key in cell_metadata:
                    del cell_metadata[key]
                    changed = True
    return changed
