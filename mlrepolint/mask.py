"""The one masking step: every finding message (mlrepolint's and the wrapped tools') and every warning passes
through here before it is stored in the cache or printed, in any format.

Messages quote what they found, and what they found can be a secret: flake8's F601 and pylint's R0801/R1714 quote
literals, parse-error quotes a line, hardcoded-path a path, unpinned-requirement a VCS URL with a token in it, a
YAML error an alias. Whatever the hardcoded-secret rule's detectors recognise in a message is masked, and so are
URL credentials (`https://user:<token>@host`, `https://<token>@host`), in the form the rule itself reports:
`ghp_****...****a1B2`.

Cheap by construction: a warm run of a large tree hands back 100,000 findings and more. Each distinct message is
masked once (most repeat), and the new ones are scanned together, as one text: the detectors' literal triggers
then run once, in C, over all of them, instead of a regex call per message.
"""

from __future__ import annotations

import bisect
from typing import Iterable, Sequence

from mlrepolint.regex import lazy
from mlrepolint.rules.base import Finding

#: `scheme://user[:password]@`: the password, and a user part long enough to be a token, are credentials.
_URL_CREDENTIALS = lazy(
    r"[A-Za-z][A-Za-z0-9+.-]{0,20}://(?P<user>[^\s/?#@:'\"`<>]*)(?::(?P<password>[^\s/?#@'\"`<>]*))?@"
)
_TOKEN_USER = 8  # a user part this long may be a token (`https://ghp_...@github.com`); `git@` is not
_MEMO_LIMIT = 500_000
_memo: dict[str, str] = {}


def hide(secret: str) -> str:
    """`ghp_********a1B2`: the first and last four characters of a long secret, nothing of a short one."""
    if len(secret) >= 16:
        return secret[:4] + "*" * (len(secret) - 8) + secret[-4:]
    return "*" * 8


def text(value: str) -> str:
    """`value` with every secret in it masked."""
    return texts([value])[0]


def texts(values: Sequence[str]) -> list[str]:
    """Each value with every secret in it masked (a value without one is returned as it is)."""
    new = [value for value in dict.fromkeys(values) if value not in _memo]
    if new:
        if len(_memo) + len(new) > _MEMO_LIMIT:
            _memo.clear()
        _memo.update(zip(new, _mask_together(new)))
    return [_memo[value] for value in values]


def findings(found: Iterable[Finding]) -> list[Finding]:
    """The findings with their messages masked (a finding whose message holds no secret is kept as it is)."""
    found = list(found)
    masked = texts([f.message for f in found])
    return [f if m == f.message else f._replace(message=m) for f, m in zip(found, masked)]


def _mask_together(values: list[str]) -> list[str]:
    """Scan the values as one text (one per line) and mask each span found, in the value it falls in."""
    from mlrepolint.rules.repo.secrets.scan import secret_spans  # on first use: its patterns take a while to build

    joined = "\n".join(values)
    spans = secret_spans(joined) + list(_credential_spans(joined))
    if not spans:
        return values
    starts, at = [], 0
    for value in values:
        starts.append(at)
        at += len(value) + 1
    cuts: dict[int, list[tuple[int, int]]] = {}
    for start, end in _merged(spans):
        index = bisect.bisect_right(starts, start) - 1
        while index < len(values) and starts[index] < end:  # a span across values masks its part of each
            base = starts[index]
            cuts.setdefault(index, []).append((max(start, base) - base, min(end, base + len(values[index])) - base))
            index += 1
    masked = list(values)
    for index, pieces in cuts.items():
        value = values[index]
        out, last = [], 0
        for start, end in pieces:
            out += [value[last:start], hide(value[start:end])]
            last = end
        masked[index] = "".join(out) + value[last:]
    return masked


def _credential_spans(value: str) -> Iterable[tuple[int, int]]:
    """The password, and a token-length user part, of every `scheme://user[:password]@` in the text."""
    if "@" not in value or "://" not in value:
        return
    for match in _URL_CREDENTIALS.finditer(value):
        if match.group("password"):
            yield match.span("password")
        if len(match.group("user")) >= _TOKEN_USER:
            yield match.span("user")


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
