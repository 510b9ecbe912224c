"""flake8's own command line without mlrepolint's flake8 plugin: `flake8` as it runs where mlrepolint is not installed.

Usage: python benchmarks/flake8_alone.py [flake8 arguments]   (e.g. --jobs 2 --exit-zero . ; --version)

mlrepolint registers a flake8 plugin (entry point `MLR` in `flake8.extension`), so wherever mlrepolint is installed
a plain `flake8 .` runs mlrepolint's rules too and is no longer the peer the benchmark compares against. This runner
drops the plugins of the `mlrepolint` distribution at the one place flake8 lists installed plugins
(`flake8.plugins.finder._find_importlib_plugins`) and runs `flake8.main.cli.main` in this interpreter: pycodestyle,
pyflakes, mccabe, every other plugin and the repository's flake8 configuration stay as they are. For the benchmark
only. If flake8's internals have changed so that the filter does not apply, it exits 3 with one line rather than
measure flake8 with the plugin.
"""

from __future__ import annotations

import importlib.metadata
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from typing import Any

DISTRIBUTION = "mlrepolint"


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _declares_flake8_plugins() -> bool:
    """Whether the mlrepolint distribution is installed with a flake8 plugin (then the filter must drop some)."""
    try:
        entry_points = importlib.metadata.distribution(DISTRIBUTION).entry_points
    except importlib.metadata.PackageNotFoundError:
        return False
    return any(ep.group.startswith("flake8.") for ep in entry_points)


class Filter:
    """Wraps flake8's `_find_importlib_plugins`, leaving out the plugins of the mlrepolint distribution."""

    def __init__(self, find: Callable[[], Iterator[Any]]) -> None:
        self.find = find
        self.calls = 0
        self.dropped: list[str] = []

    def __call__(self) -> Iterator[Any]:
        self.calls += 1
        for plugin in self.find():
            if _normalized(plugin.package) == DISTRIBUTION:
                self.dropped.append(plugin.entry_point.name)
            else:
                yield plugin


def install() -> Filter | None:
    """Put the filter in place; None if flake8 no longer discovers plugins the way this expects."""
    from flake8.plugins import finder

    find = getattr(finder, "_find_importlib_plugins", None)
    # find_plugins looks the function up by its global name at each call: replacing the module attribute works.
    if not callable(find) or "_find_importlib_plugins" not in finder.find_plugins.__code__.co_names:
        return None
    plugin_filter = Filter(find)
    finder._find_importlib_plugins = plugin_filter
    return plugin_filter


def main() -> None:
    """Run flake8's CLI with the filter, then check the filter really applied."""
    plugin_filter = install()
    if plugin_filter is None:
        print("flake8_alone: flake8.plugins.finder changed; cannot leave mlrepolint's plugin out", file=sys.stderr)
        raise SystemExit(3)
    # The workers must inherit the filtered plugins (flake8 hands them over on fork); started any other way they
    # would look for plugins again without the filter. fork is what flake8 uses by default on Linux.
    multiprocessing.set_start_method("fork", force=True)
    from flake8.main import cli

    code: Any = 1
    try:
        code = cli.main(sys.argv[1:])
    except SystemExit as exit_:  # --version, --help, usage errors
        code = exit_.code
    if not plugin_filter.calls:
        print("flake8_alone: flake8 never called _find_importlib_plugins; the filter did not apply", file=sys.stderr)
        code = 3
    elif not plugin_filter.dropped and _declares_flake8_plugins():
        print("flake8_alone: mlrepolint's flake8 plugin was not among the plugins flake8 found", file=sys.stderr)
        code = 3
    raise SystemExit(code)


if __name__ == "__main__":
    main()
