"""The `mlrepolint` command: lint (the default), explain, grade, rules, rule, plugins.

Exit codes: 0 when nothing at error severity was found, 1 when something was, 2 for a usage or config error
(one line on stderr, no traceback).
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import click

from mlrepolint import __version__
from mlrepolint.workers import freeze_loaded, relax_gc

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
@click.option("--history/--no-history", default=None,
              help="Also scan every commit of every ref for secrets and large files no longer in the tree "
                   "(with --diff: the commits of BASE_REF..HEAD).")
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
@click.option("--junit", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="A JUnit XML report of the test run: failed tests are findings, the pass rate is scored.")
@click.option("--coverage", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="A Cobertura XML coverage report (`coverage xml`): line coverage is scored against a target.")
@click.option("--fix", is_flag=True, help="Fix what can be fixed safely, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --fix-diff, also make the fixes that may change behaviour (moving a script's work "
                   "into main()).")
@click.option("--fix-diff", is_flag=True,
              help="Print the fixes --fix would make as a unified diff per file, and write nothing (exit 1 when there "
                   "is a fix).")
@click.option("--pin-from-env", is_flag=True,
              help="With --fix --unsafe-fixes, pin unpinned requirements to the versions installed in the Python "
                   "environment mlrepolint runs in.")
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    extra_outputs: tuple[str, ...],
    baseline_file: Path | None,
    write_baseline: Path | None,
    diff_base: str | None,
    history: bool | None,
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
    junit: Path | None = None,
    coverage: Path | None = None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    fix_diff: bool = False,
    pin_from_env: bool = False,
) -> None:
    """Lint the repository holding PATH (default: the current folder)."""
    from dataclasses import replace

    from mlrepolint.config import check_selector, check_wrapped_selectors, load_settings, repo_settings
    from mlrepolint.engine import Engine, locate
    from mlrepolint.reports import FORMATS
    from mlrepolint.rules.registry import load_registry
    from mlrepolint.rules.wrapped import WRAPPERS
    from mlrepolint.scoring import fail_under_message

    if limit_to_paths and fail_under is not None:
        raise click.UsageError("--fail-under cannot apply to a run limited to named files (--limit-to-paths): "
                               "such a run has no score")
    _check_fix_flags(fix, unsafe_fixes, fix_diff, pin_from_env, write_baseline)
    targets = list(paths) or [Path(".")]
    root, is_git = locate(targets)
    registry = load_registry()
    # Only a file the user names is trusted: the repository's own config cannot turn trust-repo-config on.
    settings = load_settings(config_file, registry) if config_file else repo_settings(root, registry)
    cli_select, cli_extend, cli_ignore = _codes(select), _codes(extend_select), _codes(ignore)
    wrapped = []
    for flag, values in (("--select", cli_select), ("--extend-select", cli_extend), ("--ignore", cli_ignore)):
        wrapped += [(selector, flag) for selector in values or () if check_selector(registry, selector, flag)]
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
        history=history,
    )
    settings = replace(settings, wrapped_selectors=settings.wrapped_selectors + tuple(wrapped))
    check_wrapped_selectors(settings)
    extra = [_format_and_file(value, FORMATS) for value in extra_outputs]
    if statistics and output_format != "text":
        raise click.UsageError(f"--statistics works with --format text, not --format {output_format}")
    if baseline_file is not None:
        from mlrepolint import baseline

        baseline.read(baseline_file)  # a broken baseline is a usage error before the run, not after it
    engine = Engine(root, is_git, settings, registry)
    engine.show_progress = not quiet
    reports = _test_reports(junit, coverage, engine)
    base = None
    if diff_base is not None:
        from mlrepolint.diff import Base

        base = Base.open(root, is_git, diff_base)  # a revision that does not exist fails before any linting

    def run(engine):
        result = engine.run(targets, limit_to_paths=limit_to_paths)
        if reports:
            from mlrepolint.rules.testreports import with_reports

            result = with_reports(result, reports, engine)
        if settings.history:
            from mlrepolint.rules.history import with_history

            result = with_history(result, engine, base)
        result = _gate_inputs(result, baseline_file, write_baseline)
        if base is not None:
            from mlrepolint.diff import restrict

            result = _with_base_score(restrict(result, base, engine.repo), base, engine, targets, limit_to_paths)
        return result

    result = run(engine)
    if fix or fix_diff:
        result = _fix(engine, result, run, unsafe_fixes, pin_from_env, write=not fix_diff, quiet=quiet)

    color = use_color(color, output is None, os.environ)
    render = FORMATS[output_format]
    if statistics:
        from mlrepolint.reports import statistics as statistics_report

        render = statistics_report.render
    report = render(result, color=color, quiet=quiet)
    _warn(result.warnings)
    if "sarif" in (output_format, *(name for name, _ in extra)):
        from mlrepolint.reports.sarif import warnings as sarif_warnings

        _warn(sarif_warnings(result))
    for name, path in extra:
        write_output(path, FORMATS[name](result, color=False, quiet=False))
    if output is not None:
        write_output(output, report)
    else:
        click.echo(report, nl=False, color=color)  # click strips styles off a pipe unless told
    failed = _fails_on(result.findings, settings.fail_on)
    if settings.fail_under is not None and limit_to_paths:  # from the configuration: a per-commit run has no score
        click.echo(f"mlrepolint: fail-under {settings.fail_under:g} (from {settings.source}) does not apply to a run "
                   "limited to named files: it has no score", err=True)
    elif settings.fail_under is not None and result.scorecard is not None:
        message = fail_under_message(result.scorecard, settings.fail_under)
        if message:
            click.echo(f"mlrepolint: {message}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


def _check_fix_flags(fix: bool, unsafe: bool, preview: bool, pin_from_env: bool, write_baseline) -> None:
    if unsafe and not (fix or preview):
        raise click.UsageError("--unsafe-fixes needs --fix (or --fix-diff)")
    if pin_from_env and not unsafe:
        raise click.UsageError("--pin-from-env is an unsafe fix: it needs --fix --unsafe-fixes (or --fix-diff "
                               "--unsafe-fixes)")
    if fix and preview:
        raise click.UsageError("--fix writes the fixes and --fix-diff only shows them: give one")
    if (fix or preview) and write_baseline is not None:
        raise click.UsageError("--write-baseline records findings: run it without --fix")


def _fix(engine, result, run, unsafe: bool, pin_from_env: bool, write: bool, quiet: bool):
    """Plan the fixes of the run's findings; print them as diffs (`--fix-diff`, then exit) or write them and
    return the result of linting again, saying on stderr what was fixed and what is left."""
    from mlrepolint import fixes
    from mlrepolint.engine import Engine

    plan = fixes.plan(engine, result.findings, unsafe=unsafe, pin_from_env=pin_from_env)
    edits = plan.applied(unsafe)
    hidden = plan.hidden(unsafe)
    more = f" ({fixes.plural(hidden, 'more finding')} with --unsafe-fixes)" if hidden else ""
    refused = plan.refused
    if not write:
        click.echo("".join(fixes.diff(edit) for edit in edits), nl=False)
        _warn_fixes(refused)
        count = sum(len(edit.fixes) for edit in edits)
        click.echo(f"mlrepolint: would fix {fixes.plural(count, 'finding')} in {fixes.plural(len(edits), 'file')}"
                   f"{more}", err=True)
        sys.exit(1 if edits else 0)
    written, not_written = fixes.write(engine.root, edits)
    _warn_fixes(refused + not_written)
    for edit in written:
        for note in edit.notes:
            _note(f"{edit.path}: {note}")
    if written:
        again = Engine(engine.root, engine.is_git, engine.settings, engine.registry)
        again.show_progress = not quiet
        after = run(again)
        fixed = fixes.fixed_count(result.findings, after.findings, [edit.path for edit in written])
        result = after
    else:
        fixed = 0
    if not edits:
        _note(f"nothing to fix{more}")
    else:
        _note(f"fixed {fixes.plural(fixed, 'finding')} in {fixes.plural(len(written), 'file')}, "
              f"{len(result.findings)} remaining{more}")
    return result


def _note(text: str) -> None:
    from mlrepolint.reports.escape import printable

    click.echo(f"mlrepolint: {printable(text)}", err=True)


def _warn_fixes(refused) -> None:
    _warn([f"{path}: {reason}" for path, reason in refused])


def _test_reports(junit: Path | None, coverage: Path | None, engine):
    """The `--junit` and `--coverage` reports, read before linting; a broken one is a usage error."""
    if junit is None and coverage is None:
        return []
    from mlrepolint.rules.testreports import ReportError, read_reports

    try:
        return read_reports(junit, coverage, engine)
    except ReportError as exc:
        raise click.UsageError(str(exc)) from None


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


def hook_arguments(args: Sequence[str]) -> list[str]:
    """pre-commit's command line, `entry + args + filenames`, with the filenames set apart after `--`.

    pre-commit appends the file names after the hook's `args` with nothing in between, and a committed file named
    `--exit-zero` or `-oprecious.py` must stay a file name. Its file names are the repository's paths in git's
    order, each once: so they are the longest tail of arguments that are existing paths in strictly increasing
    (byte) order. Everything before that tail is the hook's options, as the user wrote them (`--fail-on error`,
    `--fix`); a `--` the user wrote still ends them.
    """
    tail, previous = len(args), None
    while tail > 0 and args[tail - 1] != "--":
        name = os.fsencode(args[tail - 1])
        if not os.path.lexists(name) or (previous is not None and name >= previous):
            break
        previous, tail = name, tail - 1
    head = list(args[:tail])
    if head and head[-1] == "--":
        head.pop()
    return [*head, "--", *args[tail:]]


class HookCommand(click.Command):
    """`mlrepolint hook`: what the pre-commit hook runs (`lint --limit-to-paths`), reading the file names pre-commit
    appends as paths, never as options (see `hook_arguments`). It takes lint's options."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["params"] = [p for p in lint.params if p.name != "limit_to_paths"]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Split pre-commit's file names off the options before click reads them."""
        return super().parse_args(ctx, hook_arguments(args))


@cli.command("hook", cls=HookCommand)
def hook(**options) -> None:
    """Lint the files pre-commit names (`lint --limit-to-paths`), taking every file name as a path."""
    lint.callback(limit_to_paths=True, **options)  # type: ignore[misc]


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
@click.option("--fix", "--unsafe-fixes", "--fix-diff", "fix", is_flag=True, hidden=True)
def grade(repos: tuple[Path, ...], output_format: str, output: Path | None, config_file: Path | None,
          fix: bool = False) -> None:
    """Score each repository (or each repository inside a folder) and print one table."""
    if fix:
        raise click.UsageError("grade never changes the repositories it scores: run `mlrepolint --fix` in one")
    from mlrepolint.config import check_wrapped_selectors, display_path, load_settings
    from mlrepolint.grading import Row, expand, grade_one, render
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    settings = load_settings(config_file, registry)
    check_wrapped_selectors(settings)
    # A submission's cache is its own (it may be forged), and so are its suppressions unless the grader says.
    settings = settings.with_overrides(cache=False, respect_suppressions=bool(settings.respect_suppressions))
    rows = [
        Row(display_path(path), error=error) if error else grade_one(path, display_path(path), settings, registry)
        for path, error in expand(repos)
    ]
    table = render(rows, output_format)
    if output is not None:
        write_output(output, table)
    else:
        click.echo(table, nl=False)


def write_output(path: Path, text: str) -> None:
    """Write a file the user asked for; failing to is a usage error (one line, exit 2)."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


