"""The PEP 8 pass reports exactly what flake8 itself reports, however narrow the selection: mlrepolint runs only
the pycodestyle checks that can emit a selected code and maps `# noqa` lines only in files that have one, and the
findings (code, file, line, column, message) stay flake8's, checked against the real `flake8` executable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import run_cli
from integrations import run_tool

from mlrepolint.rules.wrapped import DUPLICATES
from mlrepolint.rules.registry import load_registry
from mlrepolint.selection import Selection

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from synth import generate  # noqa: E402  (the benchmark's generator, not a package)

#: Every kind of pycodestyle and pyflakes finding, and `# noqa` in its forms (bare, with codes, in any case, at
#: the end of a multi-line string).
STYLE = '''import os, sys
import re
l = 1
## a block comment with two hashes
x=1  # noqa: E225
y=2  # NOQA:E501,E225
z  =  3 # noqa
if x == None :
    pass
if not x in [1,2]:
    pass
def f( a, b = 1 ):
  return a+b
class C :
    def m(self):
        try:
            return type(self) == type(1)
        except:
            return lambda: 0
w = """one
two {0}
""".format(1) # noqa
LONG_LINE
result = (1 +
          2)
result = (1
          + 2)
value = "\\d"
pattern = re.compile("\\d")  # noqa: W605
print(undefined_name) ;
unused_f = f"plain"
def g():
    local = 1
    for i in range(3): print(i)
    return [i for i in range(3)]
TRAILING_SPACES
'''.replace("LONG_LINE", f"very_long_name_for_a_line = '{'a' * 100}'").replace("TRAILING_SPACES", "trailing = 1   ")
NO_NEWLINE = "a = 1\nb = 2"
BLANK_AT_END = "a = 1\n\n\n"
FILE_NOQA = "# flake8: noqa\nimport os\nx=1\n"
CONTINUATION = "def f(a,\n    b):\n    return (a,\n        b\n        )\n"
TABS = "if True:\n\tx = (1,\n\t    2)\n"  # W191, and E101 on the continuation line


def _repo(root: Path, flake8_config: str | None) -> Path:
    generate(root, modules=8, seed=3)
    for name, text in {
        "style.py": STYLE, "pkg/no_newline.py": NO_NEWLINE, "pkg/blank_at_end.py": BLANK_AT_END,
        "pkg/file_noqa.py": FILE_NOQA, "pkg/continuation.py": CONTINUATION,
        "pkg/tabs.py": TABS,
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    if flake8_config is not None:
        (root / ".flake8").write_text(f"[flake8]\n{flake8_config}", encoding="utf-8")
    return root


def flake8_says(root: Path, *args: str) -> list[tuple[str, str, int, int, str]]:
    """flake8's own findings (its executable, mlrepolint's plugin codes left out)."""
    proc = run_tool("flake8", "--jobs", "1", *args, ".", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    found = []
    for line in proc.stdout.splitlines():
        path, number, column, message = line.split(":", 3)
        code, text = message.strip().split(" ", 1)
        if not code.startswith("MLR"):
            found.append((code, path.removeprefix("./"), int(number), int(column), text))
    return sorted(found)


def _duplicate(code: str, selection: Selection) -> bool:
    """E722 is left to mlrepolint's bare-except while that rule runs (it says more; see DUPLICATES)."""
    rule = load_registry().lookup(DUPLICATES.get(code, ""))
    return rule is not None and selection.enabled(rule.code, rule.name)


def mlrepolint_says(root: Path, *args: str) -> list[tuple[str, str, int, int, str]]:
    run = run_cli("--no-cache", "--format", "json", "--exit-zero", *args, ".", cwd=root)
    assert run.code == 0, run.err
    assert run.json["warnings"] == []
    # flake8 reads no notebooks; mlrepolint gives it their code cells too (compared in tests/test_notebook_cells.py)
    return sorted((f["code"], f["path"], f["line"], f["column"], f["message"])
                  for f in run.findings if f["source"] == "flake8" and not f["path"].endswith(".ipynb"))


@pytest.mark.parametrize(
    ("config", "select", "ignore"),
    [
        (None, None, ()),  # flake8's defaults, its default ignore list included
        # NeMo's own configuration: two pycodestyle codes and four of pyflakes
        ("max-line-length = 119\nselect = F541, F841, F401, E741, F821, E266\n", None, ()),
        ("extend-ignore = E2,W6\nper-file-ignores =\n    style.py: E3,F\n    pkg/*: W\nmax-line-length = 100\n",
         None, ()),
        ("hang-closing = true\nextend-select = W504,E133\n", None, ()),
        # no token check at all, and one whose findings need `##` in the file: files without it get no token loop
        ("select = F\n", None, ()),
        ("select = F, E266\n", None, ()),
        # mlrepolint's own selection on top of flake8's
        (None, ("E501", "W29", "F401", "E7"), ()),
        ("extend-select = E226\n", ("E", "W"), ("E1", "W191", "E226")),
    ],
    ids=["defaults", "nemo", "ignores-and-per-file", "hang-closing", "pyflakes-only", "pyflakes-and-E266",
         "mlrepolint-select", "mlrepolint-ignore"],
)
def test_findings_are_flake8s_own(tmp_path, config, select, ignore):
    root = _repo(tmp_path / "repo", config)
    selection = Selection(select, (), ignore, default_enabled=lambda code: True)
    expected = [f for f in flake8_says(root) if selection.enabled(f[0]) and not _duplicate(f[0], selection)]
    assert len({code for code, *_ in expected}) >= 3  # the tree exercises what is compared
    args = [*(("--select", ",".join(select)) if select else ()), *(("--ignore", ",".join(ignore)) if ignore else ())]
    assert mlrepolint_says(root, *args) == expected
