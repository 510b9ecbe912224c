"""flake8, in process and per file, on the text the engine already read.

`load_config` runs once per run, in the main process: it reads the repository's flake8 settings (the first of
`setup.cfg`, `tox.ini`, `.flake8` at the root with a `[flake8]` section, as flake8 itself picks) and lays
`[tool.mlrepolint.flake8]` over them into a small, picklable `Flake8Config`. `flake8_findings(config, path, lines)`
is what the per-file path calls: flake8's plugin loading and option parsing happen once per process and config,
then each call only runs the checks. flake8 applies its own `select`/`ignore`, `per-file-ignores`, `exclude` and
`# noqa` (with its multi-line-string and `# flake8: noqa` rules), so what comes back is what flake8 would print.

Only what can be reported runs: of pycodestyle's checks, those that can emit a code both flake8's settings and the
run's selection report (NeMo's configuration selects two pycodestyle codes of ~70: the other checks were 40% of
the run); a violation of any other code is dropped as it is reported, before flake8 looks for its `# noqa` line,
and a file without `noqa` anywhere is not tokenized a second time to map its lines for `# noqa`.

`[flake8:local-plugins]` would import code from the repository: it is dropped with a warning unless
`trust-repo-config` is set.
"""

from __future__ import annotations

import configparser
import functools
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Finding
from mlrepolint.rules.wrapped import (
    BLACK_CONFLICTS, option, pep8_severity, project_line_length, wrapped_finding,
)
from mlrepolint.rules.wrapped.flake8_versions import SUPPORTED_SPEC, unsupported

if TYPE_CHECKING:
    import ast

    from mlrepolint.config import Settings
    from mlrepolint.repo import RepoView

SOURCE = "flake8"
CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")  # flake8's own order of preference
LOCAL_PLUGINS = "flake8:local-plugins"
_MISSING = "flake8 is not installed, so PEP 8 checks did not run (pip install flake8)"


class Flake8Unavailable(Exception):
    """flake8 cannot run at all in this run (not installed, plugins or configuration broken)."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class Flake8Failed(Exception):
    """flake8 failed on one file."""


@dataclass(frozen=True)
class Flake8Config:
    """Everything flake8 needs, as plain values: the root, the merged config sections, black's defaults."""

    root: str
    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    black_defaults: bool = False
    source: str = "[tool.mlrepolint.flake8]"
    own_keys: tuple[str, ...] = ()  # the options set in [tool.mlrepolint.flake8], which must be known

    def parser(self) -> configparser.RawConfigParser:
        """The config as flake8 reads it."""
        cfg = configparser.RawConfigParser()
        for section, items in self.sections:
            cfg.add_section(section)
            for key, value in items:
                cfg.set(section, key, value)
        return cfg


def rule_name(code: str) -> str:
    """`flake8-e501` for E501."""
    return f"{SOURCE}-{code.lower()}"


def _config_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _repo_config(repo: RepoView) -> tuple[str | None, configparser.RawConfigParser, list[str]]:
    """The repository's flake8 config file (name, parsed) and warnings about files that cannot be parsed."""
    warnings = []
    for name in CONFIG_FILES:
        text = repo.read_text(name)
        if text is None:
            continue
        cfg = configparser.RawConfigParser()
        try:
            cfg.read_string(text, source=name)
        except configparser.Error as exc:
            warnings.append(f"flake8: ignoring {name}, which cannot be parsed: {str(exc).splitlines()[0]}")
            continue
        if cfg.has_section("flake8") or cfg.has_section(LOCAL_PLUGINS):
            return name, cfg, warnings
    return None, configparser.RawConfigParser(), warnings