def _format_and_file(value: str, formats: dict) -> tuple[str, Path]:
    """`sarif:out.sarif` -> ("sarif", Path("out.sarif")); a bad value is a usage error."""
    name, sep, file = value.partition(":")
    if not sep or not file or name not in formats:
        raise click.BadParameter(
            f"{value!r} must be FORMAT:FILE with FORMAT one of {', '.join(formats)}", param_hint="--output-format"
        )
    return name, Path(file)


def _gate_inputs(result, baseline_file: Path | None, write_baseline: Path | None):
    """Apply --write-baseline, then --baseline, to the result."""
    from mlrepolint import baseline

    if write_baseline is not None:
        count = baseline.write(result, write_baseline)
        click.echo(f"mlrepolint: wrote {count} finding{'s' if count != 1 else ''} to {write_baseline}", err=True)
        result = baseline.apply(result, write_baseline)
    if baseline_file is not None:
        result = baseline.apply(result, baseline_file)
    return result


def _with_base_score(result, base, engine, targets: list[Path], limit_to_paths: bool):
    """The result with the score at the `--diff` base, or with one warning saying why there is none."""
    from dataclasses import replace

    from mlrepolint.basescore import BaseUnavailable, score_base

    try:
        score = score_base(base, engine, targets, limit_to_paths)
    except Exception as exc:  # the base is extra information: losing it must not lose the run
        reason = str(exc) if isinstance(exc, BaseUnavailable) else f"{type(exc).__name__}: {exc}"
        warning = f"--diff {base.ref}: cannot score the base ({reason}); no score change is shown"
        return replace(result, warnings=[*result.warnings, warning])
    return replace(result, base=score)


