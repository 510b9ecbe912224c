"""The floor: read and `ast.parse` every file listed in FILE, in JOBS processes, and nothing else (a notebook:
read it, `json.loads` it and parse each code cell, its line magics and shell escapes blanked).

Usage: python benchmarks/floor.py FILE JOBS   (see --help)

What mlrepolint's own rules are measured against (`benchmarks/run.py`): the least any linter that parses each
file must do. Worker processes are forked, as mlrepolint's are on Linux, and fed in chunks of the same size.
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing


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


def arguments() -> argparse.Namespace:
    """FILE and JOBS from the command line."""
    summary = " ".join(__doc__.split("\n\n")[0].split())  # the whole first paragraph, not its first line
    parser = argparse.ArgumentParser(description=summary)
    parser.add_argument("file", metavar="FILE",
                        help="a text file listing the Python files to parse, one path a line, relative to the "
                             "working directory (run.py writes it from mlrepolint's own file list)")
    parser.add_argument("jobs", metavar="JOBS", type=int,
                        help="processes to parse in: 1 parses in this process, more forks that many workers")
    return parser.parse_args()


def main() -> None:
    """Parse every listed file in the given number of processes."""
    args = arguments()
    with open(args.file, encoding="utf-8") as handle:
        paths = handle.read().splitlines()
    if args.jobs <= 1:
        for path in paths:
            parse(path)
        return
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        chunk = max(1, min(32, len(paths) // (args.jobs * 8)))
        for _ in pool.imap_unordered(parse, paths, chunksize=chunk):
            pass


if __name__ == "__main__":
    main()
