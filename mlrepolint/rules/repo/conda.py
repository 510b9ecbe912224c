"""conda environment files (`environment.yml`): `dependencies:` match specs and the `pip:` sub-list."""

from __future__ import annotations

import re

from mlrepolint.api import lazy
from mlrepolint.rules.repo import yamlnodes
from mlrepolint.rules.repo.pins import Dep, Entry, canonical
from mlrepolint.rules.repo.requirements import line_entry

# `channel::name[ ]spec[ build]`, e.g. `conda-forge::numpy=1.26.4=py311h`, `numpy >=1.2`, `numpy 1.26.4`.
SPEC_RE = lazy(r"^(?:[^:\s]+::)?(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<spec>.*)$")
RANGE_CHARS = ("<", ">", "!", "~", ",", "|", "*", "[")


def spec_problem(spec: str) -> str | None:
    """Why a conda version spec does not pin one version: `=1.2.3`, `==1.2.3` and `1.2.3 build` are pinned."""
    if not spec:
        return "no version given"
    version = spec[2:] if spec.startswith("==") else spec[1:] if spec.startswith("=") else spec
    version = re.split(r"[=\s]", version.strip(), maxsplit=1)[0]  # drop the build string
    if not version or any(c in version for c in RANGE_CHARS) or spec.startswith(("<", ">", "!", "~")):
        return f"`{spec}` allows more than one version"
    return None


def conda_dep(text: str, line: int) -> Dep | None:
    """A conda match spec as a Dep. `python` with any version is an interpreter choice, not a package pin."""
    match = SPEC_RE.match(text.strip())
    if match is None:
        return None
    name, spec = match.group("name"), match.group("spec").strip()
    if name.lower() == "python" and spec:
        return None
    return Dep(canonical(name), line, text, spec_problem(spec), pip=False)


def parse_environment(text: str) -> list[Entry]:
    """Every entry of an environment file: conda specs, then pip requirements (`-r file` included)."""
    documents, problem = yamlnodes.compose(text)
    if problem is not None:
        return [problem]
    entries: list[Entry] = []
    for document in documents:
        for item in yamlnodes.sequence(yamlnodes.get(document, "dependencies")):
            spec = yamlnodes.scalar(item)
            if spec is not None:
                dep = conda_dep(spec, yamlnodes.line_of(item))
                if dep is not None:
                    entries.append(dep)
                continue
            for pip_item in yamlnodes.sequence(yamlnodes.get(item, "pip")):
                requirement = yamlnodes.scalar(pip_item)
                entry = line_entry(requirement.strip(), yamlnodes.line_of(pip_item)) if requirement else None
                if entry is not None:
                    entries.append(entry)
    return entries


def parse_python_env(text: str) -> list[Entry]:
    """The entries of an MLflow `python_env.yaml`: `dependencies` and `build_dependencies` are pip requirements."""
    documents, problem = yamlnodes.compose(text)
    if problem is not None:
        return [problem]
    entries: list[Entry] = []
    for document in documents:
        for key in ("build_dependencies", "dependencies"):
            for item in yamlnodes.sequence(yamlnodes.get(document, key)):
                requirement = yamlnodes.scalar(item)
                entry = line_entry(requirement.strip(), yamlnodes.line_of(item)) if requirement else None
                if entry is not None:
                    entries.append(entry)
    return entries
