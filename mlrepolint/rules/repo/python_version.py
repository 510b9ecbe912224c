"""Which Python the project runs on: declared once, somewhere a tool can read it."""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import PurePosixPath
from typing import Callable

from mlrepolint.api import Context, RepoChecker, RepoView, Rule, Severity, TOMLError, lazy, parse_toml

READ_LIMIT = 1024 * 1024

PYTHON_VERSION_UNDECLARED = Rule(
    code="MLR503",
    name="python-version-undeclared",
    category="dependencies",
    severity=Severity.WARNING,
    summary="The project does not declare which Python version it needs",
    description=(
        "Reports a repository with Python files or notebooks that declares its Python version nowhere: not in "
        "`pyproject.toml` (`requires-python`, or Poetry's `python` dependency), `setup.py` (`python_requires`, "
        "passed directly, through a variable, or in a dict passed as `**kwargs`; the file is parsed, never run), "
        "`setup.cfg` (`[options] python_requires`, where a `setup.py` that calls a bare `setup()` delegates it), "
        "`.python-version`, `runtime.txt` (`python-3.9.7` or `3.9`), `.tool-versions`, a conda environment file "
        "(`- python=3.11`), a `Pipfile` (`python_version`), an MLflow `python_env.yaml` (`python: 3.10`), or a "
        "Dockerfile whose base image is a pinned `python:3.x` tag (`python:latest` and an untagged `python` are "
        "not pins). The rubric counts one requirement."
    ),
    rationale=(
        "Pickled models, NumPy and PyTorch wheels and even `dict` ordering differ between Python versions; a "
        "training run that cannot say which interpreter it used cannot be reproduced."
    ),
    fix='Add `requires-python = ">=3.10"` to `[project]` in pyproject.toml, or a `.python-version` file.',
    bad='[project]\nname = "churn"\ndependencies = ["pandas==2.2.2"]\n',
    good='[project]\nname = "churn"\nrequires-python = ">=3.10"\ndependencies = ["pandas==2.2.2"]\n',
)

_PYTHON_REQUIRES_RE = lazy(r"python_requires\s*=")
_RUNTIME_RE = lazy(r"^\s*(?:python-)?\d+\.\d+", re.IGNORECASE | re.MULTILINE)
_CONDA_PYTHON_RE = lazy(r"^\s*-\s*python\s*[=<>~!]", re.MULTILINE)
_PYTHON_ENV_RE = lazy(r"^python\s*:\s*[\"']?\d", re.MULTILINE)
_PIPFILE_RE = lazy(r"^\s*python_(full_)?version\s*=", re.MULTILINE)
_TOOL_VERSIONS_RE = lazy(r"^\s*python\s+\d", re.MULTILINE)
_FROM_PYTHON_RE = lazy(
    r"^\s*FROM\s+(?:--platform=\S+\s+)?(?:\S+/)?python:(?P<tag>\S+)", re.IGNORECASE | re.MULTILINE
)


def _pyproject(text: str) -> bool:
    try:
        data = parse_toml(text)
    except TOMLError:
        return False
    project = data.get("project")
    if isinstance(project, dict) and project.get("requires-python"):
        return True
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    return isinstance(deps, dict) and bool(deps.get("python"))


def _declared_value(node: ast.AST | None, constants: dict[str, ast.AST]) -> bool:
    """True unless the value is plainly empty: `None`, `""`, or a name bound to one. A value computed some other
    way (a call, an attribute) is declared all the same; reading it would need running the file."""
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Constant):
        return bool(node.value)
    return node is not None


def _setup_py(text: str) -> bool:
    """`python_requires` anywhere setup.py can pass it to `setup()`: a keyword (`setup(python_requires=X)`,
    `dict(python_requires=X)`), a dict key (`{"python_requires": X}`), or an item set later
    (`kwargs["python_requires"] = X`); X a literal or a module-level name bound to one."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return bool(_PYTHON_REQUIRES_RE.search(text))  # not Python we can read: the plain text says it
    constants: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            constants[stmt.targets[0].id] = stmt.value
    try:
        nodes = list(ast.walk(tree))
    except RecursionError:
        return bool(_PYTHON_REQUIRES_RE.search(text))
    for node in nodes:
        if isinstance(node, ast.keyword) and node.arg == "python_requires":
            if _declared_value(node.value, constants):
                return True
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "python_requires" and _declared_value(
                    value, constants
                ):
                    return True
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "python_requires" and _declared_value(node.value, constants)
                ):
                    return True
    return False


def _setup_cfg(text: str) -> bool:
    """`[options] python_requires = >=3.9` (what setuptools reads when setup.py delegates to setup.cfg)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except (configparser.Error, ValueError):
        return bool(_PYTHON_REQUIRES_RE.search(text))
    return bool(parser.get("options", "python_requires", fallback="").strip())


def _dockerfile(text: str) -> bool:
    return any(match.group("tag")[:1].isdigit() for match in _FROM_PYTHON_RE.finditer(text))


def _is_dockerfile(name: str) -> bool:
    lowered = name.lower()
    return lowered == "dockerfile" or lowered.startswith("dockerfile.") or lowered.endswith(".dockerfile")


def _is_conda_env(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith((".yml", ".yaml")) and ("environment" in lowered or lowered.startswith("conda"))


#: (does this root-level file name declare a version?, does its text?) -- checked in this order.
DECLARATIONS: tuple[tuple[Callable[[str], bool], Callable[[str], bool]], ...] = (
    (lambda name: name == "pyproject.toml", _pyproject),
    (lambda name: name == "setup.py", _setup_py),
    (lambda name: name == "setup.cfg", _setup_cfg),
    (lambda name: name == ".python-version", lambda text: bool(text.strip())),
    (lambda name: name == "runtime.txt", lambda text: bool(_RUNTIME_RE.search(text))),
    (lambda name: name == ".tool-versions", lambda text: bool(_TOOL_VERSIONS_RE.search(text))),
    (lambda name: name == "Pipfile", lambda text: bool(_PIPFILE_RE.search(text))),
    (lambda name: name in ("python_env.yaml", "python_env.yml"), lambda text: bool(_PYTHON_ENV_RE.search(text))),
    (_is_conda_env, lambda text: bool(_CONDA_PYTHON_RE.search(text))),
    (_is_dockerfile, _dockerfile),
)


class PythonVersionChecker(RepoChecker):
    """Looks for a Python version declaration in the files that can carry one."""

    rules = (PYTHON_VERSION_UNDECLARED,)

    def check(self, repo: RepoView, ctx: Context) -> None:
        """One requirement per repository with Python code; read only the candidate files."""
        if not any(f.suffix in (".py", ".ipynb") for f in repo.files):
            return
        ctx.examine(PYTHON_VERSION_UNDECLARED)
        for f in repo.files:
            name = PurePosixPath(f.path).name
            at_root = "/" not in f.path
            for names, declares in DECLARATIONS:
                # Dockerfiles and conda files often live in docker/ or envs/; the rest belong at the root.
                anywhere = names in (_is_dockerfile, _is_conda_env)
                if (at_root or anywhere) and names(name):
                    text = repo.read_text(f.path, READ_LIMIT)
                    if text and declares(text):
                        return
        ctx.report(
            PYTHON_VERSION_UNDECLARED, None, None,
            "no Python version declared (requires-python, .python-version, runtime.txt, conda `python=`, "
            "or a pinned `python:3.x` base image)",
            path="pyproject.toml",
        )
