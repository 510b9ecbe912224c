"""print-in-module, bare-except, swallowed-exception, hardcoded-path: positives and tricky negatives.

Each case is a file; a line that must be reported ends with `# expect`. One real CLI run per rule checks that
exactly those (path, line) pairs are reported.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from mlrepolint.rules.base import Context
from mlrepolint.rules.python.errors import BARE_EXCEPT, PRINT_IN_MODULE, SWALLOWED_EXCEPTION, ErrorHandlingChecker
from mlrepolint.rules.python.paths import HARDCODED_PATH, HardcodedPathChecker
from mlrepolint.source import parse_python

PRINT_CASES = {
    "pkg/__init__.py": "",  # the modules below are a package's: importable
    # positives
    "pkg/report.py": 'def evaluate(acc):\n    print(f"accuracy {acc}")  # expect\n',
    "pkg/toplevel.py": 'print("loading")  # expect\n',
    "pkg/methods.py": (
        "import sys\n\n\nclass Trainer:\n    def step(self, loss):\n"
        "        print(loss, file=sys.stderr)  # expect\n        print(loss, file=sys.stdout)  # expect\n"
    ),
    "pkg/nested.py": "def outer():\n    def inner():\n        print('x')  # expect\n    return inner\n",
    # right after an allowed function or the main block, or in a decorator of another function
    "pkg/after.py": 'def main():\n    print("in main")\n\n\nprint("after main")  # expect\n',
    "pkg/guard_then.py": 'if __name__ == "__main__":\n    print("a")\nprint("b")  # expect\n',
    "pkg/decorated.py": (
        '@trace(print("main\'s decorator"))\ndef main():\n    pass\n\n\n'
        '@trace(print("x"))  # expect\ndef run():\n    pass\n'
    ),
    # negatives
    "pkg/app.py": 'def main():\n    print("usage: ...")\n    def helper():\n        print("nested in main")\n',
    "pkg/tool/cli.py": "def codemod(path):\n    print(path)\n",
    "pkg/guarded.py": 'import logging\n\nif __name__ == "__main__":\n    print("done")\n',
    "pkg/writer.py": 'def write(rows, handle):\n    for row in rows:\n        print(row, file=handle)\n',
    "pkg/other.py": "def show(obj):\n    obj.print('x')\n    pprint(obj)\n",
    "tests/test_report.py": "def test_it():\n    print('debug')\n",
    "scripts/run.py": "print('running')\n",
    "setup.py": "print('building')\n",
}

BARE_CASES = {
    # positives
    "a.py": "try:\n    x = 1\nexcept:  # expect\n    pass\n",
    "b.py": "import logging\n\ntry:\n    x = 1\nexcept:  # expect\n    logging.exception('boom')\n",
    "c.py": (
        "def f():\n    try:\n        return 1\n    except ValueError:\n        return 2\n"
        "    except:  # expect\n        return 3\n"
    ),
    "d.py": (
        "class A:\n    def m(self):\n        try:\n            pass\n"
        "        except:  # expect\n            self.x = None\n"
    ),
    # negatives
    "e.py": "try:\n    x = 1\nexcept Exception:\n    x = 2\n",
    "f.py": "try:\n    x = 1\nexcept:\n    cleanup()\n    raise\n",
    "g.py": "try:\n    x = 1\nexcept (ValueError, KeyError):\n    x = 2\nfinally:\n    y = 3\n",
}

SWALLOW_CASES = {
    # positives
    "a.py": "try:\n    x = 1\nexcept Exception:  # expect\n    pass\n",
    "b.py": "try:\n    x = 1\nexcept BaseException:  # expect\n    ...\n",
    "c.py": (
        "for i in range(3):\n    try:\n        x = i\n"
        "    except (ValueError, Exception):  # expect\n        continue\n"
    ),
    "d.py": "try:\n    x = 1\nexcept:  # expect\n    pass\n",
    "e.py": "import contextlib\n\nwith contextlib.suppress(Exception):  # expect\n    x = 1\n",
    "f.py": 'try:\n    x = 1\nexcept Exception as err:  # expect\n    """Ignored on purpose."""\n',
    # negatives
    "g.py": "try:\n    import ujson as json\nexcept ImportError:\n    pass\n",
    "h.py": "for k in 'ab':\n    try:\n        x = {}[k]\n    except KeyError:\n        continue\n",
    "i.py": "import logging\n\ntry:\n    x = 1\nexcept Exception:\n    logging.exception('x')\n",
    "j.py": "try:\n    x = 1\nexcept Exception as err:\n    raise RuntimeError('bad') from err\n",
    "k.py": "from contextlib import suppress\n\nwith suppress(FileNotFoundError):\n    x = 1\n",
    "l.py": "def f():\n    try:\n        return 1\n    except Exception:\n        return None\n",
}

PATH_CASES = {
    # positives
    "load.py": 'import pandas as pd\n\ndf = pd.read_csv("/home/alice/data/train.csv")  # expect\n',
    "colab.py": 'ROOT = "/content/drive/MyDrive/project"  # expect\n',
    "win.py": 'A = r"C:\\Users\\bob\\data.csv"  # expect\nB = "D:/datasets/train"  # expect\n',
    "fstr.py": 'def path(user):\n    return f"/home/{user}/data"  # expect\n',
    "args.py": 'def load(path="/Users/bob/models/model.pt"):  # expect\n    return path\n',
    "kaggle.py": 'TRAIN = "/kaggle/input/titanic/train.csv"  # expect\n',
    "spaced.py": "W = ' E:/runs/run1'  # expect\n",
    "fwin.py": "def out(run):\n    return f'  F:\\\\out\\\\{run}'  # expect\n",
    # negatives
    "doc.py": (
        '"""Reads /home/alice/data/train.csv on the lab machine."""\n\n\n'
        'def f():\n    """See /content/drive."""\n'
    ),
    "urls.py": 'URL = "https://example.com/home/alice/x"\nNULL = "/dev/null"\nENV = "/usr/bin/env"\nTMP = "/tmp/x"\n',
    "routes.py": 'from app import app\n\n\n@app.get("/home/feed")\ndef feed():\n    return "/home/"\n',
    "relative.py": 'DATA = "data/train.csv"\nHOME = "~/data"\nROOT = "/"\nMOUNT = "/data/train.csv"\n',
    "tests/test_paths.py": 'def test_it():\n    assert load("/home/alice/x.csv")\n',
}


def _expected(files: dict[str, str]) -> list[tuple[str, int]]:
    return sorted(
        (path, number)
        for path, text in files.items()
        for number, line in enumerate(text.splitlines(), start=1)
        if line.rstrip().endswith("# expect")
    )


@pytest.mark.parametrize(
    "code, files",
    [("MLR801", PRINT_CASES), ("MLR802", BARE_CASES), ("MLR803", SWALLOW_CASES), ("MLR901", PATH_CASES)],
    ids=["print-in-module", "bare-except", "swallowed-exception", "hardcoded-path"],
)
def test_reports_exactly_the_marked_lines(repo, code, files):
    root = repo(files)
    run = run_cli("--select", code, "--format", "json", str(root), cwd=root)
    assert run.code == 0, run.err
    assert sorted((path, line) for _, path, line in run.locations(code)) == _expected(files)
    assert len(_expected(files)) >= 3


def test_messages_say_what_was_found(repo):
    root = repo({
        "m.py": 'X = "/content/drive/MyDrive/x.csv"\n\ntry:\n    pass\nexcept Exception:\n    pass\n',
    })
    run = run_cli("--select", "MLR8,MLR9", "--format", "json", cwd=root)
    messages = {f["code"]: f["message"] for f in run.findings}
    assert messages == {
        "MLR803": "exception handler catches Exception and ignores it",
        "MLR901": "hardcoded machine-specific path '/content/drive/MyDrive/x.csv'",
    }


def test_options_change_what_is_reported(repo):
    root = repo({
        "pyproject.toml": (
            "[tool.mlrepolint.rules.print-in-module]\nallowed-functions = [\"report\"]\n"
            "[tool.mlrepolint.rules.hardcoded-path]\nprefixes = [\"/srv/\"]\n"
            "[tool.mlrepolint.rules.swallowed-exception]\nbroad-exceptions = [\"Exception\", \"OSError\"]\n"
        ),
        "m.py": (
            "def report(x):\n    print(x)\n\n\ndef main():\n    print('now flagged')\n\n\n"
            'A = "/srv/models/a.pt"\nB = "/home/alice/b.pt"\n\ntry:\n    pass\nexcept OSError:\n    pass\n'
        ),
    })
    run = run_cli("--select", "MLR801,MLR803,MLR901", "--format", "json", cwd=root)
    assert run.locations() == [("MLR801", "m.py", 6), ("MLR901", "m.py", 9), ("MLR803", "m.py", 14)]


def test_denominators_count_modules_and_handlers(repo):
    root = repo({
        "a.py": "try:\n    pass\nexcept:\n    pass\ntry:\n    pass\nexcept ValueError:\n    pass\n",
        "b.py": "def report():\n    print('x')\n    print('y')\n",  # a module: only definitions
    })
    run = run_cli("--select", "MLR8", "--format", "json", cwd=root)
    rules = {
        r["rule"]: (r["examined"], r["findings"], r["score"])
        for c in run.json["categories"] for r in c["rules"]
    }
    # Two prints in one module fail one module of two; one bare except of two handlers.
    assert rules["print-in-module"] == (2, 2, 0.5)
    assert rules["bare-except"] == (2, 1, 0.5)
    assert rules["swallowed-exception"] == (2, 1, 0.5)


@pytest.mark.parametrize(
    "rule, checker",
    [(PRINT_IN_MODULE, ErrorHandlingChecker), (BARE_EXCEPT, ErrorHandlingChecker),
     (SWALLOWED_EXCEPTION, ErrorHandlingChecker), (HARDCODED_PATH, HardcodedPathChecker)],
    ids=lambda value: getattr(value, "name", ""),
)
def test_documented_bad_example_fires_and_good_example_does_not(rule, checker):
    def codes(source: str) -> list[str]:
        ctx = Context({})
        checker().check(parse_python("pkg/example.py", source.encode()), ctx)
        return [v.rule.code for v in ctx.violations]

    assert rule.code in codes(rule.bad)
    assert rule.code not in codes(rule.good)
