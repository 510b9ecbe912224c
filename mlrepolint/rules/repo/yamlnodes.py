"""YAML read as a node tree, so every value keeps its line (conda environments, compose files).

Only `yaml.compose_all` with the SafeLoader (or its C twin, CSafeLoader) is used: nodes are built, never
constructed into objects, so no tag in the linted file can run anything.
"""

from __future__ import annotations

from typing import Iterator

from mlrepolint.api import lazy
from mlrepolint.rules.repo.pins import Problem


#: A file whose nesting may be deeper than this is not given to libyaml: its composer recurses on the C stack,
#: where Python's recursion limit does not reach.
C_NESTING_LIMIT = 500
#: A tree libyaml composed deeper than this is composed again in Python, whose recursion limit (about 450
#: levels) decides what is "nested too deeply" (so both always give the same answer).
PYTHON_DEPTH = 200
#: A block scalar's header followed by a comment without a space (`|#`): an error to PyYAML, not to libyaml.
_HEADER_COMMENT = lazy(r"[|>][-+0-9]*#")
_NULL = "tag:yaml.org,2002:null"
#: The tags PyYAML's resolver gives (or `!!str` and its like name): any other is one the file wrote, whose
#: spelling PyYAML's scanner checks more strictly than libyaml's (`!@x!!str` is an error to it only).
_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in (
    "str", "int", "float", "bool", "null", "map", "seq", "merge", "timestamp", "value", "binary", "omap", "pairs",
    "set",
))


def compose(text: str) -> tuple[list, Problem | None]:
    """The documents of a YAML file as nodes, or the parse problem with its line. libyaml (PyYAML's C parser,
    where built) composes a file several times faster than PyYAML's own parser; it is used only where it gives
    the same nodes, and any problem is read again with PyYAML's parser, whose messages and lines are reported."""
    documents = _compose_in_c(text)
    return (documents, None) if documents is not None else _compose_in_python(text)


def _compose_in_c(text: str) -> list | None:
    """The documents as libyaml composes them (the same node classes and marks), or None where it cannot or
    might not give what PyYAML's parser gives: no C parser, a tab (PyYAML rejects one after a plain scalar that
    libyaml takes), a byte order mark past the start, a block scalar's header with a comment stuck to it, a text
    that does not end with a newline (libyaml marks an empty node at the end on the next line), nesting that could
    be deep, nodes `_as_in_python` does not vouch for, or any problem (read again by PyYAML's parser)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if (loader is None or "\t" in text or "\ufeff" in text[1:] or not text.endswith("\n")
            or _HEADER_COMMENT.search(text) or _nesting_bound(text) > C_NESTING_LIMIT):
        return None
    try:
        documents = [doc for doc in yaml.compose_all(text, Loader=loader) if doc is not None]
    except (yaml.YAMLError, ValueError):  # ValueError: a lone surrogate libyaml cannot encode
        return None
    return documents if _as_in_python(documents) else None


def _nesting_bound(text: str) -> int:
    """A bound on how deeply the text's collections nest. A nested block collection starts further right than
    the one holding it, at least every second level (a sequence under a mapping's key may start in its column),
    and no further right than the longest line; each flow collection opens with its own bracket."""
    longest = max(map(len, text.splitlines()), default=0)
    return 2 * (longest + 1) + text.count("[") + text.count("{")


def _as_in_python(documents: list) -> bool:
    """Whether PyYAML's parser gives these nodes too: not nested deeper than PYTHON_DEPTH, only standard tags, and
    no plain scalar it may read otherwise. An alias's node is counted where it is defined, once."""
    import yaml

    seen: set[int] = set()
    stack = [(document, 1) for document in reversed(documents)]
    while stack:  # in the file's order, so that a node is first met where it is defined, not at an alias
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > PYTHON_DEPTH or node.tag not in _STANDARD_TAGS:
            return False
        if isinstance(node, yaml.ScalarNode):
            if node.value == "" and not node.style and node.tag != _NULL:
                return False  # `!` on an empty value: null to PyYAML, a string to libyaml
            continue
        children = node.value if isinstance(node, yaml.SequenceNode) else [part for pair in node.value for part in pair]
        if node.flow_style and any(
            isinstance(child, yaml.ScalarNode) and not child.style and _flow_plain_differs(child.value)
            for child in children
        ):
            return False
        stack.extend((child, depth + 1) for child in reversed(children))
    return True


def _flow_plain_differs(value: str) -> bool:
    """Whether PyYAML's parser may read a plain scalar libyaml found in a flow collection otherwise: an empty one
    (PyYAML marks it after the colon, libyaml at the next token, maybe a line later), or one holding `?` or `:`
    (PyYAML ends a plain scalar at a `?` in a flow collection, and at a `:` before a `?`; libyaml does not)."""
    return value == "" or "?" in value or ":" in value


def _compose_in_python(text: str) -> tuple[list, Problem | None]:
    """The documents as PyYAML's own parser composes them, or its problem with its line."""
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