def _registry() -> Registry:
    """The registry, after printing its load problems (broken or clashing plugins) on stderr."""
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    _warn(registry.warnings)
    return registry


def _warn(warnings: Sequence[str]) -> None:
    """Each warning on one line of stderr (they can quote file names: see mlrepolint.reports.escape)."""
    if not warnings:
        return
    from mlrepolint.reports.escape import printable

    for warning in warnings:
        click.echo(f"mlrepolint: warning: {printable(warning)}", err=True)


@cli.command("explain")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read settings (exclude patterns) from FILE instead of mlrepolint.toml / pyproject.toml.")
def explain(path: Path | None, output_format: str, config_file: Path | None) -> None:
    """Print the project model of the repository holding PATH: its kind, its packages, and the role of each file
    (under PATH) with the reason for it."""
    from mlrepolint.config import find_config, load_settings
    from mlrepolint.engine import Engine, locate
    from mlrepolint.explain import render

    target = path or Path(".")
    root, is_git = locate([target])
    registry = load_registry_quietly()
    settings = load_settings(config_file or find_config(root), registry)
    project = Engine(root, is_git, settings, registry).project
    rel = target.resolve().relative_to(root).as_posix()
    prefix = "" if rel == "." else rel + ("/" if target.is_dir() else "")
    click.echo(render(root, project, prefix, output_format), nl=False)


