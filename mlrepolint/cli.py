"""The `mlrepolint` command: lint (the default), rules, rule, plugins.

Exit codes: 0 when nothing at error severity was found, 1 when something was, 2 for a usage or config error
(one line on stderr, no traceback).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import click

from mlrepolint import __version__
from mlrepolint.workers import relax_gc

if TYPE_CHECKING:
    from mlrepolint.rules.registry import Registry

_LINT = "lint"
#: Report formats, listed here so that `--help` does not import the reports.
FORMAT_NAMES = ["text", "json", "markdown", "github", "sarif", "gitlab", "junit", "html"]
GRADE_FORMATS = ["text", "markdown", "csv", "html"]


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
@click.option("--format", "output_format", type=click.Choice(FORMAT_NAMES), default="text", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@click.option("--output-format", "extra_outputs", multiple=True, metavar="FORMAT:FILE",
              help="Also write the report in FORMAT to FILE (repeatable), e.g. sarif:mlrepolint.sarif.")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Leave out the findings recorded in FILE (see --write-baseline); report stale entries.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings in FILE so that later runs with --baseline FILE fail only on new ones.")
@click.option("--diff", "diff_base", metavar="BASE_REF",
              help="Report only findings on lines added, or files changed, since the git revision BASE_REF.")
@click.option("--limit-to-paths", is_flag=True,
              help="Keep repository findings only for the named files (what the pre-commit hook passes).")
@click.option("--select", multiple=True, help="Rules to run instead of the defaults (codes, prefixes or names).")
@click.option("--extend-select", multiple=True, help="Rules to run on top of the selection.")
@click.option("--ignore", multiple=True, help="Rules not to run.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read settings from FILE instead of mlrepolint.toml / pyproject.toml.")
@click.option("--with", "with_tools", multiple=True, metavar="TOOL",
              help="Also run these wrapped tools (flake8, pylint), on top of the configured `wrappers`.")
@click.option("--pep8-backend", type=click.Choice(["flake8", "ruff"]), help="Tool for the PEP 8 pass (default flake8).")
@click.option("--trust-repo-config", is_flag=True, default=None,
              help="Let the repository's tool configs run code (pylint init-hook/load-plugins, flake8 local plugins).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever the findings (same as --fail-on never).")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="SCORE",
              help="Exit 1 when the rubric score is below SCORE (0-100).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="The least severe finding that makes the run exit 1 (default: error).")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only (no rubric table, no summary).")
@click.option("--statistics", is_flag=True,
              help="Print the number of findings per rule instead of each finding (text format only).")
@click.option("--color/--no-color", default=None,
              help="Colour the output (default: on a terminal; see NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Processes for per-file work (default: all cores).")
@click.option("--cache/--no-cache", default=None, help="Reuse results from .mlrepolint_cache/ (default: on).")
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    extra_outputs: tuple[str, ...],
    baseline_file: Path | None,
    write_baseline: Path | None,
    diff_base: str | None,
    limit_to_paths: bool,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    with_tools: tuple[str, ...],
    pep8_backend: str | None,
    trust_repo_config: bool | None,
    exit_zero: bool,
    fail_under: float | None,
    fail_on: str | None,
    quiet: bool,
    statistics: bool,
    color: bool | None,
    jobs: int | None,
    cache: bool | None,
) -> None:
    """Lint the repository holding PATH (default: the current folder)."""
    from mlrepolint.config import check_selector, find_config, load_settings
    from mlrepolint.engine import Engine, locate
    from mlrepolint.reports import FORMATS
    from mlrepolint.rules.registry import load_registry
    from mlrepolint.rules.wrapped import WRAPPERS
    from mlrepolint.scoring import fail_under_message

    targets = list(paths) or [Path(".")]
    root, is_git = locate(targets)
    registry = load_registry()
    settings = load_settings(config_file or find_config(root), registry)
    cli_select, cli_extend, cli_ignore = _codes(select), _codes(extend_select), _codes(ignore)
    for flag, values in (("--select", cli_select), ("--extend-select", cli_extend), ("--ignore", cli_ignore)):
        for selector in values or ():
            check_selector(registry, selector, flag)
    extra_tools = _codes(with_tools) or ()
    for tool in extra_tools:
        if tool not in WRAPPERS:
            raise click.BadParameter(f"must be one of {', '.join(WRAPPERS)}, not {tool!r}", param_hint="'--with'")
    settings = settings.with_overrides(
        wrappers=tuple(dict.fromkeys(settings.wrappers + extra_tools)),
        pep8_backend=pep8_backend,
        trust_repo_config=trust_repo_config,
        select=cli_select,
        extend_select=settings.extend_select + (cli_extend or ()),
        ignore=settings.ignore + (cli_ignore or ()),
        jobs=jobs,
        cache=cache,
        fail_under=fail_under,
        fail_on="never" if exit_zero else fail_on,
    )
    extra = [_format_and_file(value, FORMATS) for value in extra_outputs]
    if statistics and output_format != "text":
        raise click.UsageError(f"--statistics works with --format text, not --format {output_format}")
    engine = Engine(root, is_git, settings, registry)
    engine.show_progress = not quiet
    result = engine.run(targets, limit_to_paths=limit_to_paths)
    result = _gate_inputs(result, baseline_file, write_baseline, diff_base)
    if diff_base is not None:
        result = _with_base_score(result, diff_base, engine, targets, limit_to_paths)

    color = use_color(color, output is None, os.environ)
    render = FORMATS[output_format]
    if statistics:
        from mlrepolint.reports import statistics as statistics_report

        render = statistics_report.render
    report = render(result, color=color, quiet=quiet)
    _warn(result.warnings)
    for name, path in extra:
        path.write_text(FORMATS[name](result, color=False, quiet=False), encoding="utf-8")
    if output is not None:
        output.write_text(report, encoding="utf-8")
    else:
        click.echo(report, nl=False, color=color)  # click strips styles off a pipe unless told
    failed = _fails_on(result.findings, settings.fail_on)
    if settings.fail_under is not None and result.scorecard is not None:
        message = fail_under_message(result.scorecard, settings.fail_under)
        if message:
            click.echo(f"mlrepolint: {message}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


def use_color(flag: bool | None, to_stdout: bool, environ: Mapping[str, str]) -> bool:
    """Whether to colour the report: `--color/--no-color` win; for a report on stdout, `NO_COLOR` (set, not empty)
    turns colour off, else `FORCE_COLOR` (set, not empty) or `CLICOLOR_FORCE` (set, not empty, not 0) turns it on,
    else colour means a terminal. A report written with `--output` is coloured only on `--color`."""
    if flag is not None:
        return flag
    if not to_stdout or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR") or environ.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    return sys.stdout.isatty()


def _fails_on(findings: Sequence, level: str) -> bool:
    """True when a finding is at least as severe as `level` (`never`: never)."""
    if level == "never":
        return False
    from mlrepolint.rules.base import Severity

    threshold = Severity(level).rank
    return any(f.severity.rank <= threshold for f in findings)


@cli.command("grade")
@click.argument("repos", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(GRADE_FORMATS), default="text", show_default=True,
              help="Table format; html is a dashboard with each repository's report.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the table to FILE.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The rubric settings for every repository (default: the built-in defaults).")
def grade(repos: tuple[Path, ...], output_format: str, output: Path | None, config_file: Path | None) -> None:
    """Score each repository (or each repository inside a folder) and print one table."""
    from mlrepolint.config import display_path, load_settings
    from mlrepolint.grading import expand, grade_one, render
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    settings = load_settings(config_file, registry)
    rows = [grade_one(path, display_path(path), settings, registry) for path in expand(repos)]
    table = render(rows, output_format)
    if output is not None:
        output.write_text(table, encoding="utf-8")
    else:
        click.echo(table, nl=False)


def _format_and_file(value: str, formats: dict) -> tuple[str, Path]:
    """`sarif:out.sarif` -> ("sarif", Path("out.sarif")); a bad value is a usage error."""
    name, sep, file = value.partition(":")
    if not sep or not file or name not in formats:
        raise click.BadParameter(
            f"{value!r} must be FORMAT:FILE with FORMAT one of {', '.join(formats)}", param_hint="--output-format"
        )
    return name, Path(file)


def _gate_inputs(result, baseline_file: Path | None, write_baseline: Path | None, diff_base: str | None):
    """Apply --write-baseline, --baseline and --diff to the result, in that order."""
    from mlrepolint import baseline

    if write_baseline is not None:
        count = baseline.write(result, write_baseline)
        click.echo(f"mlrepolint: wrote {count} finding{'s' if count != 1 else ''} to {write_baseline}", err=True)
        result = baseline.apply(result, write_baseline)
    if baseline_file is not None:
        result = baseline.apply(result, baseline_file)
    if diff_base is not None:
        from mlrepolint.diff import restrict

        result = restrict(result, diff_base)
    return result


def _with_base_score(result, diff_base: str, engine, targets: list[Path], limit_to_paths: bool):
    """The result with the score at `diff_base`, or with one warning saying why there is none."""
    from dataclasses import replace

    from mlrepolint.basescore import BaseUnavailable, score_base

    try:
        base = score_base(result.root, diff_base, engine.settings, engine.registry, targets, limit_to_paths)
    except Exception as exc:  # the base is extra information: losing it must not lose the run
        reason = str(exc) if isinstance(exc, BaseUnavailable) else f"{type(exc).__name__}: {exc}"
        warning = f"--diff {diff_base}: cannot score the base ({reason}); no score change is shown"
        return replace(result, warnings=[*result.warnings, warning])
    return replace(result, base=base)


def _registry() -> Registry:
    """The registry, after printing its load problems (broken or clashing plugins) on stderr."""
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    _warn(registry.warnings)
    return registry


def _warn(warnings: Sequence[str]) -> None:
    for warning in warnings:
        click.echo(f"mlrepolint: warning: {warning}", err=True)


@cli.command("rules")
def list_rules() -> None:
    """List every rule: code, name, category, severity, summary (and the plugin a third-party rule comes from)."""
    registry = _registry()
    rules = sorted(registry.rules.values(), key=lambda r: r.code)
    width = max(len(r.name) for r in rules)
    category_width = max(len(r.category) for r in rules)
    for rule in rules:
        default = "" if rule.default_enabled else "  (off by default)"
        plugin = registry.plugin_of(rule)
        origin = f"  [plugin {plugin.distribution} {plugin.version}]" if plugin and not plugin.builtin else ""
        click.echo(
            f"{rule.code}  {rule.name:<{width}}  {rule.category:<{category_width}}  {rule.severity.value:<7}  {rule.summary}"
            f"{default}{origin}"
        )


@cli.command("plugins")
def list_plugins() -> None:
    """List the installed checkers: entry point name, distribution, version, kind and rules; then load problems."""
    from mlrepolint.rules.base import PythonChecker
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    rows = [
        (
            plugin.name,
            f"{plugin.distribution} {plugin.version}",
            "per-file" if issubclass(plugin.checker, PythonChecker) else "repository",
            ", ".join(f"{r.code} {r.name}" for r in plugin.checker.rules),
        )
        for plugin in registry.plugins
    ]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    _warn(registry.warnings)


@cli.command("rule")
@click.argument("code_or_name")
def show_rule(code_or_name: str) -> None:
    """Print the full documentation of one rule (by code or name), the same text as its page in docs/rules/."""
    from mlrepolint.docs import registry_rule_markdown

    registry = _registry()
    rule = registry.lookup(code_or_name)
    if rule is None:
        raise click.UsageError(f"unknown rule '{code_or_name}' (see `mlrepolint rules`)")
    click.echo(registry_rule_markdown(registry, rule), nl=False)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning usage and config errors into one line on stderr and exit 2."""
    relax_gc()
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
