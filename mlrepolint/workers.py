"""Per-file work spread over processes: paths go out, small FileResults come back, never syntax trees.

Each worker process builds one Engine (so the checker registry is loaded once per process) and lints the paths it
is sent. Small runs stay in the main process: starting workers costs more than linting a handful of files.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

if TYPE_CHECKING:
    from mlrepolint.config import Settings
    from mlrepolint.engine import Engine
    from mlrepolint.project import Project
    from mlrepolint.repo import RepoView
    from mlrepolint.results import FileResult
    from pathlib import Path

#: Below this many files per worker, a worker process costs more to start than it saves.
FILES_PER_WORKER = 16

_engine: Engine | None = None  # the worker process's own Engine, built once by `_start_worker`


def default_jobs() -> int:
    """All the cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def lint_in_parallel(
    engine: Engine, tasks: Sequence[tuple[str, str | None]], meanwhile: Callable[[], None] = lambda: None
) -> Iterator[FileResult]:
    """Lint each (path, content hash the cache knows or None) task over `settings.jobs` processes, and call
    `meanwhile` in this process while the workers lint (after the files, when there are no workers).

    Results come back in any order; the engine sorts findings, so `--jobs 1` and `--jobs N` report the same.
    """
    from mlrepolint.progress import Progress

    jobs = engine.settings.jobs or default_jobs()
    # Without parsing, a file costs less than sending it to a worker.
    workers = min(jobs, len(tasks) // FILES_PER_WORKER) if engine.parses else 1
    progress = Progress(len(tasks), enabled=engine.show_progress, label=engine.progress_label)
    try:
        if workers <= 1:
            freeze_loaded()  # what the run built so far outlives the files (see `freeze_loaded`)
            for path, known in tasks:
                yield engine.lint_file(path, known)
                collect_between_files()
                progress.advance()
            meanwhile()
            return
        # imported once here, before the workers fork, rather than once in each of them (the share checkers: 26 ms)
        engine.python_checkers, engine.share_checkers
        pool = _pool(workers, engine.root, engine.is_git, engine.settings, engine.view, engine.project)
        with pool:
            chunk = max(1, min(32, len(tasks) // (workers * 8)))
            results = pool.imap_unordered(_lint_task, tasks, chunksize=chunk)
            meanwhile()  # the pool's own threads keep the workers fed and collect their results meanwhile
            for result in results:
                yield result
                progress.advance()
    finally:
        progress.close()


def _pool(workers: int, root: Path, is_git: bool, settings: Settings, view: RepoView | None, project: Project):
    import multiprocessing

    # fork starts a worker in milliseconds and inherits the loaded registry and the project model; macOS and
    # Windows cannot fork safely, and there the initializer loads the registry once in each fresh process (and
    # the model is pickled to it once).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else None)
    # Ctrl-C is the main process's to handle (it stops the pool): no worker may print a traceback of its own.
    with _sigint_held():
        return context.Pool(workers, initializer=_start_worker, initargs=(root, is_git, settings, view, project))


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT blocked while the pool forks: the workers start with it blocked (their initializer then ignores it),
    and a Ctrl-C of that moment reaches the main process as soon as the pool is up, instead of being lost."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: workers are spawned, and ignore it from the initializer
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _start_worker(root: Path, is_git: bool, settings: Settings, view: RepoView | None, project: Project) -> None:
    from mlrepolint.engine import Engine

    global _engine
    gc.enable()  # forked while the main process's collector is paused (see `collector_paused`)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to answer (it stops the pool)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held while forking (see _sigint_held)
    _engine = Engine(root, is_git, settings, view=view)
    _engine.project = project  # the main process's model: a worker never lists the repository
    relax_gc()  # for the worker's whole life (a forked worker has it already; a spawned one does not)


def relax_gc() -> None:
    """Collect cycles far less often from now on, for the life of this process (a lint run, a worker).

    Syntax trees, findings and the decoded cache hold no cycles, so the collector's frequent passes over
    hundreds of thousands of fresh objects find nothing: measured, ~14 % of the per-file time, and half the time
    of decoding a large cache and rendering its findings. What is loaded so far is frozen out of its sight too.
    """
    freeze_loaded()
    gc.set_threshold(50_000, 50, 100)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection in this process while the block runs (a lint run's main process).

    What the main process builds (the decoded cache, the project model, the workers' results, the repository
    checkers' shares) holds next to no cycles: a cold run of NeMo collected 227 objects in 19 passes that walked
    everything young each time (80-100 ms; 15 ms of a warm run). Files linted here still have their garbage
    collected between files (`collect_between_files`), and workers forked meanwhile collect as usual. What the
    block allocated is frozen at its end rather than walked by the first pass after it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freeze_loaded()
        if enabled:
            gc.enable()


def freeze_loaded() -> None:
    """Put every object allocated so far out of the collector's sight, for as long as the process lives.

    For what lives until the process ends anyway: the run's decoded cache, model and results before the main
    process lints files itself (else the pass between files walks them all: 0.72 s instead of 0.45 s for an edit of
    one NeMo file), a plugin's model and checkers in its host, and everything at exit, where Python's last
    collection would walk it all to free what the process's end frees anyway (75 ms after a warm NeMo run, 0.1 s
    after a cold one). Frozen objects are still freed by reference counting, and released when the process ends.
    """
    gc.freeze()


#: Objects a file's lint may leave behind before they are worth a collection (a file linted by own rules alone
#: leaves a few dozen, one flake8 lints a few thousand).
LEFT_BEHIND = 1000


def collect_between_files() -> None:
    """Free the cycles the file just linted left, while the young generation holds little besides them.

    flake8's pyflakes leaves every file's scopes and bindings pointing at each other, which only the collector
    frees. Left to the automatic passes, they are collected mid-file, in passes that also walk the live syntax
    tree and tokens, which then age into generations walked again. Measured on NeMo's default run (`--jobs 1`):
    collection took 3.9 s of its 23 s CPU, and 1.3 s with a pass between files.
    """
    if gc.get_count()[0] > LEFT_BEHIND:
        gc.collect(0)


def _lint_task(task: tuple[str, str | None]) -> FileResult:
    assert _engine is not None, "worker used before _start_worker"
    path, known = task
    try:
        return _engine.lint_file(path, known)
    finally:
        collect_between_files()
