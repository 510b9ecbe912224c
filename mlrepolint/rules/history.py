"""Rules about what git remembers (`--history`): secrets and large files anywhere in the history, no longer in the
tree. The walk and the blob cache are mlrepolint.history's; here is what is reported, and the advice."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from mlrepolint import git, mask
from mlrepolint.repo import RepoFile
from mlrepolint.rules.base import Finding, Rule
from mlrepolint.rules.meta import HISTORY_RULES, LARGE_FILE_IN_HISTORY, SECRET_IN_HISTORY

if TYPE_CHECKING:
    from mlrepolint.diff import Base
    from mlrepolint.history import Blob, History, Leak
    from mlrepolint.engine import Engine
    from mlrepolint.results import Result


def with_history(result: Result, engine: Engine, base: Base | None = None) -> Result:
    """The result with the history rules' findings and units added (those selected), scored again; with `base`
    (`--diff`), only the commits of `base..HEAD` are walked."""
    from mlrepolint.history import Options, cache_key, scan  # here: every run knows these rules, few walk history
    from mlrepolint.rules.repo.artifacts import COMMITTED_DATASET, COMMITTED_MODEL_ARTIFACT
    from mlrepolint.rules.repo.secrets.checker import HARDCODED_SECRET
    from mlrepolint.scoring import score
    from mlrepolint.workers import default_jobs

    enabled = [rule for rule in HISTORY_RULES if engine.rule_enabled(rule)]
    if not enabled or not engine.is_git:
        return result
    opts = engine.settings.rule_options
    data = opts.get(COMMITTED_DATASET.name, COMMITTED_DATASET.options)
    model = opts.get(COMMITTED_MODEL_ARTIFACT.name, COMMITTED_MODEL_ARTIFACT.options)
    secret_limit = opts.get(HARDCODED_SECRET.name, HARDCODED_SECRET.options)["max-file-size"]
    floor = opts.get(LARGE_FILE_IN_HISTORY.name, LARGE_FILE_IN_HISTORY.options)["min-size"]
    judge = _Judge(engine, data, model, floor)
    options = Options(
        secret_limit=secret_limit, kind_of=_kind_of, candidate=judge.candidate,
        key=cache_key({"data": dict(data), "model": dict(model), "secret": secret_limit, "floor": floor}),
    )
    since = None
    if base is not None:
        from mlrepolint.diff import _base_revision

        since = (git.resolve_commit(engine.root, _base_revision(engine.root, base.ref)),
                 {path: entry.blob for path, entry in base.files.items()})
    history = scan(engine.root, options, engine.settings.jobs or default_jobs(), since)
    found: list[Finding] = []
    if engine.rule_enabled(SECRET_IN_HISTORY):
        found += [_finding(engine, SECRET_IN_HISTORY, leak.path, leak.line, leak.column, leak.commit,
                           f"{leak.description} in git history, first added in commit {leak.commit[:12]} and no "
                           "longer in the file: rotate it (rewriting history does not un-leak it)")
                  for leak in _leaks(engine, history)]
    if engine.rule_enabled(LARGE_FILE_IN_HISTORY):
        found += [_finding(engine, LARGE_FILE_IN_HISTORY, blob.path, None, None, blob.commit,
                           f"{what} ({detail}, {human}) in git history, added in commit {blob.commit[:12]} and no "
                           "longer in the tree: every clone still downloads it; rewrite history with "
                           f"`git filter-repo --invert-paths --path {blob.path}`")
                  for blob, what, detail, human in judge.artifacts(history)]
    found = [f for f in found if not engine.excluded(f.path) and not engine._ignored_for_file(f)]
    examined = dict(result.examined)
    for rule in enabled:  # one unit: a history that leaked once is leaked
        examined[rule.code] = examined.get(rule.code, 0) + 1
    warnings = list(result.warnings) + _warnings(history, base)
    findings = sorted([*result.findings, *mask.findings(found)], key=Finding.sort_key)
    updated = replace(result, findings=findings, examined=examined, warnings=warnings)
    updated.scorecard = score(updated, engine.settings.rubric, engine.enabled_rules)
    return updated


def _finding(engine: Engine, rule: Rule, path: str, line: int | None, column: int | None, commit: str,
             message: str) -> Finding:
    severity = engine.settings.severity.get(rule.code, rule.severity)
    return Finding(rule.code, rule.name, rule.category, severity, "mlrepolint", path, line, column, message,
                   commit=commit)


def _warnings(history: History, base: Base | None) -> list[str]:
    warnings = []
    if history.shallow:
        warnings.append("--history: this is a shallow clone, so only the commits it holds were scanned; fetch the "
                        "whole history (`git fetch --unshallow`, or `fetch-depth: 0` in CI)")
    if history.missing:
        warnings.append(f"--history: {history.missing} object{'s are' if history.missing != 1 else ' is'} missing "
                        "from the object store (a partial clone?) and could not be scanned")
    return warnings


def _kind_of(path: str) -> str | None:
    from mlrepolint.rules.repo.secrets.checker import file_kind

    return file_kind(RepoFile(path, True))


def _leaks(engine: Engine, history: History) -> list[Leak]:
    """Each secret once (its first path and commit), unless the current version of a file that had it in history
    still has it (then `hardcoded-secret` reports it)."""
    from mlrepolint.history import Leak

    leaks = list(history.leaks)
    for blob in history.blobs:  # key stores, reported by name
        if _kind_of(blob.path) == "keystore" and blob.size and not _is_pointer(blob):
            leaks.append(Leak(blob.oid, blob.oid, blob.path, blob.commit, None, None,
                              "PKCS#12 key store, which bundles a private key,"))
    paths: dict[str, set[str]] = {}
    for leak in leaks:
        paths.setdefault(leak.digest, set()).add(leak.path)
    current: dict[str, set[str]] = {}
    reported: dict[str, Leak] = {}
    for leak in leaks:
        if leak.digest in reported:
            continue
        if any(leak.digest in _secrets_now(engine, path, current) for path in paths[leak.digest]):
            continue
        reported[leak.digest] = leak
    return list(reported.values())


def _secrets_now(engine: Engine, path: str, memo: dict[str, set[str]]) -> set[str]:
    """The hashes of the secrets in the work tree's version of `path` (as mlrepolint reads it), scanned as history
    scans a blob; a key store's is its blob id."""
    if path not in memo:
        from mlrepolint.history import value_digest
        from mlrepolint.rules.repo.notebooks import parse_notebook
        from mlrepolint.rules.repo.secrets.checker import notebook_secrets
        from mlrepolint.rules.repo.secrets.scan import scan_text

        found: set[str] = set()
        kind = _kind_of(path)
        data = engine.repo.read_bytes(path) if kind is not None and path in engine.repo.paths else None
        if data is not None and kind == "keystore":
            found.add(git.blob_id(data, "0" * 40))
        elif data is not None and kind == "notebook" and (notebook := parse_notebook(data)).error is None:
            found = {value_digest(text[h.offset: h.end].encode("utf-8", "surrogatepass"))
                     for _, _, h, text in notebook_secrets(notebook)}
        elif data is not None and b"\0" not in data[:8192]:
            text = data.decode("utf-8", "replace")
            hits = scan_text(text, "text" if kind == "notebook" else kind)
            found = {value_digest(text[h.offset: h.end].encode("utf-8", "surrogatepass")) for h in hits}
        memo[path] = found
    return memo[path]


