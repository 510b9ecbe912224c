"""YAML read as a node tree, so every value keeps its line (conda environments, compose files).

Only `yaml.compose_all` with the SafeLoader is used: nodes are built, never constructed into objects, so no tag
in the linted file can run anything.
"""

from __future__ import annotations

from typing import Iterator

from mlrepolint.rules.repo.pins import Problem


def compose(text: str) -> tuple[list, Problem | None]:
    """The documents of a YAML file as nodes, or the parse problem with its line."""
    import yaml

    try:
        return [doc for doc in yaml.compose_all(text, Loader=yaml.SafeLoader) if doc is not None], None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = max(1, len(text.splitlines()))
        line = min(mark.line + 1, last_line) if mark is not None else 1  # end of stream: the last line
        what = ", ".join(part for part in (exc.context, exc.problem) if part)
        return [], Problem(line, f"invalid YAML: {what}")
    except yaml.YAMLError as exc:
        return [], Problem(1, f"invalid YAML: {exc}")
    except RecursionError:  # the parser recurses once per nesting level
        return [], Problem(1, "invalid YAML: nested too deeply to read")


def line_of(node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def items(node) -> Iterator[tuple[str, object]]:
    """(key, value node) of a mapping node, with `<<: *anchor` merge keys expanded as YAML does: own keys first,
    then each merged mapping's, a key given twice counting once (the first wins).

    Each mapping is visited once however often it is merged, so aliases that merge each other in fan-out
    (`<<: [*a, *a]` nested thirty times, a billion paths) cost their size, not their expansion; an anchor that
    merges itself ends there.
    """
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return
    seen_nodes: set[int] = set()
    seen_keys: set[str] = set()
    stack = [node]
    while stack:  # depth-first: own keys, then each merged mapping in order with what it merges itself
        current = stack.pop()
        if not isinstance(current, yaml.MappingNode) or id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        merged = []
        for key, value in current.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value == "<<" and key.tag == "tag:yaml.org,2002:merge":
                merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
            elif key.value not in seen_keys:
                seen_keys.add(key.value)
                yield key.value, value
        stack.extend(reversed(merged))


def get(node, key: str):
    """The value node under `key` in a mapping node, or None."""
    for name, value in items(node):
        if name == key:
            return value
    return None


def scalar(node) -> str | None:
    """The text of a scalar node, else None."""
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def sequence(node) -> list:
    """The item nodes of a sequence node (empty for anything else)."""
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []
