"""`python -m mlrepolint`.

`python -m` puts the working directory first on `sys.path`, and the working directory is usually the repository
being linted: its `click.py` would be imported, and run, by the first `import click`. So the entry is dropped here,
before anything else is imported. What ran before this file cannot be helped from here: Python itself imports
`runpy` and this package (`mlrepolint/__init__.py`, which imports nothing) with the working directory on the path,
so a repository holding `runpy.py` or an `mlrepolint/` folder still wins. Inside a repository you did not write,
run the `mlrepolint` command, or `python -P -m mlrepolint` (Python 3.11+), never a bare `python -m`.
"""

import os
import sys

if sys.path and not getattr(sys.flags, "safe_path", False):
    try:
        if os.path.realpath(sys.path[0] or os.curdir) == os.path.realpath(os.getcwd()):
            del sys.path[0]
    except OSError:  # the working directory is gone: nothing can be imported from it either
        pass

from mlrepolint.cli import main  # noqa: E402 - only once the working directory is off the path

if __name__ == "__main__":
    main()
