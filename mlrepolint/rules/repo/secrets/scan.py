"""Run every detector over a text: a few fast passes for the trigger strings, then each detector's pattern where
one fired."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, Iterator

try:
    from re import _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from mlrepolint.rules.repo.secrets.detectors import DETECTORS, Detector, Scan, Secret


def _literal_triggers() -> tuple[tuple[re.Pattern[str], ...], dict[str, list[Detector]]]:
    """One regex per first character of the trigger strings, and the detectors of each string.

    `re` finds a pattern's first character with a fast C loop when it is one literal character, and falls back to
    trying the pattern at every position when it is a set of them: 16 passes of one first character each are
    seven times faster than one pass over an alternation of 16 first characters.
    """
    by_literal: dict[str, list[Detector]] = {}
    for detector in DETECTORS:
        for literal in detector.triggers:
            by_literal.setdefault(literal, []).append(detector)
    by_first: dict[str, list[str]] = {}
    for literal in sorted(by_literal):
        by_first.setdefault(literal[0], []).append(literal)
    return tuple(re.compile(_trie(group)) for group in by_first.values()), by_literal


def _trie(literals: list[str]) -> str:
    """An alternation of plain strings with shared prefixes factored out (`a(?:kia|sia)`): `re` then tries one
    branch per first character instead of every string at every position, which is twice as fast."""
    if len(literals) == 1:
        return re.escape(literals[0])
    groups: dict[str, list[str]] = {}
    for literal in literals:
        groups.setdefault(literal[0], []).append(literal[1:])
    branches = []
    for first, rests in groups.items():
        longer = [rest for rest in rests if rest]
        tail = _trie(longer) if longer else ""
        if tail and ("|" in tail or "" in rests):
            tail = f"(?:{tail})" + ("?" if "" in rests else "")
        branches.append(re.escape(first) + tail)
    return branches[0] if len(branches) == 1 else "|".join(branches)


LITERAL_RES, _BY_LITERAL = _literal_triggers()
_ORDER = {detector.key: order for order, detector in enumerate(DETECTORS)}
_PATTERN_TRIGGERS = [(re.compile(pattern), d) for d in DETECTORS for pattern in d.trigger_patterns]

#: On a line, this comment allows a plainly fake secret (a test fixture).
PRAGMA = "mlrepolint: allow-secret"

#: Query parameters that make a URL presigned: its key id and signature are a time-limited grant, not a leaked key.
PRESIGNED_MARKS = ("x-amz-signature=", "x-goog-signature=")
PRESIGNED_V2 = (("awsaccesskeyid=", "signature="), ("googleaccessid=", "signature="))
_URL_STOP = frozenset(" \t\r\n\"'`<>()[]{}")


@dataclass(frozen=True)
class Hit:
    """A secret found in a text: where its value starts (offset, line, column), where it ends, and its masked
    description (never the value)."""

    offset: int
    line: int
    column: int
    description: str
    end: int


def _lowered(text: str) -> str:
    """The text with ASCII letters lowered and every offset unchanged (`str.lower` may lengthen non-ASCII text).
    Through UTF-8: `bytes.lower` lowers ASCII only, and no byte of a non-ASCII character is an ASCII one, so the
    text decodes back to as many characters; ten times faster than `str.translate` on a large text."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


#: Every trigger regex, the literal ones first: `_TriggerSet` numbers them in this order.
_TRIGGER_RES: tuple[re.Pattern[str], ...] = LITERAL_RES + tuple(pattern for pattern, _ in _PATTERN_TRIGGERS)


def _relaxed(pattern: re.Pattern[str]) -> tuple[str, bool] | None:
    """A pattern for RE2 that matches the UTF-8 bytes of a text wherever `pattern` matches the text, or None when
    that is not sure; with it, whether it matches exactly there (nothing dropped or widened: the literal triggers).

    Lookarounds are dropped and every counted repeat becomes `*` or `+` (a superset), so the automaton RE2 builds
    has no counters, and no input can make its states multiply (`key[a-z0-9_.-]{0,40}` read over a run of `key`s
    would track each start's count). Only ASCII characters and classes are kept: they match the same characters in
    `re` and in RE2, and a UTF-8 byte of a non-ASCII character is never an ASCII one; `\\w`, `.`, a negated class,
    an anchor or an inline flag means no relaxed pattern.
    """
    if pattern.flags & ~re.UNICODE:
        return None
    widened: list[str] = []
    try:
        relaxed = _relax(_sre_parse.parse(pattern.pattern), widened)
    except ValueError:
        return None
    return relaxed, not widened


def _byte(code: int) -> str:
    if code >= 0x80:
        raise ValueError("not ASCII")
    return f"\\x{code:02x}"