def repo_options(repo: RepoView, settings: Settings) -> tuple[str | None, dict[str, dict[str, str]], list[str]]:
    """The flake8 settings of this run as flake8 would read them: the repository's file (its name), its sections
    with `[tool.mlrepolint.flake8]` laid over `[flake8]`, and warnings (an unparseable file, local plugins, a
    malformed `per-file-ignores`, which is left out).

    When the settings do not honour the repository's suppressions (`grade`), its flake8 file is not read: flake8
    runs with the grader's settings alone.
    """
    if settings.honours_suppressions:
        name, cfg, warnings = _repo_config(repo)
    else:
        name, cfg, warnings = None, configparser.RawConfigParser(), []
    sections: dict[str, dict[str, str]] = {}
    for section in ("flake8", LOCAL_PLUGINS):
        if cfg.has_section(section):
            sections[section] = dict(cfg.items(section))
    if LOCAL_PLUGINS in sections and not settings.trust_repo_config:
        del sections[LOCAL_PLUGINS]
        warnings.append(
            f"flake8: [{LOCAL_PLUGINS}] in {name} ignored, because it would run code from the repository; "
            "pass --trust-repo-config to load it"
        )
    own = _checked(sections.setdefault("flake8", {}), name, warnings)
    own.update(_checked({k.replace("_", "-"): _config_value(v) for k, v in settings.flake8.items()},
                        "[tool.mlrepolint.flake8]", warnings))
    return name, sections, warnings


def _checked(options: dict[str, str], where: str | None, warnings: list[str]) -> dict[str, str]:
    """The options without a `per-file-ignores` flake8 would raise on (it parses that outside its own error
    handling), with a warning."""
    for key in [k for k in options if k.replace("_", "-") == "per-file-ignores"]:
        problem = _per_file_ignores_problem(options[key])
        if problem is not None:
            del options[key]
            warnings.append(f"flake8: per-file-ignores in {where} ignored, because {problem}")
    return options


def load_config(repo: RepoView, settings: Settings) -> tuple[Flake8Config, list[str]]:
    """The flake8 config of this run, and warnings (an unparseable file, local plugins not loaded, settings of
    the repository's file that flake8 rejects: flake8 then runs without them). Under `grade` (suppressions not
    honoured) neither the repository's `# noqa` comments nor its black line length apply."""
    name, sections, warnings = repo_options(repo, settings)
    own_keys = tuple(sorted(key.replace("_", "-") for key in settings.flake8))
    honour = settings.honours_suppressions
    line_length = project_line_length(repo) if honour else None

    def config_with(sections: dict[str, dict[str, str]]) -> Flake8Config:
        merged = dict(sections["flake8"])
        if not honour:
            merged["disable-noqa"] = "true"
        if line_length is not None and option(merged, "max-line-length") is None:
            merged["max-line-length"] = str(line_length)
        sections = {**sections, "flake8": merged}
        return Flake8Config(
            root=str(repo.root),
            sections=tuple((s, tuple(sorted(items.items()))) for s, items in sections.items()),
            black_defaults=line_length is not None,
            source=f"{name} and [tool.mlrepolint.flake8]" if name else "[tool.mlrepolint.flake8]",
            own_keys=own_keys,
        )

    config = config_with(sections)
    try:
        _setup(config)  # fail here, once, rather than on every file
    except Flake8Unavailable as exc:
        if name is None or set(sections["flake8"]) <= set(own_keys):
            raise
        ours = {key: value for key, value in sections["flake8"].items() if key in own_keys}
        config = config_with({**sections, "flake8": ours})  # without the repository's settings
        _setup(config)  # still failing: flake8 cannot run at all
        warnings.append(f"flake8: the settings in {name} are ignored, because flake8 rejects them: {exc.reason}")
    return config, warnings


def _per_file_ignores_problem(value: str) -> str | None:
    """Why flake8 would refuse this `per-file-ignores` value (it raises out of its set-up), or None."""
    try:
        from flake8.utils import parse_files_to_codes_mapping
    except ImportError:
        return None  # flake8 is missing: that is warned about on its own
    try:
        parse_files_to_codes_mapping(value)
    except Exception:  # flake8's ExecutionError
        return "it is not a list of `glob: codes` entries"
    return None


def _is_ours(plugin: Any) -> bool:
    """mlrepolint's own flake8 plugin: its rules already ran natively, so flake8 must not run them again."""
    return plugin.package.lower().replace("_", "-") == "mlrepolint" or plugin.entry_point.name.startswith("MLR")


