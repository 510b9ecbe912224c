"""Compose files: the image each service pulls, with the line of its `image:` key."""

from __future__ import annotations

from dataclasses import dataclass

from mlrepolint.rules.repo import yamlnodes
from mlrepolint.rules.repo.pins import Problem


@dataclass(frozen=True)
class ServiceImage:
    """A service's `image:` value and its line."""

    service: str
    image: str
    line: int


def pulled_images(text: str) -> tuple[list[ServiceImage], Problem | None]:
    """Images the services pull. A service with `build:` builds its image (`image:` then only names the
    result), so it pulls nothing."""
    documents, problem = yamlnodes.compose(text)
    found = []
    for document in documents:
        for service, node in yamlnodes.items(yamlnodes.get(document, "services")):
            image = yamlnodes.get(node, "image")
            value = yamlnodes.scalar(image) if image is not None else None
            if value and yamlnodes.get(node, "build") is None:
                found.append(ServiceImage(service, value.strip(), yamlnodes.line_of(image)))
    return found, problem
