"""`mlrepolint explain`: the project model as text or JSON (the kind, whether its notebooks are published with
their outputs, the packages, the first-party names, each file's role and why, and the repository's files it
imports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlrepolint.project import Project


def as_dict(root: Path, project: Project, prefix: str = "") -> dict[str, Any]:
    """The model as the JSON object `explain --format json` prints; files limited to those under `prefix`."""
    return {
        "root": str(root),
        "kind": project.kind,
        "kind_reason": project.kind_reason,
        "published": project.published or None,  # why the notebooks are reading material that keeps its outputs
        "packages": [
            {"name": p.name, "path": p.path, "reason": p.reason} for p in project.packages
        ],
        "first_party": sorted(project.first_party),
        "files": [
            {"path": path, "role": role.kind, "framework": role.framework or None,
             "module": project.modules.get(path), "reason": role.reason,
             "imports": list(project.local_imports.get(path, ()))}
            for path, role in sorted(project.roles.items()) if path.startswith(prefix) or path == prefix
        ],
    }


def render(root: Path, project: Project, prefix: str = "", output_format: str = "text") -> str:
    """The model in `output_format` (`text` or `json`)."""
    data = as_dict(root, project, prefix)
    if output_format == "json":
        return json.dumps(data, indent=2) + "\n"
    lines = [f"Repository: {data['root']}", f"Kind: {data['kind']} ({data['kind_reason']})"]
    if data["published"]:
        lines.append(f"Notebooks: published with their outputs ({data['published']})")
    lines.append("Packages:")
    width = max((len(p["name"]) for p in data["packages"]), default=0)
    lines += [f"  {p['name']:<{width}}  {p['reason']}" for p in data["packages"]] or ["  (none)"]
    lines.append(f"First-party names: {', '.join(data['first_party']) or '(none)'}")
    lines.append("Files:")
    files = data["files"]
    path_width = min(60, max((len(f["path"]) for f in files), default=0))
    role_width = max((len(f["role"]) + (len(f["framework"]) + 3 if f["framework"] else 0) for f in files), default=0)
    for f in files:
        role = f["role"] + (f" ({f['framework']})" if f["framework"] else "")
        lines.append(f"  {f['path']:<{path_width}}  {role:<{role_width}}  {f['reason']}")
        if f["imports"]:
            lines.append(f"  {'':<{path_width}}  {'':<{role_width}}  imports {', '.join(f['imports'])}")
    if not files:
        lines.append("  (none)")
    return "\n".join(lines) + "\n"