def check_version() -> None:
    """Raise Flake8Unavailable, with one clear line, when flake8 is missing or of an unsupported version."""
    try:
        import flake8
    except ImportError:
        raise Flake8Unavailable(_MISSING) from None
    reason = unsupported(str(getattr(flake8, "__version__", "?")))
    if reason:
        raise Flake8Unavailable(
            f"{reason}, so the PEP 8 checks did not run: pip install 'flake8{SUPPORTED_SPEC}', or set "
            'pep8-backend = "ruff"'
        )


def _changed(exc: Exception) -> Flake8Unavailable:
    """A supported-looking flake8 whose internals are not what this module expects: one line, no traceback."""
    import flake8

    return Flake8Unavailable(
        f"flake8 {flake8.__version__} cannot be driven by this mlrepolint ({type(exc).__name__}: {exc}), so the "
        f"PEP 8 checks did not run; mlrepolint works with flake8{SUPPORTED_SPEC}"
    )


@functools.lru_cache(maxsize=None)
def code_prefixes() -> tuple[str, ...]:
    """The code prefixes of every installed flake8 checker plugin (`E`, `W`, `F`, `C90`, `B`, ...), mlrepolint's
    own left out: the names in the `flake8.extension` entry point group, read through the standard library, which
    is a tenth of what loading flake8's plugin finder costs."""
    from mlrepolint.rules.wrapped.known import flake8_extensions

    check_version()
    names = {ep.name for ep in flake8_extensions()
             if not (ep.name.startswith("MLR") or ep.value.startswith("mlrepolint."))}
    return tuple(sorted(names))


class _Collector:
    """A flake8 formatter that keeps the violations instead of printing them."""

    def __init__(self) -> None:
        self.found: list[Any] = []

    def beginning(self, filename: str) -> None:
        """flake8 calls this before a file's results."""

    def finished(self, filename: str) -> None:
        """flake8 calls this after a file's results."""

    def handle(self, error: Any) -> None:
        """Keep one reported (selected, not noqa'd) violation."""
        self.found.append(error)


@dataclass
class _Setup:
    options: Any
    plugins: Any
    guide: Any
    collector: _Collector
    exclude: list[str]
    plans: dict[Any, _Plan] = field(default_factory=dict)  # by the run's `wanted` predicate

    def plan(self, wanted: Callable[[str], bool] | None) -> _Plan:
        """What to run for files under this set-up and selection (built once per process)."""
        plan = self.plans.get(wanted)
        if plan is None:
            plan = self.plans[wanted] = _Plan(self, wanted)
        return plan


class _Plan:
    """The checks to run and the codes to keep: a code flake8 would report in some file (any of its
    `per-file-ignores` style guides) that the run's selection (`wanted`) keeps too."""

    def __init__(self, setup: _Setup, wanted: Callable[[str], bool] | None) -> None:
        self._guides = setup.guide.style_guides
        self._wanted = wanted
        self._decided: dict[str, bool] = {}
        self.checkers, token_codes = _narrowed(setup.plugins.checkers, self.reported)
        needs = None if token_codes is None else {_TEXT_NEEDED.get(code) for code in token_codes}
        #: Whether a file's text (parsed) can hold a violation of a token or line check this plan runs: when not,
        #: flake8's token loop is skipped for it (the AST checks, pyflakes, still run).
        self.needs_tokens: Callable[[str], bool] = (
            (lambda text: True) if needs is None or None in needs
            else lambda text: any(need(text) for need in needs)  # type: ignore[misc]
        )

    def reported(self, code: str) -> bool:
        """True when a violation of `code` can be reported (decided once a code)."""
        decided = self._decided.get(code)
        if decided is None:
            from flake8.style_guide import Decision

            decided = self._decided[code] = (self._wanted is None or self._wanted(code)) and any(
                guide.should_report_error(code) is Decision.Selected for guide in self._guides
            )
        return decided


#: A code in a pycodestyle check's docstring or message strings.
_CODE_RE = lazy(r"\b[A-Z][0-9]{3}\b")
#: What flake8's `# noqa` comments contain, in any case: a file without it needs no noqa line mapping.
_NOQA_RE = lazy("noqa", re.IGNORECASE)
_KINDS = ("logical_line", "physical_line")


