"""Rules the engine itself reports: files it cannot parse, suppressions that suppress nothing, and what the test
reports the user names (`--junit`, `--coverage`) say."""

from mlrepolint.rules.base import Rule, Severity
from mlrepolint.rules.history import HISTORY_RULES
from mlrepolint.rules.testreports import TEST_REPORT_RULES

PARSE_ERROR = Rule(
    code="MLR001",
    name="parse-error",
    category="code-quality",
    severity=Severity.ERROR,
    summary="A file could not be decoded or parsed",
    description=(
        "Reports a file that mlrepolint could not decode (PEP 263 coding lines are honoured) or parse, with the "
        "parser's message and line: a Python file or notebook, a Python file larger than `max-python-file-size` "
        "(not parsed), a requirements, Dockerfile, YAML or TOML declaration, a `pyproject.toml` or "
        "`mlrepolint.toml` that is not valid TOML (the run then goes on with the default settings), a `.gitignore` "
        "line too long to be a pattern. Files of a project template (a cookiecutter or copier template folder, "
        "or Jinja syntax: `mlrepolint explain` names them) are not parsed: they are Python or TOML only once "
        "rendered. The file's other rules cannot run; the rest of the repository is still linted."
    ),
    rationale=(
        "A module that does not parse cannot be imported, tested or reviewed by tools; in an ML repository it is "
        "often a notebook export or a half-resolved merge that silently breaks a training pipeline."
    ),
    fix="Fix the syntax error or the file's encoding at the reported line.",
    bad="def train(:\n    pass\n",
    good="def train():\n    pass\n",
)

UNUSED_SUPPRESSION = Rule(
    code="MLR002",
    name="unused-suppression",
    category="code-quality",
    severity=Severity.INFO,
    summary="A `# noqa` or `# mlrepolint: disable=` comment suppresses nothing",
    description=(
        "Reports a `# noqa: MLR...` comment, or a file-level `# mlrepolint: disable=...` comment, naming an "
        "enabled mlrepolint rule that reported nothing there. Off by default, like ruff's RUF100."
    ),
    rationale="Stale suppressions hide the next real problem on that line and make the code harder to read.",
    fix="Delete the code from the comment, or the whole comment when nothing is left.",
    bad="def main():  # noqa: MLR103\n    \"\"\"Train the model.\"\"\"\n",
    good="def main():\n    \"\"\"Train the model.\"\"\"\n",
    default_enabled=False,
)

ENGINE_RULES = (PARSE_ERROR, UNUSED_SUPPRESSION, *TEST_REPORT_RULES, *HISTORY_RULES)
