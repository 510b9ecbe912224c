"""Rule selectors: which rules run, and which findings per-file ignores drop.

A selector is `ALL`, a code (`MLR101`), a code prefix (`MLR1`, `MLR`) or a rule name (`missing-main-guard`).
As in ruff, the most specific selector wins: `ignore = ["MLR1"]` with `extend-select = ["MLR101"]` keeps MLR101;
a tie goes to `ignore`.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

NAME_SPECIFICITY = 100  # a name is as specific as a full code, and more than any prefix


def specificity(selector: str, code: str, name: str | None) -> int:
    """How specifically `selector` names this rule: -1 when it does not, 0 for ALL, higher is more specific."""
    if selector == "ALL":
        return 0
    if name is not None and selector == name:
        return NAME_SPECIFICITY
    if code.startswith(selector):
        return len(selector)
    return -1


def best(selectors: Iterable[str], code: str, name: str | None) -> int:
    """The specificity of the most specific matching selector, or -1."""
    return max((specificity(s, code, name) for s in selectors), default=-1)


class Selection:
    """Decides whether a code is enabled under `select`, `extend-select` and `ignore`."""

    def __init__(
        self,
        select: Sequence[str] | None,
        extend_select: Sequence[str],
        ignore: Sequence[str],
        default_enabled: Callable[[str], bool],
    ) -> None:
        self.select = tuple(select) if select is not None else None
        self.extend_select = tuple(extend_select)
        self.ignore = tuple(ignore)
        self._default_enabled = default_enabled
        self._cache: dict[tuple[str, str | None], bool] = {}

    def enabled(self, code: str, name: str | None = None) -> bool:
        """True when the rule with this code (and name, if it has one) runs."""
        key = (code, name)
        if key not in self._cache:
            if self.select is None:
                positive = 0 if self._default_enabled(code) else -1
            else:
                positive = best(self.select, code, name)
            positive = max(positive, best(self.extend_select, code, name))
            self._cache[key] = positive >= 0 and positive > best(self.ignore, code, name)
        return self._cache[key]