@functools.lru_cache(maxsize=None)
def _pycodestyle_checks() -> dict[str, list[tuple[Any, frozenset[str], tuple[str, ...]]]] | None:
    """pycodestyle's checks by kind, each with every code it can emit and its parameter names, in the order
    flake8's pycodestyle plugin calls them; None when that plugin does not call exactly the checks pycodestyle
    registers (another pycodestyle than this was written for: then nothing is narrowed)."""
    try:
        import pycodestyle
        from flake8.plugins import pycodestyle as bridge

        registry = pycodestyle._checks
    except (ImportError, AttributeError):
        return None
    checks: dict[str, list[tuple[Any, frozenset[str], tuple[str, ...]]]] = {}
    for kind in _KINDS:
        found = []
        for check, (codes, args) in registry.get(kind, {}).items():
            if getattr(bridge, f"_{check.__name__}", None) is not check:
                return None
            # The docstring lists what pycodestyle's own --select goes by; two checks emit a code it omits (E133,
            # E101), so the message strings are read too.
            emitted = {code for code in codes if code} | set(_CODE_RE.findall(" ".join(_strings(check.__code__))))
            found.append((check, frozenset(emitted), tuple(args)))
        checks[kind] = sorted(found, key=lambda item: item[0].__name__)  # the plugin's (alphabetical) order
    bridged = {value for name, value in vars(bridge).items()
               if name.startswith("_") and getattr(value, "__module__", None) == "pycodestyle"}
    if bridged != {check for kind in _KINDS for check, _, _ in checks[kind]}:
        return None
    return checks


def _strings(code: Any) -> Iterator[str]:
    """The string constants of a code object and of the code objects nested in it."""
    for const in code.co_consts:
        if isinstance(const, str):
            yield const
        elif hasattr(const, "co_consts"):
            yield from _strings(const)
        elif isinstance(const, tuple):
            yield from (item for item in const if isinstance(item, str))


def _narrowed(checkers: Any, reported: Callable[[str], bool]) -> tuple[Any, frozenset[str] | None]:
    """flake8's checkers with its two pycodestyle plugins calling only the checks that can emit a reported code
    (a plugin left with none is dropped), and the reported codes of the token and line checks left; None when
    they are not all pycodestyle's (another plugin's check on tokens or lines can emit anything)."""
    checks = _pycodestyle_checks()
    if checks is None:
        return checkers, None
    from flake8.plugins import pycodestyle as bridge

    bridges = {"logical_line": bridge.pycodestyle_logical, "physical_line": bridge.pycodestyle_physical}
    lists = {}
    token_codes: set[str] | None = set()
    for kind in _KINDS:
        plugins = []
        for plugin in getattr(checkers, kind):
            if plugin.obj is not bridges[kind]:
                plugins.append(plugin)
                token_codes = None
                continue
            keep = [(check, codes, args) for check, codes, args in checks[kind] if any(map(reported, sorted(codes)))]
            if keep:
                parameters = {name: True for _, _, args in keep for name in args if name != kind}
                run = (_logical if kind == "logical_line" else _physical)([(check, args) for check, _, args in keep])
                plugins.append(plugin._replace(obj=run, parameters=parameters))
                if token_codes is not None:
                    token_codes.update(code for _, codes, _ in keep for code in codes if reported(code))
        lists[kind] = plugins
    return checkers._replace(**lists), None if token_codes is None else frozenset(token_codes)


#: A `l`, `O` or `I` not inside a longer word: what pycodestyle's ambiguous-name checks need a name token for.
_AMBIGUOUS_NAME = lazy(r"[lOI](?<!\w[lOI])(?!\w)")
#: Codes of pycodestyle's token checks with a piece of text they cannot be reported without (a necessary
#: condition, never a sufficient one): a parsed file holding none of what the selected codes need gets no token
#: loop. A code not listed here always needs it.
_TEXT_NEEDED: dict[str, Callable[[str], bool]] = {
    "E266": lambda text: "##" in text,  # a block comment starting with more than one `#`
    **dict.fromkeys(("E741", "E742", "E743"), lambda text: _AMBIGUOUS_NAME.search(text) is not None),
}


def _logical(checks: list[tuple[Any, tuple[str, ...]]]) -> Callable[..., Iterator[Any]]:
    def pycodestyle_logical(**values: Any) -> Iterator[Any]:
        for check, args in checks:
            yield from check(*[values[name] for name in args])

    return pycodestyle_logical


