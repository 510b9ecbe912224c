"""The floor: read and `ast.parse` every file listed in FILE, in JOBS processes, and nothing else (a notebook:
read it, `json.loads` it and parse each code cell, its line magics and shell escapes blanked).

Usage: python benchmarks/floor.py FILE JOBS   (FILE holds one path per line, relative to the working directory)
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import sys


def parse(path: str) -> None:
    """Read and parse one file; a file that does not parse costs what it costs."""
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith(".ipynb"):
        for cell in json.loads(data).get("cells", []):
            if cell.get("cell_type") == "code":
                lines = cell.get("source", [])
                source = "".join("\n" if line.lstrip().startswith(("%", "!")) else line for line in lines)
                try:
                    ast.parse(source)
                except (SyntaxError, ValueError):
                    pass
        return
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        pass


def main() -> None:
    """Parse every listed file in the given number of processes."""
    with open(sys.argv[1], encoding="utf-8") as handle:
        paths = handle.read().splitlines()
    jobs = int(sys.argv[2])
    if jobs == 1:
        for path in paths:
            parse(path)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for _ in pool.imap_unordered(parse, paths, chunksize=max(1, min(32, len(paths) // (jobs * 8)))):
            pass


if __name__ == "__main__":
    main()
