"""An unknown selector is an error naming it, never a selection of nothing that scores 100 and passes the gate."""

from __future__ import annotations

import pytest
from attacks import build, environment, run

SCRIPT = 'import pandas as pd\n\ndf = pd.read_csv("data.csv")\nx = [1,2]\n'


@pytest.mark.parametrize("args, config, message", [
    (["--select", "XYZ"], None, "--select: unknown rule or prefix 'XYZ' (no installed wrapped tool reports it)"),
    (["--select", "mlr101"], None, "--select: unknown rule or prefix 'mlr101' (did you mean 'MLR101'?)"),
    (["--ignore", "MLR999"], None, "--ignore: unknown rule or prefix 'MLR999'"),
    (["--extend-select", "PLR0913"], None,
     "--extend-select: unknown rule or prefix 'PLR0913' (no installed wrapped tool reports it)"),
    ([], 'select = ["XYZ"]', "pyproject.toml: 'select': unknown rule or prefix 'XYZ' (no installed wrapped tool "
                             "reports it)"),
    ([], '[tool.mlrepolint.per-file-ignores]\n"*.py" = ["E5O1"]',
     "pyproject.toml: 'per-file-ignores.*.py': unknown rule or prefix 'E5O1'"),
])
def test_unknown_selectors_are_usage_errors(tmp_path, args, config, message):
    files = {"train.py": SCRIPT}
    if config is not None:
        files["pyproject.toml"] = config if config.startswith("[") else f"[tool.mlrepolint]\n{config}\n"
    root = build(tmp_path / "repo", files)
    result = run(args, cwd=root, env=environment(tmp_path))
    assert (result.code, result.out) == (2, "")
    assert result.err == f"mlrepolint: error: {message}\n"
    graded = run(["grade", str(root), "--config", str(root / "pyproject.toml")] if config else ["grade", str(root)],
                 cwd=tmp_path, env=environment(tmp_path))
    if config:  # the grader's own file: the same error
        assert graded.code == 2 and message.split(": ", 1)[1] in graded.err


@pytest.mark.parametrize("args, code", [
    (["--select", "E231"], "E231"), (["--select", "E2"], "E231"), (["--select", "MLR202"], "MLR202"),
    (["--select", "missing-main-guard"], "MLR202"), (["--with", "pylint", "--select", "C0114,W0611,C0411"], "W0611"),
    (["--pep8-backend", "ruff", "--select", "F401,PLR0913"], "F401"),
])
def test_known_codes_of_installed_tools_still_select(tmp_path, args, code):
    root = build(tmp_path / "repo", {"train.py": SCRIPT + "import os\n"})
    result = run(["--format", "json", "--no-cache", *args], cwd=root, env=environment(tmp_path))
    assert result.code in (0, 1), result.err
    assert code in {f["code"] for f in result.findings}