def _relax(items, widened: list[str]) -> str:  # `items`: an sre_parse.SubPattern
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(_byte(arg))
        elif name == "IN":
            members = []
            for member_op, member in arg:
                if str(member_op) == "LITERAL":
                    members.append(_byte(member))
                elif str(member_op) == "RANGE":
                    members.append(f"{_byte(member[0])}-{_byte(member[1])}")
                else:  # NEGATE, CATEGORY (\\w, \\d, \\s)
                    raise ValueError(f"class member {member_op}")
            out.append("[" + "".join(members) + "]")
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, repeated = arg
            operator = {(0, _sre_parse.MAXREPEAT): "*", (1, _sre_parse.MAXREPEAT): "+", (0, 1): "?"}.get((low, high))
            if operator is None:  # a count
                widened.append(f"{{{low},{high}}}")
                operator = "*" if low == 0 else "+"
            out.append(f"(?:{_relax(repeated, widened)}){operator}")
        elif name == "SUBPATTERN":
            if arg[1] or arg[2]:
                raise ValueError("inline flags")
            out.append(f"(?:{_relax(arg[3], widened)})")
        elif name == "BRANCH":
            out.append("(?:" + "|".join(_relax(branch, widened) for branch in arg[1]) + ")")
        elif name in ("ASSERT", "ASSERT_NOT"):
            widened.append(name)
        else:  # ANY, AT (anchors), GROUPREF, ...
            raise ValueError(name)
    return "".join(out)


class _TriggerSet:
    """Which trigger regexes can match a text, found in one pass by RE2's set matcher instead of one `re` pass per
    trigger (24 of them): most texts hold two or three triggers at most, so the scan then runs only those regexes.
    Built on first use, in each process that scans (importing RE2 takes a few milliseconds)."""

    def __init__(self) -> None:
        import re2

        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1  # one byte a character: surrogates and bad UTF-8 included
        self._set = re2.Set.SearchSet(options)
        self._index: list[int] = []  # the trigger regex of each pattern in the set
        self.unfiltered: list[int] = []  # the triggers no relaxed pattern stands for: always run
        self.exact: set[int] = set()  # the triggers the set tells exactly (literals)
        for index, regex in enumerate(_TRIGGER_RES):
            relaxed = _relaxed(regex)
            if relaxed is None:
                self.unfiltered.append(index)
                continue
            self._index.append(index)
            self._set.Add(relaxed[0])
            if relaxed[1]:
                self.exact.add(index)
        self._set.Compile()

    def present(self, data: bytes) -> list[int]:
        """The triggers, in `_TRIGGER_RES`' order, that may match `data` (UTF-8, ASCII-lowercased)."""
        found = [self._index[i] for i in self._set.Match(data) or ()]
        return sorted(found + self.unfiltered)


@functools.lru_cache(maxsize=None)
def _trigger_set() -> _TriggerSet:
    return _TriggerSet()


def _utf8(lowered: str) -> bytes:
    return lowered.encode("utf-8", "surrogatepass")


#: Characters: searching this much text with every trigger regex costs about what loading RE2 and building the
#: trigger set does (8 ms). A process that scans less (the flake8 plugin masking its messages, the hook on one
#: small file) never loads it.
_SET_PAYS_OFF = 1 << 19
_scanned_without_set = 0


def _present(lowered: str) -> Iterable[int]:
    """The triggers that may match a lowercased text: all of them until the process has scanned enough text for the
    trigger set to pay off, then those the set names."""
    global _scanned_without_set
    if _scanned_without_set < _SET_PAYS_OFF:
        _scanned_without_set += len(lowered)
        if _scanned_without_set < _SET_PAYS_OFF:
            return range(len(_TRIGGER_RES))
    return _trigger_set().present(_utf8(lowered))


def _trigger_matches(lowered: str) -> Iterator[tuple[int, re.Match[str]]]:
    """(trigger index in `_TRIGGER_RES`, match) of every trigger in a lowercased text, trigger by trigger."""
    for index in _present(lowered):
        for match in _TRIGGER_RES[index].finditer(lowered):
            yield index, match


def literal_triggers(lowered: str) -> list[tuple[int, str]]:
    """(position, trigger string) of every trigger string in a lowercased text."""
    return [(match.start(), match.group()) for index, match in _trigger_matches(lowered) if index < len(LITERAL_RES)]


@functools.lru_cache(maxsize=None)
def _byte_triggers() -> tuple[re.Pattern[bytes], ...]:
    """Every trigger as bytes, for `may_hold_secret`. Compiled on first use, since only the history scan uses them,
    and compiling them is a tenth of what importing this module costs."""
    return tuple(re.compile(regex.pattern.encode("ascii")) for regex in _TRIGGER_RES)


def may_hold_secret(lowered: bytes) -> bool:
    """False when no detector can fire on this text: none of their triggers is in it (`lowered`: the UTF-8 text
    through `bytes.lower`, which lowers ASCII only, as the scan does). One pass of the trigger set, and a search
    for each trigger it cannot tell exactly, no decoding: the cheap test that lets a scan of a whole git history
    skip most of what it reads. Exact, since a UTF-8 byte of a non-ASCII character is never an ASCII one."""
    triggers = _trigger_set()
    present = triggers.present(lowered)
    if any(index in triggers.exact for index in present):
        return True
    return any(_byte_triggers()[index].search(lowered) for index in present)