def _physical(checks: list[tuple[Any, tuple[str, ...]]]) -> Callable[..., Iterator[Any]]:
    def pycodestyle_physical(**values: Any) -> Iterator[Any]:
        for check, args in checks:
            found = check(*[values[name] for name in args])
            if found is not None:
                yield found

    return pycodestyle_physical


_ACTIVE: dict[Flake8Config, _Setup] = {}


def _setup(config: Flake8Config) -> _Setup:
    """flake8's plugins and options for this config, built once per process (plugins keep options globally)."""
    setup = _ACTIVE.get(config)
    if setup is None:
        _ACTIVE.clear()  # plugins store parsed options on their classes: only one config can be live
        setup = _ACTIVE[config] = _build(config)
    return setup


def _build(config: Flake8Config) -> _Setup:
    check_version()
    try:
        return _build_setup(config)
    except (ImportError, AttributeError, TypeError) as exc:  # flake8's internals moved
        raise _changed(exc) from None


def _build_setup(config: Flake8Config) -> _Setup:
    import flake8
    from flake8 import exceptions
    from flake8.main import options as main_options
    from flake8.options import aggregator, manager
    from flake8.plugins import finder
    from flake8.style_guide import StyleGuideManager

    cfg = config.parser()
    try:
        plugin_opts = finder.parse_plugin_options(cfg, config.root, enable_extensions=None, require_plugins=None)
        found = [p for p in finder.find_plugins(cfg, plugin_opts) if not _is_ours(p)]
        plugins = finder.load_plugins(found, plugin_opts)
        option_manager = manager.OptionManager(
            version=flake8.__version__,
            plugin_versions=plugins.versions_str(),
            parents=[main_options.stage1_arg_parser()],
            formatter_names=list(plugins.reporters),
        )
        main_options.register_default_options(option_manager)
        option_manager.register_plugins(plugins)
        _check_keys(config, option_manager)
        opts = aggregator.aggregate_options(option_manager, cfg, config.root, [])
        for loaded in plugins.all_plugins():
            parse_options = getattr(loaded.obj, "parse_options", None)
            if parse_options is None:
                continue
            try:
                parse_options(option_manager, opts, opts.filenames)
            except TypeError:
                parse_options(opts)
        if config.black_defaults:
            opts.extended_default_ignore = [*opts.extended_default_ignore, *BLACK_CONFLICTS]
        collector = _Collector()
        guide = StyleGuideManager(opts, collector)  # parses per-file-ignores, which raises when malformed
    except (exceptions.Flake8Exception, ValueError, configparser.Error) as exc:
        reason = " ".join(str(exc).split())  # flake8's messages span lines; a warning is one
        raise Flake8Unavailable(f"flake8 did not run: {config.source}: {reason}", reason) from None
    return _Setup(opts, plugins, guide, collector, [*opts.exclude, *opts.extend_exclude])


def _check_keys(config: Flake8Config, option_manager: Any) -> None:
    """An option in [tool.mlrepolint.flake8] that flake8 (and its plugins) does not know is a configuration error,
    not silence. The repository's own flake8 file may name options of plugins that are not installed here
    (`application-import-names` of flake8-import-order): flake8 ignores those, and so does mlrepolint."""
    from mlrepolint.config import ConfigError

    known = option_manager.config_options_dict
    unknown = [key for key in config.own_keys if key not in known and key.replace("-", "_") not in known]
    if unknown:
        raise ConfigError(f"[tool.mlrepolint.flake8]: unknown flake8 option(s): {', '.join(unknown)}")