def load_registry_quietly() -> Registry:
    """The registry, without printing its warnings (they are the lint command's to print)."""
    from mlrepolint.rules.registry import load_registry

    return load_registry()


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
            f"{rule.code}  {rule.name:<{width}}  {rule.category:<{category_width}}  {rule.severity.value:<7}  "
            f"{rule.summary}"
            f"{default}{origin}"
        )


@cli.command("plugins")
def list_plugins() -> None:
    """List the installed checkers: entry point name, distribution, version, kind and rules; then load problems."""
    from mlrepolint.rules.registry import load_registry

    registry = load_registry()
    rows = [
        (
            plugin.name,
            f"{plugin.distribution} {plugin.version}",
            "per-file" if plugin.per_file else "repository",
            ", ".join(f"{r.code} {r.name}" for r in plugin.rules),
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


class Interrupted(BaseException):
    """Ctrl-C (SIGINT). Not a KeyboardInterrupt, which click turns into an Abort after printing a blank line, and
    not an Exception, so that no `except Exception` on the way (a wrapped tool's) can swallow it."""


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI, turning usage and config errors into one line on stderr and exit 2, and Ctrl-C
    into one line and exit 130."""
    relax_gc()
    if not sys.warnoptions:  # library warnings (a regex's FutureWarning...) would break the one-line errors
        warnings.simplefilter("ignore")
    signal.signal(signal.SIGINT, _interrupt)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="mlrepolint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"mlrepolint: error: {_masked(exc.format_message())}", err=True)
        sys.exit(2)
    except (click.Abort, Interrupted):
        _quit_interrupted()
    except Exception as exc:
        if not _is_user_error(exc):
            raise
        click.echo(f"mlrepolint: error: {_masked(str(exc))}", err=True)
        sys.exit(2)
    finally:
        freeze_loaded()  # the process ends here: nothing need walk what it allocated
    sys.exit(0)


def _masked(message: str) -> str:
    """An error message with any secret it quotes (from a repository's config, say) masked."""
    from mlrepolint.mask import text

    return text(message)


def _quit_interrupted() -> None:
    """One line, exit 130 (128 + SIGINT), as shells report an interrupted command."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the goodbye
    try:
        click.echo("mlrepolint: interrupted", err=True)
    except OSError:
        pass
    sys.exit(130)


def _is_user_error(exc: Exception) -> bool:
    """A ConfigError, UsageError or GitError. Looked up in sys.modules rather than imported, so that `--version` and
    `--help` do not pay for importing the engine: if a module was never imported, its error cannot be raised."""
    config, engine = sys.modules.get("mlrepolint.config"), sys.modules.get("mlrepolint.engine")
    git = sys.modules.get("mlrepolint.git")
    kinds = ([config.ConfigError] if config else []) + ([engine.UsageError] if engine else [])
    kinds += [git.GitError] if git else []
    return isinstance(exc, tuple(kinds))
