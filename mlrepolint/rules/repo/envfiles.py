"""`.env` files in git: they hold the credentials the code reads from the environment."""

from __future__ import annotations

from mlrepolint.api import Context, RepoChecker, RepoView, Rule, Severity
from mlrepolint.rules.repo.hygiene import allowed, base_name, presence, untrack_hint

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
        "Template forms are allowed: `.env.example`, `.env.sample`, `.env.template`, `.env.dist` (also "
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


class EnvFileChecker(RepoChecker):
    """Finds committed (or about to be committed) `.env` files."""

    rules = (COMMITTED_ENV_FILE,)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """Decide by name alone; nothing is read."""
        allow = ctx.options(COMMITTED_ENV_FILE)["allow"]
        for file in repo.files:
            name = base_name(file.path).lower()
            if name == ".env" or name.startswith(".env.") or (name.endswith(".env") and len(name) > 4):
                ctx.examine(COMMITTED_ENV_FILE)  # the units are env files, templates included
            if is_env_file(base_name(file.path)) and not allowed(allow, file.path):
                rotate = ", and rotate the credentials it held" if file.tracked else ""
                ctx.report(
                    COMMITTED_ENV_FILE, None, None,
                    f"env file {presence(repo, file)}: {untrack_hint(repo, file)}, commit a `.env.example` "
                    f"without values instead{rotate}",
                    path=file.path,
                )