def with_triggers(texts: list[str]) -> list[bool]:
    """For each text, whether a detector's trigger occurs in it (only then can `find_secrets` find anything there):
    one set of passes over the texts joined by newlines instead of one set per text, the cost of a notebook's
    hundreds of small cells and outputs. Exact: no trigger matches a newline, so none spans two texts, and the
    passes find in each text's part of the whole what they find in the text alone."""
    starts = [match.start() for _, match in _trigger_matches(_lowered("\n".join(texts)))]
    ends: list[int] = []  # the offset of each text's end in the joined text
    offset = 0
    for text in texts:
        offset += len(text)
        ends.append(offset)
        offset += 1
    flags = [False] * len(texts)
    for start in starts:
        flags[bisect_left(ends, start)] = True  # a trigger starts inside a text, never on a separator
    return flags


def _candidates(lowered: str) -> list[tuple[int, int, Detector]]:
    """(trigger position, detector order, detector) for every trigger, in text order."""
    found = []
    for index, match in _trigger_matches(lowered):
        if index < len(LITERAL_RES):
            found.extend((match.start(), _ORDER[detector.key], detector) for detector in _BY_LITERAL[match.group()])
        else:
            detector = _PATTERN_TRIGGERS[index - len(LITERAL_RES)][1]
            found.append((match.start(), _ORDER[detector.key], detector))
    found.sort(key=lambda item: item[:2])
    return found


def _start(text: str, position: int, back: frozenset[str]) -> int:
    """Walk back from `position` over the characters in `back` (a scheme, a variable name), at most 200."""
    start = position
    while start > 0 and position - start < 200 and text[start - 1] in back:
        start -= 1
    return start


def _url_around(text: str, position: int) -> tuple[int, int]:
    """The span of the URL-like word holding `position` (up to whitespace, quotes or brackets)."""
    start = position
    while start > 0 and text[start - 1] not in _URL_STOP:
        start -= 1
    end = position
    while end < len(text) and text[end] not in _URL_STOP:
        end += 1
    return start, end


def presigned_spans(text: str, lowered: str) -> list[tuple[int, int]]:
    """The spans of presigned S3 and GCS URLs (`X-Amz-Signature=`, `X-Goog-Signature=`, or the V2 forms)."""
    spans = []
    for mark in PRESIGNED_MARKS:
        at = lowered.find(mark)
        while at >= 0:
            spans.append(_url_around(text, at))
            at = lowered.find(mark, at + 1)
    for key_mark, signature in PRESIGNED_V2:
        at = lowered.find(key_mark)
        while at >= 0:
            span = _url_around(text, at)
            if signature in lowered[span[0]: span[1]].replace(key_mark, ""):
                spans.append(span)
            at = lowered.find(key_mark, at + 1)
    return spans


def find_secrets(text: str, kind: str) -> list[Secret]:
    """Every secret in `text` (its description and the span of its value), presigned URLs left out; one per value
    on a line."""
    lowered = _lowered(text)
    scan = Scan(text, kind)
    found: list[Secret] = []
    covered = 0  # the end of the last secret's match: what it spans is not reported twice
    for position, _, detector in _candidates(lowered):
        start = _start(text, position, detector.back)
        if start < covered:
            continue
        match = detector.compiled.match(text, start)
        secret = detector.find(match, scan) if match else None
        if secret is None:
            continue
        covered = match.end()  # type: ignore[union-attr]
        found.append(secret)
    if found and "signature=" in lowered:
        presigned = presigned_spans(text, lowered)
        found = [s for s in found if not any(a <= s.start and s.end <= b for a, b in presigned)]
    return found


def secret_spans(text: str, kind: str = "text") -> list[tuple[int, int]]:
    """The (start, end) offsets of every secret value the detectors find in any text, for masking."""
    return [(secret.start, secret.end) for secret in find_secrets(text, kind)]


def scan_text(text: str, kind: str) -> list[Hit]:
    """Every secret in `text` as a finding: skipping lines that carry the allow-secret pragma, and the same value
    found twice on one line."""
    hits: list[Hit] = []
    seen: set[tuple[int, str]] = set()
    for secret in find_secrets(text, kind):
        line_start = text.rfind("\n", 0, secret.start) + 1
        line_end = text.find("\n", secret.start)
        if PRAGMA in text[line_start: line_end if line_end >= 0 else len(text)]:
            continue
        line = text.count("\n", 0, secret.start) + 1
        if (line, text[secret.start: secret.end]) in seen:
            continue
        seen.add((line, text[secret.start: secret.end]))
        hits.append(Hit(secret.start, line, secret.start - line_start + 1, secret.description, secret.end))
    return hits
