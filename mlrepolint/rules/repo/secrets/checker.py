"""The `hardcoded-secret` rule: which files are scanned, and how notebook cells map back to file lines."""

from __future__ import annotations

import json
from typing import Any, Container, Iterator, Optional, Tuple

from mlrepolint.api import Context, ReadSource, RepoChecker, RepoFile, RepoView, Rule, Severity
from mlrepolint.rules.repo.envfiles import is_env_file
from mlrepolint.rules.repo.hygiene import base_name, is_lfs_pointer, suffix_of
from mlrepolint.rules.repo.notebooks import Notebook, load_notebook
from mlrepolint.rules.repo.secrets.detectors import MARKUP, PYTHON
from mlrepolint.rules.repo.secrets.scan import Hit, scan_text, with_triggers

#: (line, column, masked description) of one secret in a file.
Found = Tuple[Optional[int], Optional[int], str]

CONFIG_SUFFIXES = frozenset(".yaml .yml .json .toml .ini .cfg .conf .properties".split())
#: Lockfiles and scanner baselines are full of hashes and never hold credentials.
LOCKFILES = frozenset(
    {
        "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "composer.lock", "yarn.lock", "poetry.lock",
        "uv.lock", "pdm.lock", "pipfile.lock", "cargo.lock", "go.sum", "conda-lock.yml", "gemfile.lock",
        ".secrets.baseline",  # detect-secrets' baseline: hashes of what it found, never values
    }
)
#: Files never read: binary formats (images, archives, weights, compiled code) and tabular data, whose bytes are
#: not written by hand; a key committed in one of them is beyond a text scan.
NOT_SCANNED_SUFFIXES = frozenset(
    """
    .png .jpg .jpeg .gif .bmp .tif .tiff .webp .ico .svg .psd .heic .mp3 .mp4 .wav .flac .ogg .avi .mov .mkv .webm
    .pdf .zip .gz .tgz .tar .tar.gz .bz2 .xz .7z .rar .zst .whl .egg .jar .war .so .dll .dylib .exe .o .a .lib
    .pyc .pyo .pyd .class .wasm .woff .woff2 .ttf .otf .eot .pt .pth .bin .ckpt .safetensors .onnx .tflite .pb
    .h5 .hdf5 .keras .pkl .pickle .joblib .npy .npz .mat .parquet .feather .arrow .avro .orc .db .sqlite
    .sqlite3 .csv .tsv .xls .xlsx .lmdb .tfrecord .idx .pack .map .lock
    """.split()
)
#: Web code, scanned like HTML pages (provider-shaped keys only): its `name = expression` lines are code, not
#: secrets (a vendored search library's token sets built by a call).
WEB_CODE_SUFFIXES = frozenset(".js .mjs .cjs .jsx .ts .tsx .css .scss".split())
#: PKCS#12 key stores (`.p12`, `.pfx`): binary bundles of a private key and its certificate, reported by name.
KEY_STORE_SUFFIXES = frozenset({".p12", ".pfx"})
BINARY_SNIFF = 8192

