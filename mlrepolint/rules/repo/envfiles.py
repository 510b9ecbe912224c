"""`.env` files in git: they hold the credentials the code reads from the environment."""

from __future__ import annotations

import re

from mlrepolint.api import Context, RepoChecker, RepoFile, RepoView, Rule, Severity, lazy
from mlrepolint.rules.repo.hygiene import allowed, base_name, presence, untrack_hint
from mlrepolint.rules.repo.secrets.names import secret_name
from mlrepolint.rules.repo.secrets.values import is_placeholder

#: `.env.example` and friends document the variables without values: they belong in git.
TEMPLATE_PARTS = frozenset({"example", "sample", "template", "dist"})

COMMITTED_ENV_FILE = Rule(
    code="MLR401",
    name="committed-env-file",
    category="security",
    severity=Severity.ERROR,
    summary="A `.env` file is in git",
    description=(
        "Reports a committed `.env`, `.env.<anything>` (`.env.local`, `.env.production`) or `<name>.env` file. "
        "The file is read: one that sets a secret-looking variable (`OPENAI_API_KEY`, `DB_PASSWORD`, "
        "`HF_TOKEN`...) to a value is an error; one that only sets other variables (`DEBUG=1`) is a warning; "
        "a template that sets no value at all (comments, `KEY=`, placeholders such as `KEY=<your-key>` or "
        "`KEY=${OTHER}`) is a warning to commit it as `.env.example` instead. A file that cannot be read is an "
        "error. Template forms are allowed: `.env.example`, `.env.sample`, `.env.template`, `.env.dist` (also "
        "`.env.local.example`, `example.env`). `environment.yml`, `env.py` and `.envrc` are not env files. "
        "Untracked files that are not ignored are reported as untracked; ignored files never. Paths matching an "
        "`allow` glob are skipped."
    ),
    rationale=(
        "A `.env` file exists to keep API keys, database passwords and cloud credentials out of the code; once "
        "committed they are in the history of every clone and fork, and pushing the repository leaks them."
    ),
    fix=(
        "`git rm --cached .env`, add `.env` and `.env.*` (with `!.env.example`) to .gitignore, commit a "
        "`.env.example` with the variable names and empty values instead, and rotate every credential the file "
        "held: removing it from the latest commit does not remove it from the history."
    ),
    bad="$ git add .env  # OPENAI_API_KEY=..., DB_PASSWORD=...\n",
    good="$ printf '.env\\n.env.*\\n!.env.example\\n' >> .gitignore\n$ git add .env.example  # names only\n",
    options={"allow": ()},
)


def is_env_file(name: str) -> bool:
    """True for `.env`, `.env.<x>` and `<x>.env`; False for templates, `.envrc`, `env.py`, `environment.yml`."""
    lowered = name.lower()
    if lowered == ".env":
        return True
    if lowered.startswith(".env."):
        parts = lowered.split(".")[2:]
    elif lowered.endswith(".env") and len(lowered) > 4:
        parts = lowered[: -len(".env")].split(".")
    else:
        return False
    return not TEMPLATE_PARTS.intersection(parts)


#: `export NAME=value`, `NAME = "value"  # comment`: what python-dotenv and docker compose read.
ASSIGNMENT_RE = lazy(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*?)\s*$")
READ_LIMIT = 1_000_000


def _value(raw: str) -> str:
    """A value without its quotes, or without a trailing ` # comment` when unquoted."""
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else raw[1:]
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def env_contents(text: str) -> tuple[list[str], list[str]]:
    """(secret-looking variables set to a value, other variables set to a value) of an env file."""
    secrets, others = [], []
    for line in text.splitlines():
        match = ASSIGNMENT_RE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        value = _value(match.group("value"))
        if not value or is_placeholder(value):
            continue
        (secrets if secret_name(match.group("name")) else others).append(match.group("name"))
    return secrets, others


class EnvFileChecker(RepoChecker):
    """Finds committed (or about to be committed) `.env` files, and tells templates from files with values."""

    rules = (COMMITTED_ENV_FILE,)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Decide by name, then by what the file sets."""
        allow = ctx.options(COMMITTED_ENV_FILE)["allow"]
        for file in repo.files:
            name = base_name(file.path).lower()
            if name == ".env" or name.startswith(".env.") or (name.endswith(".env") and len(name) > 4):
                ctx.examine(COMMITTED_ENV_FILE)  # the units are env files, templates included
            if is_env_file(base_name(file.path)) and not allowed(allow, file.path):
                self._report(repo, ctx, file)

    @staticmethod
    def _report(repo: RepoView, ctx: Context, file: RepoFile) -> None:
        text = repo.read_text(file.path, READ_LIMIT)
        secrets, others = env_contents(text) if text is not None else (["(unreadable)"], [])
        where = f"env file {presence(repo, file)}: {untrack_hint(repo, file)}"
        if not secrets and not others:
            ctx.report(
                COMMITTED_ENV_FILE, None, None,
                f"{where}; it sets no values, so commit it as `.env.example` instead",
                path=file.path, severity=Severity.WARNING,
            )
        elif not secrets:
            ctx.report(
                COMMITTED_ENV_FILE, None, None,
                f"{where}, commit a `.env.example` without values instead (it sets no secret-looking variable)",
                path=file.path, severity=Severity.WARNING,
            )
        else:
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(secrets[:3])) if text is not None else ""
            holds = f" (it sets {names})" if names else ""
            rotate = ", and rotate the credentials it held" if file.tracked else ""
            ctx.report(
                COMMITTED_ENV_FILE, None, None,
                f"{where}, commit a `.env.example` without values instead{rotate}{holds}",
                path=file.path,
            )
