"""`# noqa: CODE`, file-level `# mlrepolint: disable=...`, and unused-suppression (MLR002)."""

from __future__ import annotations

import pytest
from conftest import run_cli


def lint(repo, source: str, *args: str):
    root = repo({"train.py": source})
    return run_cli("--format", "json", *args, cwd=root)


@pytest.mark.parametrize(
    "comment",
    ["# noqa: MLR201", "# noqa:MLR201", "# NOQA: MLR201", "# noqa: MLR101,MLR201", "# noqa: MLR202 MLR201"],
)
def test_noqa_with_codes_suppresses_that_line(repo, comment):
    run = lint(repo, f'"""Doc."""\nmain()  {comment}\n', "--select", "MLR201")
    assert run.findings == []


def test_noqa_for_another_code_does_not_suppress(repo):
    run = lint(repo, '"""Doc."""\nmain()  # noqa: MLR101\n', "--select", "MLR201")
    assert run.locations() == [("MLR201", "train.py", 2)]


def test_bare_noqa_does_not_silence_our_rules(repo):
    run = lint(repo, '"""Doc."""\nmain()  # noqa\n', "--select", "MLR201")
    assert run.locations() == [("MLR201", "train.py", 2)]


def test_file_level_disable_by_name_or_code(repo):
    source = '"""Doc."""\n# mlrepolint: disable=missing-main-guard, MLR201\nmain()\n'
    assert lint(repo, source, "--select", "MLR1,MLR2").findings == []


def test_unused_suppression_is_off_by_default_and_reported_when_selected(repo):
    source = (
        '"""Doc."""\nX = 1  # noqa: MLR201\n# mlrepolint: disable=missing-main-guard\n'
        'def f():  # noqa: MLR103\n    pass\n'
    )
    off = lint(repo, source)
    assert off.locations("MLR002") == []
    on = lint(repo, source, "--extend-select", "unused-suppression")
    assert on.locations("MLR002") == [("MLR002", "train.py", 2), ("MLR002", "train.py", 3)]
    messages = [f["message"] for f in on.findings if f["code"] == "MLR002"]
    assert messages == ["unused suppression of MLR201 (top-level-execution)",
                        "unused suppression of MLR202 (missing-main-guard)"]


def test_suppression_of_a_disabled_rule_is_not_called_unused(repo):
    source = '"""Doc."""\nX = 1  # noqa: MLR201\n'
    run = lint(repo, source, "--select", "MLR002,MLR1")
    assert run.findings == []