HARDCODED_SECRET = Rule(
    code="MLR402",
    name="hardcoded-secret",
    category="security",
    severity=Severity.ERROR,
    summary="Credential hardcoded in code, a notebook or a config file",
    description=(
        "Reports credentials by their provider-specific shape, wherever they appear: AWS access key ids and "
        "secret access keys; GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`); GitLab tokens "
        "(`glpat-`, `gldt-`, `glrt-`, `glcbt-`, `glptt-`, `glft-`, `glimt-`, `glagent-`, `gloas-`, `glsoat-`, "
        "`glffct-`, runner registration `GR1348941...`, `_gitlab_session`); Slack tokens (`xoxb-`, `xoxp-`, "
        "`xoxa-`, `xoxr-`, `xoxs-`, `xoxo-`, `xoxe-`, `xapp-`) and webhook, workflow and trigger URLs; Hugging "
        "Face tokens (`hf_`, `api_org_`); OpenAI (`sk-`, `sk-proj-`...; other `sk-` keys as OpenAI-compatible), "
        "Anthropic (`sk-ant-api03-`, `sk-ant-admin01-`), Groq (`gsk_`), Perplexity (`pplx-`) and Databricks "
        "(`dapi`) keys; Google API keys (`AIza...`); Stripe secret and restricted keys (`sk_live_`, `rk_live_`, "
        "`sk_test_`...); PyPI upload tokens (`pypi-AgEI...`); npm tokens (`npm_`); SendGrid keys (`SG.`); Twilio "
        "API keys (`SK` + 32 hex); Azure storage account keys (`AccountKey=`); JSON Web Tokens (a JSON header "
        "and payload; a Supabase-style public `anon` key is not reported); private key blocks (`-----BEGIN ... "
        "PRIVATE KEY-----` followed by a key body, OpenSSH, PGP, SSH2 and PuTTY keys), in any file (`id_rsa`, "
        "`*.pem`, `*.key`...); PKCS#12 key stores (`*.p12`, `*.pfx`) by name; Google service-account JSON keys "
        "(`\"type\": \"service_account\"` with a `private_key`, one finding); Weights & Biases keys "
        "(`wandb.login(key=...)`, `wandb login KEY`, `WANDB_API_KEY=`); Kaggle keys (`kaggle.json`); `.netrc` "
        "passwords (`machine ... login ... password ...`); passwords in URLs (`scheme://user:password@host`); "
        "and a random-looking literal assigned to a secret-looking name wherever the secret word sits in it "
        "(`api_key`, `WANDB_API_KEY_PROD`, `some_api_token_123`, `client_secret`, `db_pass`, `mySecretString`), "
        "through `=`, `:`, `:=`, `=>`, a JSON or YAML key, or a call such as `os.environ.setdefault(\"API_KEY\", "
        "\"...\")`. A bare `key` (`key=` keyword arguments, JSON `\"key\"` fields) counts only for a "
        "machine-made token of 20+ characters.\n\n"
        "Scanned: every text file of the repository, each once: Python files, notebooks (cell sources and text "
        "outputs; image data is skipped), YAML, JSON, TOML, INI and CFG files, Dockerfiles, `.env` files (and "
        "their templates), shell scripts, `.txt`, Markdown and extensionless files; HTML pages, "
        "notebooks' HTML outputs and web code (`.js`, `.ts`, `.css`...) for provider-shaped keys only (page "
        "tokens, analytics beacons and CSRF nonces are public, and `name = expression` in code is no secret). Not "
        "read: binary files, "
        "images, archives, model weights, tabular data (`.csv`, `.parquet`...), lockfiles, and files larger than "
        "`max-file-size` bytes (notebooks excepted).\n\n"
        "Not flagged: values read from the environment (`os.environ[...]`, `os.getenv(\"X\")`), empty values, "
        "placeholders and redactions (`<your-token>`, `${VAR}`, `{{ var }}`, `ghp_xxxx...`, "
        "`AKIAXXXXXXXXXXXXXXXX`, `...-####`, `RANDOMSTRINGHERE`, runs and ascending sequences of characters, "
        "`changeme`, `EXAMPLE` keys, a single word such as `HuggingFace`), names that describe a secret rather "
        "than hold it (`secret_name`, `token_url`, `max_tokens`, `public_key`, `pad_token`, `csrf_token`), the "
        "example names of docs (`MY_KEY`, `your_token`), prose that describes a variable (`HF_TOKEN`: the "
        "token...), code identifiers that start like a token (`hf_hub_download`), database-image default "
        "passwords in URLs (`postgres:postgres@`) and upper-case names standing for one "
        "(`postgresql://DB_USER:DB_PASSWORD@...`), presigned S3 and GCS URLs (`X-Amz-Credential` with "
        "`X-Amz-Signature`, `X-Goog-Signature`: a time-limited grant, not a leaked key), keys that SDKs and "
        "emulators publish on purpose, and lines carrying `# mlrepolint: allow-secret` (for plainly fake test "
        "fixtures). One finding per secret per line. The secret itself is never printed: findings show its "
        "kind and a masked form such as `AKIA************2345`.\n\n"
        "Sources: the token shapes follow the public rule lists of gitleaks (`cmd/generate/config/rules/`) and "
        "detect-secrets (`detect_secrets/plugins/`), Nosey Parker's Groq rule and the providers' documentation "
        "(Weights & Biases: 40-character legacy and longer new keys; Kaggle: `kaggle.json`). "
        "`benchmarks/secrets_agreement.py` measures agreement with both projects' published true- and "
        "false-positive samples per kind (see `benchmarks/RESULTS.md`)."
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
    """How a file is scanned (`python`, `notebook`, `config`, `docker`, `env`, `keystore`, `markup`, `text`), or
    None when it is not read."""
    name = base_name(file.path)
    suffix = suffix_of(name)
    lowered = name.lower()
    if suffix in (".py", ".pyi"):
        return PYTHON
    if suffix == ".ipynb":
        return "notebook"
    if lowered in LOCKFILES or suffix in NOT_SCANNED_SUFFIXES or lowered.endswith((".min.js", ".min.css")):
        return None
    if suffix in KEY_STORE_SUFFIXES:
        return "keystore"
    if suffix in (".html", ".htm", ".xhtml") or suffix in WEB_CODE_SUFFIXES:
        return MARKUP
    if suffix in CONFIG_SUFFIXES:
        return "config"
    if lowered.startswith(("dockerfile", "containerfile")) or lowered.endswith(".dockerfile"):
        return "docker"
    if is_env_file(name):
        return "env"
    return "text"


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
                if mime == "text/html":  # a rendered table or a plot's page, scripts and all: scanned as HTML
                    yield _text(value), MARKUP
                elif mime.startswith("text/"):
                    yield _text(value), "text"
                elif mime == "application/json":
                    yield json.dumps(value), "config"


class SecretChecker(RepoChecker):
    """Scans each candidate file once for every secret type."""

    rules = (HARDCODED_SECRET,)
    by_file = True  # a file's secrets are in that file

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
            found = repo.per_file(_namespace(max_size), file.path,
                                  lambda: self._scan(repo, file.path, kind, max_size), _well_formed)
            if found is None:
                continue
            advice = (
                " in an untracked file: read it from the environment before it is committed"
                if repo.is_git and not file.tracked else ": rotate it and read it from the environment"
            )
            for line, column, description in dict.fromkeys(map(tuple, found)):  # one finding per secret per line
                ctx.report(HARDCODED_SECRET, line, column, f"hardcoded {description}{advice}", path=file.path)

    def shares_of_source(self, source: ReadSource, ctx: Context) -> dict[str, Any]:
        """A Python file's or notebook's scan, on the bytes the per-file pass read (in its worker): the share
        `check` would compute by reading the file again. Shares only: whether the file is tracked (the finding's
        advice) is `check`'s to decide, and masking the cache's."""
        max_size = ctx.options(HARDCODED_SECRET)["max-file-size"]
        kind = file_kind(RepoFile(source.path, True))
        if kind == PYTHON:
            found = None if source.size > max_size else _scan_text(source.text, kind)
        elif kind == "notebook" and source.notebook is not None:
            found = _notebook_found(source.notebook)
        else:
            return {}
        return {_namespace(max_size): found}

    @classmethod
    def _scan(cls, repo: RepoView, path: str, kind: str, max_size: int) -> list[Found] | None:
        """One file's secrets (line, column, description), or None when it is not scanned: the file's share."""
        if kind == "notebook":
            return cls._scan_notebook(repo, path)
        if kind == "keystore":
            return cls._key_store(repo, path)
        return cls._scan_file(repo, path, kind, max_size)

    @staticmethod
    def _scan_file(repo: RepoView, path: str, kind: str, max_size: int) -> list[Found] | None:
        """Scan a text file; None when it is too large, unreadable or binary (a NUL byte near the start)."""
        size = repo.size(path)
        return _scan_text(repo.read_text(path) if size is not None and size <= max_size else None, kind)

    @staticmethod
    def _key_store(repo: RepoView, path: str) -> list[Found] | None:
        """A PKCS#12 file is a private key by construction; a Git LFS pointer to one is not in the repository."""
        size = repo.size(path)
        if size is None or size == 0 or is_lfs_pointer(repo, path, size):
            return None
        return [(None, None, f"PKCS#12 key store (`{suffix_of(base_name(path))}`), which bundles a private key")]

    @staticmethod
    def _scan_notebook(repo: RepoView, path: str) -> list[Found] | None:
        """Scan cell sources and outputs; place each hit on the notebook file's line holding it."""
        notebook = load_notebook(repo, path)
        return None if notebook is None else _notebook_found(notebook)


def _namespace(max_size: int) -> str:
    """The name of a file's share of the scan (it depends on the size limit)."""
    return f"secrets:{max_size}"


def _scan_text(text: str | None, kind: str) -> list[Found] | None:
    """A text file's share: None when it is unreadable or binary (a NUL byte near the start)."""
    if text is None or "\x00" in text[:BINARY_SNIFF]:
        return None
    return [(hit.line, hit.column, hit.description) for hit in scan_text(text, kind)]


def _notebook_found(notebook: Notebook) -> list[Found]:
    """A notebook's share: its cell sources' and text outputs' secrets, each on the file line holding it."""
    return [(line, column, hit.description) for line, column, hit, _ in notebook_secrets(notebook)]


def _well_formed(found: Any) -> bool:
    """True for a recorded share of the scan: None, or (line, column, description) triples."""
    return found is None or (type(found) is list and all(
        type(item) is list and len(item) == 3 and type(item[2]) is str
        and all(v is None or (type(v) is int and v > 0) for v in item[:2])
        for item in found
    ))


def notebook_secrets(
    notebook: Notebook, seen: Container[tuple[str, str]] = ()
) -> list[tuple[int | None, int | None, Hit, str]]:
    """(file line, column, hit, the text it is in) of each secret in a notebook's cell sources and text outputs,
    skipping the (text, kind) pieces in `seen`; a notebook that is not JSON is scanned as text."""
    if notebook.error is not None:  # not JSON: scan it as text, a key is a key
        return [(hit.line, hit.column, hit, notebook.text) for hit in scan_text(notebook.text, "text")]
    found: list[tuple[int | None, int | None, Hit, str]] = []
    cursor = 0
    pieces = [(text, kind) for text, kind in notebook_pieces(notebook.cells) if text and (text, kind) not in seen]
    for (text, kind), triggered in zip(pieces, with_triggers([text for text, _ in pieces])):
        if not triggered:
            continue  # nothing any detector looks for
        for hit in scan_text(text, kind):
            line_start = text.rfind("\n", 0, hit.offset) + 1
            line_end = text.find("\n", hit.offset)
            # Jupyter writes JSON with ensure_ascii=False; the escaped line finds the file line.
            needle = json.dumps(text[line_start: line_end if line_end >= 0 else len(text)], ensure_ascii=False)
            needle = needle[1:-1][:40]
            at = notebook.text.find(needle, cursor)
            if at < 0:
                at = notebook.text.find(needle)
            if at >= 0:
                cursor = at
            line = notebook.text.count("\n", 0, at) + 1 if at >= 0 else None
            found.append((line, None, hit, text))
    return found
