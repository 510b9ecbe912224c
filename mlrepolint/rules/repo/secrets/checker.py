"""The `hardcoded-secret` rule: which files are scanned, and how notebook cells map back to file lines."""

from __future__ import annotations

import json
from typing import Any, Iterator

from mlrepolint.api import Context, RepoChecker, RepoFile, RepoView, Rule, Severity
from mlrepolint.rules.repo.envfiles import is_env_file
from mlrepolint.rules.repo.hygiene import base_name, suffix_of
from mlrepolint.rules.repo.notebooks import load_notebook
from mlrepolint.rules.repo.secrets.detectors import PYTHON
from mlrepolint.rules.repo.secrets.scan import scan_text

CONFIG_SUFFIXES = frozenset(".yaml .yml .json .toml .ini .cfg .conf .properties".split())
#: Lockfiles are full of integrity hashes and never hold credentials.
LOCKFILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock"})

HARDCODED_SECRET = Rule(
    code="MLR402",
    name="hardcoded-secret",
    category="security",
    severity=Severity.ERROR,
    summary="Credential hardcoded in code, a notebook or a config file",
    description=(
        "Reports provider-specific credentials: AWS access key ids and secret access keys, private key blocks "
        "(`-----BEGIN ... PRIVATE KEY-----` followed by a key body), GitHub, GitLab, Slack, Hugging Face, "
        "OpenAI- and Anthropic-style tokens, Google service-account JSON keys, passwords in URLs "
        "(`scheme://user:password@host`), and a high-entropy literal assigned to a name like `api_key`, "
        "`secret`, `token` or `password`. Scanned: Python files, notebooks (cell sources and text outputs; image "
        "data is skipped), YAML, JSON, TOML, INI and CFG files, Dockerfiles and `.env` files, each once; files "
        "larger than `max-file-size` bytes (notebooks excepted) are skipped. Not flagged: values read from the "
        "environment (`os.environ[...]`, `os.getenv(\"X\")`), empty values, placeholders (`<your-key>`, `xxx`, "
        "`changeme`, `${VAR}`, `{{ var }}`), `.env.example`-style templates, lockfiles, and lines carrying "
        "`# mlrepolint: allow-secret` (for plainly fake test fixtures). The secret itself is never printed: "
        "findings show its kind and a masked form such as `AKIA************MPLE`."
    ),
    rationale=(
        "A key in a repository is a key published: clones, forks, CI logs and notebook exports all carry it, and "
        "bots scan public repositories for cloud and model-API keys within minutes. Leaked keys run up GPU and "
        "API bills and expose training data."
    ),
    fix=(
        "Rotate the key first (revoke it at the provider and issue a new one): it is in the history already. "
        "Then read it from the environment (`os.environ[\"OPENAI_API_KEY\"]`, a git-ignored `.env` loaded with "
        "python-dotenv) or a secret manager, and purge it from history with `git filter-repo` if the repository "
        "is shared. For a plainly fake test value, add `# mlrepolint: allow-secret` to its line."
    ),
    bad='client = OpenAI(api_key="sk-proj-...")  # the real key, pasted\n',
    good='import os\n\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n',
    options={"max-file-size": 5_000_000},
)


def file_kind(file: RepoFile) -> str | None:
    """How a file is scanned (`python`, `notebook`, `config`, `docker`, `env`), or None when it is not."""
    name = base_name(file.path)
    suffix = suffix_of(name)
    if suffix in (".py", ".pyi"):
        return PYTHON
    if suffix == ".ipynb":
        return "notebook"
    if suffix in CONFIG_SUFFIXES:
        return None if name in LOCKFILES else "config"
    lowered = name.lower()
    if lowered.startswith(("dockerfile", "containerfile")) or lowered.endswith(".dockerfile"):
        return "docker"
    if is_env_file(name):
        return "env"
    return None


def _text(value: Any) -> str:
    """A notebook string field: a string, or a list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def notebook_pieces(cells: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(text, kind) for each cell's source and text outputs; images and other binary data are skipped."""
    for cell in cells:
        yield _text(cell.get("source", cell.get("input"))), PYTHON if cell.get("cell_type") == "code" else "text"
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict):
                continue
            yield _text(output.get("text")), "text"
            yield _text(output.get("traceback")), "text"
            yield _text(output.get("evalue")), "text"
            data = output.get("data")
            for mime, value in (data.items() if isinstance(data, dict) else ()):
                if mime.startswith("text/"):
                    yield _text(value), "text"
                elif mime == "application/json":
                    yield json.dumps(value), "config"


class SecretChecker(RepoChecker):
    """Scans each candidate file once for every secret type."""

    rules = (HARDCODED_SECRET,)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Pick files by name and size, scan each once, report masked findings. One unit for the repository:
        a credential in git is a leak however many clean files sit beside it."""
        max_size = ctx.options(HARDCODED_SECRET)["max-file-size"]
        if repo.files:
            ctx.examine(HARDCODED_SECRET)
        for file in repo.files:
            kind = file_kind(file)
            if kind is None:
                continue
            if kind == "notebook":
                found = self._scan_notebook(repo, file.path)
            else:
                size = repo.size(file.path)
                text = repo.read_text(file.path) if size is not None and size <= max_size else None
                if text is None:
                    continue
                found = [(hit.line, hit.column, hit.description) for hit in scan_text(text, kind)]
            advice = (
                " in an untracked file: read it from the environment before it is committed"
                if repo.is_git and not file.tracked else ": rotate it and read it from the environment"
            )
            for line, column, description in found:
                ctx.report(HARDCODED_SECRET, line, column, f"hardcoded {description}{advice}", path=file.path)

    @staticmethod
    def _scan_notebook(repo: RepoView, path: str) -> list[tuple[int | None, int | None, str]]:
        """Scan cell sources and outputs; place each hit on the notebook file's line holding it."""
        notebook = load_notebook(repo, path)
        if notebook is None:
            return []
        if notebook.error is not None:  # not JSON: scan it as text, a key is a key
            return [(hit.line, hit.column, hit.description) for hit in scan_text(notebook.text, "text")]
        found: list[tuple[int | None, int | None, str]] = []
        cursor = 0
        for text, kind in notebook_pieces(notebook.cells):
            if not text:
                continue
            for hit in scan_text(text, kind):
                line_end = text.find("\n", hit.offset)
                # Jupyter writes JSON with ensure_ascii=False; the escaped line start finds the file line.
                needle = json.dumps(text[hit.offset: line_end if line_end >= 0 else len(text)], ensure_ascii=False)
                needle = needle[1:-1][:40]
                at = notebook.text.find(needle, cursor)
                if at < 0:
                    at = notebook.text.find(needle)
                if at >= 0:
                    cursor = at
                line = notebook.text.count("\n", 0, at) + 1 if at >= 0 else None
                found.append((line, None, hit.description))
        return found
