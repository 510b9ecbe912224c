"""print-in-module looks at the source text before walking a file's expressions: every call of the builtin is still
found however it is written, and names that merely contain `print` send no file into the walk for nothing."""

from __future__ import annotations

from conftest import lint_json

PRINTS = {
    # Not calls of the builtin: no finding (and, in the first three files, no walk of the expressions).
    "pkg/hashes.py": "def fingerprint(data):\n    return hash(data)\n",
    "pkg/pretty.py": "from pprint import pprint\n\n\ndef show(obj):\n    pprint(obj)\n    obj.print('x')\n",
    "pkg/doc.py": '"""Helpers that print the loss."""\n\n\ndef print_fn(x):\n    return x\n',
    # Calls of the builtin, in every spelling the grammar allows: each one found.
    "pkg/calls.py": (
        "def a(x):\n    print(x)  # expect\n\n\n"
        "def b(x):\n    print (x)  # expect\n\n\n"
        "def c(x):\n    (print)(x)  # expect\n\n\n"
        "def d(x):\n    (print  # a comment\n     )(x)  # expect-above\n\n\n"
        "def e(x):\n    print \\\n        (x)  # expect-above\n\n\n"
        "def f(x):\n    return [x, fingerprint(x)] if x else {print(x)}  # expect\n\n\n"
        "def g(x):\n    return lambda:print(x)  # expect\n\n\n"
        "def h(x):\n    return f'{print(x)}'  # expect\n"
    ),
}


def expected_lines(text: str) -> list[int]:
    lines = text.splitlines()
    return sorted([n for n, line in enumerate(lines, 1) if line.endswith("# expect")]
                  + [n - 1 for n, line in enumerate(lines, 1) if line.endswith("# expect-above")])


def test_every_print_call_is_found_and_nothing_else(repo):
    root = repo(PRINTS)
    run = lint_json(root, "--select", "print-in-module")
    found = sorted((f["path"], f["line"]) for f in run.findings)
    assert found == [("pkg/calls.py", line) for line in expected_lines(PRINTS["pkg/calls.py"])]
    assert len(found) == 8


#: Only the statements on the lines that name `print` have their expressions walked: a call in a decorator (above
#: its `def`), deep in a statement that spans many lines, or in a file with Windows line endings is still found.
SPANNING = {
    "pkg/spans.py": (
        "import functools\n\n\n"
        "@functools.lru_cache(maxsize=print('cached') or 1)  # expect\n"
        "def cached(x):\n    return x\n\n\n"
        "def long_call(x):\n    return dict(\n        a=1,\n        b=[x,\n           print(x)],  # expect\n    )\n\n\n"
        "class Report:\n    def show(self):\n        if self:\n            for _ in range(2):\n"
        "                print(self)  # expect\n"
    ),
    "pkg/windows.py": "def a(x):\r\n    return x\r\n\r\n\r\ndef b(x):\r\n    print(x)  # expect\r\n",
}


def test_print_calls_on_lines_inside_longer_statements_are_found(repo):
    root = repo(SPANNING)
    run = lint_json(root, "--select", "print-in-module")
    found = sorted((f["path"], f["line"]) for f in run.findings)
    expected = [("pkg/spans.py", line) for line in expected_lines(SPANNING["pkg/spans.py"])]
    assert found == expected + [("pkg/windows.py", 6)]
