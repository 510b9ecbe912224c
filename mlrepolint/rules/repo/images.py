"""Container image references: `[registry[:port]/]path[:tag][@digest]`, and whether one floats."""

from __future__ import annotations

from typing import Sequence


def floating(reference: str, floating_tags: Sequence[str]) -> str | None:
    """Why an image reference is not reproducible (a floating tag, or no tag and no digest), else None.

    A digest pins the image whatever the tag says (`img:latest@sha256:...`); a registry port is not a tag
    (`registry.local:5000/team/img` has no tag).
    """
    if "@" in reference:
        return None
    last = reference.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag or digest, so it is implicitly `latest`"
    tag = last.rsplit(":", 1)[1]
    if tag.lower() in {t.lower() for t in floating_tags}:
        return f"uses the floating tag `{tag}`"
    return None
