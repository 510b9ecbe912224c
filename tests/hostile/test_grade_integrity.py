"""Under `grade`, a submission's own suppressions and tool settings do not lower its findings (unless the grader's
config says so), and the table counts what it overrode."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from attacks import build, environment, run

from mlrepolint.rules.registry import load_registry

EVERY_CODE = ",".join(sorted(load_registry().rules))
SOURCE = (
    "import os\n"
    "import pandas as pd\n"
    "df = pd.read_csv('/home/alice/data.csv')  {noqa}\n"
    "def load(path):\n"
    "    try:\n"
    "        return open(path).read()  {noqa}\n"
    "    except:  {noqa}\n"
    "        pass\n"
    "x = [1,2 ,3]  {noqa}\n"
)
#: The same text with comments that suppress nothing, so that line lengths and comment counts match.
SUPPRESSING = {
    "train.py": "# mlrepolint: disable=missing-main-guard,top-level-execution\n# flake8: noqa\n# pylint: skip-file\n"
                + SOURCE.format(noqa=f"# noqa: {EVERY_CODE}"),
    "lib.py": "# pylint: disable=all\n" + SOURCE.format(noqa="# noqa"),
    ".flake8": "[flake8]\nselect = X\nignore = E,W,F\nmax-line-length = 1000\nexclude = *.py\n",
    "pyproject.toml": "[tool.ruff]\nline-length = 1000\n[tool.ruff.lint]\nignore = [\"E\", \"W\", \"F\"]\n"
                      "[tool.black]\nline-length = 1000\n[tool.pylint.main]\ndisable = \"all\"\n",
    ".pylintrc": "[MAIN]\ndisable=all\n",
}
DECOYS = {
    "train.py": "# mlrepolint: enable=missing-main-guard,top-level-execution\n# flake8: noqb\n# pylint: skip-fil\n"
                + SOURCE.format(noqa=f"# noqb: {EVERY_CODE}"),
    "lib.py": "# pylint: enable=all\n" + SOURCE.format(noqa="# noqb"),
    ".flake8": "[flake9]\nselect = X\nignore = E,W,F\nmax-line-length = 1000\nexclude = *.py\n",
    "pyproject.toml": "[tool.ruffx]\nline-length = 1000\n[tool.ruffx.lint]\nignore = [\"E\", \"W\", \"F\"]\n"
                      "[tool.blackx]\nline-length = 1000\n[tool.pylintx.main]\ndisable = \"all\"\n",
    ".pylintrx": "[MAIN]\ndisable=all\n",
}


def graded(tmp_path: Path, *args: str) -> dict[str, dict[str, str]]:
    result = run(["grade", "submissions", "--format", "csv", *args], cwd=tmp_path, env=environment(tmp_path))
    assert result.code == 0, result.err
    return {row["repository"]: row for row in csv.DictReader(io.StringIO(result.out))}


def test_a_submissions_suppressions_do_not_raise_its_grade(tmp_path):
    build(tmp_path / "submissions" / "gamed", SUPPRESSING)
    build(tmp_path / "submissions" / "plain", DECOYS)
    rubric = tmp_path / "rubric.toml"
    for backend, wrappers in (("flake8", '["flake8", "pylint"]'), ("ruff", '["flake8"]')):
        # (ruff leaves a trailing pragma out of a line's length, whatever --ignore-noqa says: no long lines here)
        rubric.write_text(f'wrappers = {wrappers}\npep8-backend = "{backend}"\n[flake8]\nmax-line-length = 400\n')
        rows = graded(tmp_path, "--config", str(rubric))
        gamed, plain = rows["submissions/gamed"], rows["submissions/plain"]
        assert gamed["error"] == plain["error"] == ""
        assert float(gamed["score"]) == float(plain["score"]) < 60, backend
        assert {k: v for k, v in gamed.items() if k not in ("repository", "overridden")} == \
            {k: v for k, v in plain.items() if k not in ("repository", "overridden")}
        assert int(gamed["overridden"]) >= 10 and plain["overridden"] == "0", backend


def test_the_graders_config_can_honour_suppressions(tmp_path):
    build(tmp_path / "submissions" / "gamed", SUPPRESSING)
    rubric = tmp_path / "rubric.toml"
    rubric.write_text("respect-suppressions = true\n")
    honoured = graded(tmp_path, "--config", str(rubric))["submissions/gamed"]
    strict = graded(tmp_path)["submissions/gamed"]
    assert float(honoured["score"]) > float(strict["score"])
    assert honoured["overridden"] == "0"