def _is_pointer(blob: Blob) -> bool:
    from mlrepolint.rules.repo.hygiene import LFS_POINTER_MAX_SIZE, LFS_POINTER_START

    return blob.size <= LFS_POINTER_MAX_SIZE and (blob.head or b"").startswith(LFS_POINTER_START)


class _BlobView:
    """The repository view `classify` asks (size and first bytes) answered for one blob of the history; reading
    bytes that are not known yet is recorded (`asked`) instead."""

    def __init__(self, size: int, head: bytes | None) -> None:
        self._size, self._head, self.asked = size, head, False

    def size(self, path: str) -> int:
        return self._size

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        if self._head is None:
            self.asked = True
            return b""
        return self._head[:limit] if limit is not None else self._head


class _Judge:
    """Which blobs `large-file-in-history` reports, by `committed-dataset`'s and `committed-model-artifact`'s
    rules."""

    def __init__(self, engine: Engine, data: dict, model: dict, floor: int) -> None:
        self.engine, self.data, self.model = engine, data, model
        self.max_size, self.floor = data["max-file-size"], floor

    def _classify(self, path: str, size: int, head: bytes | None):
        from mlrepolint.rules.repo.artifacts import classify

        view = _BlobView(size, head)
        file = RepoFile(path, True)
        found = classify(view, self.engine.project, file, frozenset(), self.max_size)  # type: ignore[arg-type]
        return found, view.asked

    def candidate(self, path: str, size: int) -> str | None:
        """None when the blob cannot be an artifact; "head" when its first bytes decide (or tell a Git LFS
        pointer); else "yes"."""
        from mlrepolint.rules.repo.hygiene import LFS_POINTER_MAX_SIZE

        if size < self.floor:
            return None
        found, asked = self._classify(path, size, None)
        if asked:
            return "head"
        if found is None:
            return None
        return "head" if size <= LFS_POINTER_MAX_SIZE else "yes"

    def artifacts(self, history: History) -> list[tuple[Blob, str, str, str]]:
        """(largest blob, what, detail, its size for people) for each path whose artifact blobs HEAD lacks."""
        from mlrepolint.rules.repo.artifacts import COMMITTED_MODEL_ARTIFACT, ArtifactChecker
        from mlrepolint.rules.repo.hygiene import allowed, human_size, in_test_dir

        try:
            head = git.tree_files(self.engine.root, git.resolve_tree(self.engine.root, "HEAD"))
        except git.GitError:  # no commit yet
            head = []
        in_head = {entry.blob for entry in head}
        now = {entry.path: entry for entry in head}
        by_path: dict[str, tuple[Blob, str, str]] = {}
        first: dict[str, str] = {}
        for blob in history.blobs:
            if blob.oid in in_head or blob.size < self.floor or _is_pointer(blob):
                continue
            found, _ = self._classify(blob.path, blob.size, blob.head or b"")
            if found is None:
                continue
            rule, what, detail = found
            options = self.model if rule is COMMITTED_MODEL_ARTIFACT else self.data
            fixture = blob.size < options["max-fixture-size"] and in_test_dir(blob.path)
            if fixture or allowed(options["allow"], blob.path):
                continue
            if ArtifactChecker._not_artifact(self.engine.project, RepoFile(blob.path, True)):
                continue
            if blob.path in now and self._classify(blob.path, now[blob.path].size or 0, None)[0] is not None:
                continue  # still an artifact in the tree: committed-dataset's
            first.setdefault(blob.path, blob.commit)  # the blobs are in walk order: the oldest first
            kept = by_path.get(blob.path)
            if kept is None or blob.size > kept[0].size:
                by_path[blob.path] = (blob, what, detail)
        return [(replace(blob, commit=first.get(path, blob.commit)), what, detail, human_size(blob.size))
                for path, (blob, what, detail) in sorted(by_path.items())]
