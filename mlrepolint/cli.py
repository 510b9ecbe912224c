"""The `mlrepolint` command: lint (the default), rules, rule.

Exit codes: 0 when nothing at error severity was found, 1 when something was, 2 for a usage or config error
(one line on stderr, no traceback).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import click

from mlrepolint import __version__

_LINT = "lint"


class DefaultGroup(click.Group):
    """A group whose default command is `lint`: `mlrepolint .` means `mlrepolint lint .`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Insert `lint` unless the first argument names a subcommand or a group option."""
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [_LINT, *args]
        return super().parse_args(ctx, args)


def _codes(values: Sequence[str]) -> tuple[str, ...] | None:
    """Repeatable, comma-separated selector options -> a tuple, or None when not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlrepolint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint a machine-learning repository: `mlrepolint [OPTIONS] [PATH]...` (see `mlrepolint lint --help`)."""


@cli.command(_LINT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@click.option("--select", multiple=True, help="Rules to run instead of the defaults (codes, prefixes or names).")
@click.option("--extend-select", multiple=True, help="Rules to run on top of the selection.")
@click.option("--ignore", multiple=True, help="Rules not to run.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read settings from FILE instead of mlrepolint.toml / pyproject.toml.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, no summary.")
@click.option("--color/--no-color", default=None, help="Colour the output (default: on a terminal, unless NO_COLOR).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Processes for per-file work (default: all cores).")
@click.option("--cache/--no-cache", default=None, help="Reuse results from .mlrepolint_cache/ (default: on).")
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    exit_zero: bool,
    quiet: bool,
    color: bool | None,
    jobs: int | None,
    cache: bool | None,
) -> None:
    """Lint the repository holding PATH (default: the current folder)."""
    from mlrepolint.config import check_selector, find_config, load_settings
    from mlrepolint.engine import Engine, locate
    from mlrepolint.reports import FORMATS
    from mlrepolint.rules.base import Severity
    from mlrepolint.rules.registry import load_registry

    targets = list(paths) or [Path(".")]
    root, is_git = locate(targets)
    registry = load_registry()
    settings = load_settings(config_file or find_config(root), registry)
    cli_select, cli_extend, cli_ignore = _codes(select), _codes(extend_select), _codes(ignore)
    for flag, values in (("--select", cli_select), ("--extend-select", cli_extend), ("--ignore", cli_ignore)):
        for selector in values or ():
            check_selector(registry, selector, flag)
    settings = settings.with_overrides(
        select=cli_select,
        extend_select=settings.extend_select + (cli_extend or ()),
        ignore=settings.ignore + (cli_ignore or ()),
        jobs=jobs,
        cache=cache,
    )
    engine = Engine(root, is_git, settings, registry)
    engine.show_progress = not quiet
    result = engine.run(targets)

    if color is None:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    report = FORMATS[output_format](result, color=color, quiet=quiet)
    for warning in result.warnings:
        click.echo(f"mlrepolint: warning: {warning}", err=True)
    if output is not None:
        output.write_text(report, encoding="utf-8")
    else:
        click.echo(report, nl=False)
    failed = any(f.severity is Severity.ERROR for f in result.findings)
    sys.exit(1 if failed and not exit_zero else 0)


@cli.command("rules")
def list_rules() -> None:
    """List every rule: code, name, category, severity, summary."""
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    rules = sorted(registry.rules.values(), key=lambda r: r.code)
    width = max(len(r.name) for r in rules)
    for rule in rules:
        default = "" if rule.default_enabled else "  (off by default)"
        click.echo(
            f"{rule.code}  {rule.name:<{width}}  {rule.category:<14}  {rule.severity.value:<7}  {rule.summary}{default}"
        )


@cli.command("rule")
@click.argument("code_or_name")
def show_rule(code_or_name: str) -> None:
    """Print the full documentation of one rule (by code or name)."""
    from mlrepolint.docs import rule_markdown
    from mlrepolint.rules.registry import load_registry

    rule = load_registry().lookup(code_or_name)
    if rule is None:
        raise click.UsageError(f"unknown rule '{code_or_name}' (see `mlrepolint rules`)")
    click.echo(rule_markdown(rule), nl=False)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning usage and config errors into one line on stderr and exit 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="mlrepolint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"mlrepolint: error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("mlrepolint: aborted", err=True)
        sys.exit(130)
    except Exception as exc:
        if not _is_user_error(exc):
            raise
        click.echo(f"mlrepolint: error: {exc}", err=True)
        sys.exit(2)
    sys.exit(0)


def _is_user_error(exc: Exception) -> bool:
    """A ConfigError or UsageError. Looked up in sys.modules rather than imported, so that `--version` and
    `--help` do not pay for importing the engine: if a module was never imported, its error cannot be raised."""
    config, engine = sys.modules.get("mlrepolint.config"), sys.modules.get("mlrepolint.engine")
    kinds = ([config.ConfigError] if config else []) + ([engine.UsageError] if engine else [])
    return isinstance(exc, tuple(kinds))
