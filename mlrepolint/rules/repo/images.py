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


def tag_is_literal(reference: str) -> bool:
    """True when the tag or digest (or the lack of one) is written out, whatever variables the registry or
    name use: `${REGISTRY}/app:1.2`, `${IMAGE}@sha256:...`, `${REGISTRY}/app`."""
    if "@" in reference:
        return True
    tail = reference.rsplit("/", 1)[-1]
    return "$" not in (tail.split(":", 1)[1] if ":" in tail else tail)
