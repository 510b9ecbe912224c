"""The flake8 plugin: mlrepolint's per-file rules as flake8 messages (`MLR101 ...`), on the tree flake8 parsed.

Registered under the `flake8.extension` entry point as `MLR`. Importing this module imports nothing heavy: the
engine and the rules load when the first file is checked. Repository-level rules do not run inside flake8.
Options come from `[tool.mlrepolint]` found above the file, then from flake8's `--mlr-config` and `--mlr-option`.
"""

from __future__ import annotations

import ast
from typing import Any, ClassVar, Iterator, Sequence

from mlrepolint import __version__

#: Not a rule: the code flake8 shows when mlrepolint's configuration cannot be read.
CONFIG_ERROR = "MLR000"


class MLRepoLintChecker:
    """flake8 calls this once per file with the tree, file name and lines it already has."""

    name = "mlrepolint"
    version = __version__
    config: ClassVar[str | None] = None
    overrides: ClassVar[tuple[str, ...]] = ()

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """`--mlr-config` and `--mlr-option`, also readable from flake8's own config files."""
        manager.add_option(
            "--mlr-config", parse_from_config=True, default=None,
            help="mlrepolint config file (default: mlrepolint.toml or pyproject.toml above each file)",
        )
        manager.add_option(
            "--mlr-option", parse_from_config=True, comma_separated_list=True, default=[],
            help="mlrepolint rule option RULE.OPTION=VALUE, e.g. missing-function-docstring.include-tests=true "
                 "(comma-separated, repeatable)",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Keep the parsed options for every file; a bad `--mlr-...` value stops flake8 with one line."""
        cls.config = options.mlr_config
        cls.overrides = tuple(options.mlr_option or ())
        if cls.config or cls.overrides:
            from mlrepolint.config import ConfigError
            from mlrepolint.integrations.settings import engine_for

            try:
                engine_for(".", cls.config, cls.overrides)
            except ConfigError as exc:
                raise SystemExit(f"flake8: mlrepolint: error: {exc}") from None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """(line, 0-based column, "CODE message", type) per finding."""
        from mlrepolint.config import ConfigError
        from mlrepolint.integrations.settings import lint_tree

        text = "".join(self.lines)
        try:
            findings = lint_tree(self.filename, text, self.tree, self.config, self.overrides)
        except ConfigError as exc:  # a broken [tool.mlrepolint] shows where the user looks, once per file
            yield 1, 0, f"{CONFIG_ERROR} mlrepolint configuration error: {exc}", type(self)
            return
        for finding in findings:
            column = (finding.column or 1) - 1
            yield finding.line or 1, column, f"{finding.code} {finding.message} ({finding.rule})", type(self)
