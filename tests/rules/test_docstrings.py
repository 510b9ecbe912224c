"""missing-module-docstring (MLR101), missing-class-docstring (MLR102), missing-function-docstring (MLR103)."""

from __future__ import annotations

import pytest
from conftest import lint_json


def lint(repo, files: dict, *args: str):
    return lint_json(repo(files), "--select", "MLR1", *args)


@pytest.mark.parametrize(
    "source, expected",
    [
        # positives: (code, line)
        ("x = 1\n", [("MLR101", 1)]),
        ('"""Doc."""\nclass Model:\n    pass\n', [("MLR102", 2)]),
        ('"""Doc."""\ndef train():\n    pass\n', [("MLR103", 2)]),
        ('"""Doc."""\nasync def fetch():\n    pass\n', [("MLR103", 2)]),
        ('"""Doc."""\nclass Model:\n    """Doc."""\n    def fit(self):\n        pass\n', [("MLR103", 4)]),
        # the def/class line, not the decorator line
        ('"""Doc."""\n@decorator\n@other(1)\ndef train():\n    pass\n', [("MLR103", 4)]),
        ('"""Doc."""\n@dataclass\nclass Config:\n    lr: float = 0.1\n', [("MLR102", 3)]),
        # nested public class inside a public class
        ('"""Doc."""\nclass A:\n    """Doc."""\n    class Meta:\n        pass\n', [("MLR102", 4)]),
        # a blank docstring is no docstring
        ('"""Doc."""\ndef train():\n    """   """\n', [("MLR103", 2)]),
        # definitions under if TYPE_CHECKING / try are still module level
        ('"""Doc."""\ntry:\n    def fast():\n        pass\nexcept ImportError:\n    pass\n', [("MLR103", 3)]),
        # tricky negatives
        ("", []),  # empty file
        ("# just a comment\n", []),  # no code
        ('"""Doc."""\ndef _private():\n    pass\n', []),
        ('"""Doc."""\nclass _Hidden:\n    def visible(self):\n        pass\n', []),  # methods of private classes
        ('"""Doc."""\nclass A:\n    """Doc."""\n    def __repr__(self):\n        pass\n'
         '    def __init__(self):\n        pass\n', []),
        ('"""Doc."""\ndef outer():\n    """Doc."""\n    def inner():\n        pass\n'
         '    class Local:\n        pass\n', []),
        ('"""Doc."""\nfrom typing import overload\n@overload\ndef f(x: int) -> int: ...\n'
         '@overload\ndef f(x: str) -> str: ...\ndef f(x):\n    """Doc."""\n    return x\n', []),
        ('"""Doc."""\nimport typing\n@typing.overload\ndef f(x: int) -> int: ...\ndef f(x):\n    """Doc."""\n', []),
        ('"""Doc."""\nclass A:\n    """Doc."""\n    @property\n    def v(self):\n        """Doc."""\n'
         '    @v.setter\n    def v(self, value):\n        pass\n', []),
    ],
)
def test_docstring_rules(repo, source, expected):
    run = lint(repo, {"pkg/model.py": source})
    assert [(code, line) for code, _, line in run.locations()] == expected


def test_column_points_at_the_definition(repo):
    run = lint(repo, {"m.py": '"""Doc."""\nclass A:\n    """Doc."""\n    def fit(self):\n        pass\n'})
    (finding,) = run.findings
    assert (finding["line"], finding["column"], finding["message"]) == (4, 5, "public method fit has no docstring")


def test_private_module_and_init_module_docstring_are_skipped(repo):
    run = lint(repo, {"pkg/__init__.py": "from .a import b\n", "pkg/_impl.py": "x = 1\n"})
    assert run.findings == []


def test_include_init_option_turns_on_init_modules(repo):
    config = '[tool.mlrepolint.rules.missing-module-docstring]\ninclude-init = true\n'
    run = lint(repo, {"pyproject.toml": config, "pkg/__init__.py": "from .a import b\n"})
    assert run.locations() == [("MLR101", "pkg/__init__.py", 1)]


@pytest.mark.parametrize("path", ["tests/test_model.py", "test_model.py", "model_test.py", "conftest.py",
                                  "test/helpers.py", "pkg/tests/data.py"])
def test_test_files_are_skipped_by_default(repo, path):
    run = lint(repo, {path: "def helper():\n    pass\nclass Case:\n    pass\n"})
    assert run.findings == []


def test_include_tests_option_checks_test_files(repo):
    config = (
        '[tool.mlrepolint.rules.missing-function-docstring]\ninclude-tests = true\n'
        '[tool.mlrepolint.rules.missing-module-docstring]\ninclude-tests = true\n'
    )
    run = lint(repo, {"pyproject.toml": config, "tests/test_model.py": "def test_fit():\n    pass\n"})
    assert run.locations() == [("MLR101", "tests/test_model.py", 1), ("MLR103", "tests/test_model.py", 1)]
