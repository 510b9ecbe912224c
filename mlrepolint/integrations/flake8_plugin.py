"""The flake8 plugin: mlrepolint's per-file rules as flake8 messages (`MLR101 ...`), on the tree flake8 parsed.

Registered under the `flake8.extension` entry point as `MLR`. Importing this module imports nothing heavy: the
engine and the per-file rules load when the first file is checked (the repository rules, which do not run inside
flake8, never load). Options come from the configuration `mlrepolint` itself reads for the file (see
`mlrepolint.integrations.settings`), then from flake8's `--mlr-config` and `--mlr-option`.

Suppressions mean what they mean to `mlrepolint`: its own are applied before flake8 sees a finding, and flake8's
`# noqa` check is skipped for MLR codes (`take_over_noqa`), since flake8 lets a bare `# noqa` silence every
plugin's codes while mlrepolint's rules must be named (a blanket noqa written for flake8 cannot hide a finding).
"""

from __future__ import annotations

import ast
import sys
from typing import Any, ClassVar, Iterator, Sequence

from mlrepolint import __version__

#: Not a rule: the code flake8 shows when mlrepolint's configuration cannot be read.
CONFIG_ERROR = "MLR000"
PREFIX = "MLR"


def take_over_noqa() -> str | None:
    """Make flake8 leave MLR findings to mlrepolint's own suppressions (already applied); once per process.

    flake8 decides `# noqa` in `flake8.violation.Violation.is_inline_ignored`, after plugins have run, for every
    plugin alike; no plugin interface lets a plugin decide for its own codes, so this wraps that method (flake8's
    internals, hence the supported versions in `mlrepolint.rules.wrapped.flake8_versions`). Returns a warning when
    it cannot.
    """
    from mlrepolint.rules.wrapped.flake8_versions import unsupported

    try:
        import flake8
        from flake8.violation import Violation

        original = Violation.is_inline_ignored
    except (ImportError, AttributeError):
        version = getattr(sys.modules.get("flake8"), "__version__", "?")
        return unsupported(version) or f"flake8 {version} has no flake8.violation.Violation.is_inline_ignored"
    if getattr(original, "mlrepolint", False):
        return None

    def is_inline_ignored(self: Any, disable_noqa: bool) -> bool:
        return False if self.code.startswith(PREFIX) else original(self, disable_noqa)

    is_inline_ignored.mlrepolint = True  # type: ignore[attr-defined]
    Violation.is_inline_ignored = is_inline_ignored  # type: ignore[method-assign]
    return unsupported(flake8.__version__)


class MLRepoLintChecker:
    """flake8 calls this once per file with the tree, file name and lines it already has."""

    name = "mlrepolint"
    version = __version__
    config: ClassVar[str | None] = None
    overrides: ClassVar[tuple[str, ...]] = ()
    warned: ClassVar[bool] = False

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
        """Keep the parsed options for every file; a bad `--mlr-...` value stops flake8 with one line. On a flake8
        this mlrepolint is not written for, one warning on stderr says so (the rules still run)."""
        warning = take_over_noqa()
        if warning and not cls.warned:
            cls.warned = True
            sys.stderr.write(f"mlrepolint: warning: {warning}: a bare `# noqa` may silence mlrepolint's rules in "
                             "flake8\n")
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