@functools.lru_cache(maxsize=None)
def _checker_class() -> type:
    """flake8's FileChecker, fed the engine's text and tree instead of reading and parsing the file again."""
    from flake8.checker import FileChecker
    from flake8.processor import FileProcessor

    class TextChecker(FileChecker):
        def __init__(
            self, *, lines: list[str], tree: ast.Module | None, reported: Callable[[str], bool], noqa: bool,
            tokens: bool = True, **kwargs: Any,
        ) -> None:
            self._lines = lines
            self._tree = tree
            self._tokens = tokens or tree is None  # a file that did not parse gets flake8's own E999 / E902
            self._reported = reported
            self._noqa = noqa
            super().__init__(**kwargs)

        def report(self, error_code: str | None, line_number: int, column: int, text: str) -> str:
            """Keep a violation only if it can be reported, and look for its `# noqa` line only in a file that
            has one: flake8 maps every line for noqa by tokenizing the whole file again on the first violation."""
            if error_code is None:
                error_code, text = text.split(" ", 1)
            if not self._reported(error_code):
                return error_code
            if getattr(self, "processor", None) is None:
                line = None
            else:
                line = self.processor.noqa_line_for(line_number) if self._noqa else ""
            self.results.append((error_code, line_number, column, text, line))
            return error_code

        def process_tokens(self) -> None:
            """flake8's token loop: none when no selected token check can fire in the file (`_TEXT_NEEDED`), and
            without the end-of-line test of every token when no physical-line check runs (a selection of logical
            and AST codes only, as NeMo's): that test is a sixth of the loop's time, and with no check to call it
            does nothing. flake8's own loop otherwise."""
            if not self._tokens:
                return None
            if self.plugins.physical_line:
                return super().process_tokens()
            import tokenize

            from flake8 import processor as flake8_processor

            file_processor = self.processor
            count_parentheses, token_is_newline = flake8_processor.count_parentheses, flake8_processor.token_is_newline
            op, parens = tokenize.OP, 0
            for token in file_processor.generate_tokens():
                if token[0] == op:
                    parens = count_parentheses(parens, token[1])
                elif parens == 0 and token_is_newline(token):
                    self.handle_newline(token[0])
            if file_processor.tokens:
                self.run_logical_checks()
            return None

        def _make_processor(self) -> FileProcessor:
            processor = FileProcessor(self.filename, self.options, lines=self._lines)
            if self._tree is not None:
                tree = self._tree
                processor.build_ast = lambda: tree  # type: ignore[method-assign]
            return processor

    return TextChecker


def _excluded(setup: _Setup, root: str, path: str) -> bool:
    """flake8's `exclude`/`extend-exclude`: a file or any folder above it matching by name or absolute path."""
    if not setup.exclude:
        return False
    from flake8.utils import fnmatch

    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        here = os.path.join(root, *parts[:depth])
        if fnmatch(parts[depth - 1], setup.exclude) or fnmatch(here, setup.exclude):
            return True
    return False


def flake8_findings(
    config: Flake8Config, path: str, lines: Sequence[str], tree: ast.Module | None = None,
    wanted: Callable[[str], bool] | None = None, text: str | None = None,
) -> list[Finding]:
    """flake8's findings for one file (`path` relative to the root, `lines` with their endings, `text` the same
    joined when the caller has it).

    `tree`, when given, is the already parsed module, so the file is not parsed twice. `wanted`, when given, is
    the run's selection (a code it rejects is never reported, so its checks need not run; the same function each
    call). Raises Flake8Unavailable when flake8 cannot run at all, Flake8Failed when it fails on this file.
    """
    setup = _setup(config)
    if _excluded(setup, config.root, path):
        return []
    filename = os.path.join(config.root, *path.split("/"))
    plan = setup.plan(wanted)
    text = "".join(lines) if text is None else text
    noqa = _NOQA_RE.search(text) is not None
    try:
        checker = _checker_class()(
            filename=filename, plugins=plan.checkers, options=setup.options, lines=list(lines), tree=tree,
            reported=plan.reported, noqa=noqa, tokens=plan.needs_tokens(text),
        )
        _, results, _ = checker.run_checks()
    except Exception as exc:  # a plugin's bug must not stop the run
        raise Flake8Failed(f"{type(exc).__name__}: {exc}") from None
    setup.collector.found = []
    for code, line, column, text, physical_line in sorted(results, key=lambda r: (r[1], r[2])):
        setup.guide.handle_error(code, filename, line, column, text, physical_line)
    return [
        wrapped_finding(SOURCE, v.code, rule_name(v.code), pep8_severity(v.code), path, v.line_number,
                        v.column_number, v.text)
        for v in setup.collector.found
    ]
