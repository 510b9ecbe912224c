"""The pylint plugin, through the real `pylint` executable."""

from __future__ import annotations

import pytest

from integrations import run_tool
from test_plugins import TRAIN

SCRIPT = '"""Train."""\nimport pandas as pd\n\ndf = pd.read_csv("data.csv")\n'
LIBRARY = "def load(path):\n    return path\n"
ENABLED = "mlr-missing-module-docstring,mlr-missing-function-docstring,mlr-top-level-execution,mlr-missing-main-guard"


def pylint_messages(root, *files, extra=()):
    proc = run_tool(
        "pylint", "--load-plugins=mlrepolint.pylint_plugin", "--disable=all", f"--enable={ENABLED}",
        "--score=n", "--msg-template={path}:{line}:{column}: {msg_id} {symbol}: {msg}", *extra, *files, cwd=root,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, [line for line in proc.stdout.splitlines() if line and not line.startswith("*")]


def test_reports_rules_as_pylint_messages(repo):
    root = repo({"train.py": SCRIPT, "lib.py": LIBRARY})
    code, lines = pylint_messages(root, "lib.py", "train.py")
    assert code != 0
    assert lines == [
        "lib.py:1:0: W7101 mlr-missing-module-docstring: public module lib.py has no docstring",
        "lib.py:1:0: W7103 mlr-missing-function-docstring: public function load has no docstring",
        "train.py:4:0: W7201 mlr-top-level-execution: assignment from `pd.read_csv(...)` at module level runs on "
        "import",
        'train.py:4:0: W7202 mlr-missing-main-guard: script has no `if __name__ == "__main__":` guard',
    ]


@pytest.mark.parametrize(
    "files, extra",
    [
        ({"lib.py": '"""Lib."""\n' + LIBRARY.replace("):", "):  # noqa: MLR103")}, ()),
        ({"lib.py": '"""Lib."""\n' + LIBRARY, "pyproject.toml": '[tool.mlrepolint]\nignore = ["MLR1"]\n'}, ()),
        ({"lib.py": '"""Lib."""\n' + LIBRARY}, ("--disable=W7103",)),
        ({"lib.py": '"""Lib."""\n' + LIBRARY.replace("):", "):  # pylint: disable=mlr-missing-function-docstring")},
         ()),
    ],
)
def test_suppressed_by_noqa_config_or_pylint(repo, files, extra):
    root = repo(files)
    assert pylint_messages(root, "lib.py", extra=extra) == (0, [])


def test_syntax_error_is_left_to_pylint(repo):
    root = repo({"broken.py": "def f(:\n", "lib.py": LIBRARY})
    proc = run_tool("pylint", "--load-plugins=mlrepolint.pylint_plugin", "--disable=all",
                    f"--enable=syntax-error,{ENABLED}", "broken.py", "lib.py", cwd=root)
    assert "Traceback" not in proc.stderr
    assert "E0001" in proc.stdout and "W7103" in proc.stdout


def test_third_party_checkers_become_their_own_family(repo, plugin_site):
    root = repo({"train.py": TRAIN})
    proc = run_tool("pylint", "--load-plugins=mlrepolint.pylint_plugin", "--disable=all",
                    "--enable=mlr-torch-load-without-weights-only", "--score=n",
                    "--msg-template={path}:{line}:{column}: {msg_id} {symbol}: {msg}", "train.py", cwd=root,
                    env={"PYTHONPATH": str(plugin_site)})
    assert [line for line in proc.stdout.splitlines() if line and not line.startswith("*")] == [
        "train.py:7:12: E7490 mlr-torch-load-without-weights-only: `torch.load(...)` without `weights_only=True`",
        "train.py:8:12: E7490 mlr-torch-load-without-weights-only: `torch.load(...)` with `weights_only=False`",
    ]
