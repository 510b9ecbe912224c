"""One detector per secret type, in the spirit of detect-secrets: a trigger, a pattern, and a check that turns a
match into a masked description (or rejects it: a placeholder, a template, a value too regular to be a secret).

Patterns are provider-specific; raw entropy alone is used only for a literal assigned to a secret-looking name
(`api_key`, `secret`, `token`, `password`...).

Speed: Python's `re` is slow on a big alternation of patterns, but fast on an alternation of plain strings. So
detection is in two stages. Each detector names lowercase literal `triggers` (or one `trigger_pattern`); all the
literals are searched in one pass over an ASCII-lowercased copy of the text. Only where a trigger fires is the
detector's full `pattern` matched, anchored, on the original text.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

#: `python` sources only take quoted literals; the other kinds (`config`, `env`, `docker`, `text`) also take bare
#: values such as `API_KEY=abc123` or `password: abc123`.
PYTHON = "python"


@dataclass(frozen=True)
class Scan:
    """What a check may look at: the whole text being scanned and what kind of file it came from."""

    text: str
    kind: str


Check = Callable[["re.Match[str]", Scan], Optional[str]]


@dataclass(frozen=True)
class Detector:
    """One secret type.

    `triggers` (lowercase strings) or `trigger_pattern` (a lowercase regex) find candidates in the lowercased
    text; `back` holds the characters to walk back over from the trigger to where `pattern` starts (a URL
    scheme, a variable name); `pattern` is then matched there on the original text, and `check` returns a masked
    description, or None to reject.
    """

    key: str
    kind: str
    triggers: tuple[str, ...]
    pattern: str
    check: Check | None = None
    back: frozenset[str] = frozenset()
    trigger_pattern: str = ""

    @property
    def compiled(self) -> re.Pattern[str]:
        """The full pattern, compiled once."""
        return _compiled(self.pattern)

    def describe(self, match: re.Match[str], scan: Scan) -> str | None:
        """The masked description of a match, or None when it is not a secret."""
        if self.check is not None:
            return self.check(match, scan)
        return f"{self.kind} `{mask(match.group(0))}`"


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def mask(secret: str) -> str:
    """`AKIA************MPLE`: the first and last four characters of a long secret, nothing of a short one."""
    if len(secret) >= 16:
        return secret[:4] + "*" * (len(secret) - 8) + secret[-4:]
    return "*" * 8


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


PLACEHOLDER_MARKS = (
    "<", ">", "${", "$(", "{{", "{", "%(", "xxx", "***", "...", "changeme", "change_me", "change-me", "your",
    "placeholder", "redacted", "replace", "insert", "todo", "fixme",
)


def is_placeholder(value: str) -> bool:
    """Empty, a template variable (`${VAR}`, `$VAR`, `{{ x }}`, `<your-key>`), or filler (`xxx`, `changeme`)."""
    lowered = value.strip().lower()
    return not lowered or lowered.startswith("$") or any(mark in lowered for mark in PLACEHOLDER_MARKS)


def looks_random(value: str) -> bool:
    """Long enough, no spaces, two kinds of characters or more, and high entropy: not a word or a name."""
    if len(value) < 8 or any(c.isspace() for c in value) or is_placeholder(value):
        return False
    classes = sum(1 for test in (str.islower, str.isupper, str.isdigit) if any(test(c) for c in value))
    return classes >= 2 and entropy(value) >= 3.0


def _openai(match: re.Match[str], scan: Scan) -> str | None:
    token = match.group(0)
    body = token[3:]
    if token.startswith("sk-ant-") or not (any(c.isdigit() for c in body) and any(c.isalpha() for c in body)):
        return None
    return f"OpenAI-style API key `{mask(token)}`"


_BASE64_BODY = re.compile(r"(?:\\n|\\r|[\s\"'+,(])*[A-Za-z0-9+/]{40}")


def _private_key(match: re.Match[str], scan: Scan) -> str | None:
    """A header followed by a key body; a bare header (a parser, a docstring) is not a key."""
    if not _BASE64_BODY.match(scan.text, match.end(), match.end() + 200):
        return None
    label = (match.group("pk_type") or "").strip()
    return f"private key block ({label})" if label else "private key block"


def _service_account(match: re.Match[str], scan: Scan) -> str | None:
    if '"service_account"' not in scan.text:
        return None
    return f"Google service-account key (private_key_id `{mask(match.group('gsa_id'))}`)"


def _url_password(match: re.Match[str], scan: Scan) -> str | None:
    password = match.group("url_pass")
    if is_placeholder(password) or password.lower() in ("password", "pass", "pwd", "secret"):
        return None
    return (
        f"password in URL `{match.group('url_scheme')}://{match.group('url_user')}:{mask(password)}@"
        f"{match.group('url_host')}`"
    )


def _assignment(match: re.Match[str], scan: Scan) -> str | None:
    quoted = match.group("assign_dq")
    if quoted is None:
        quoted = match.group("assign_sq")
    value = quoted if quoted is not None else match.group("assign_bare")
    if quoted is None and scan.kind == PYTHON:  # `token = get_token()` is code, not a literal
        return None
    if len(value) < 8 or is_placeholder(value):  # cheap rejections first: this runs on every `token: ...`
        return None
    name = match.group("assign_name")
    if not SECRET_NAME.search(name.lower()):
        return None
    for detector in PROVIDERS:  # a known token kind says more than "high entropy"
        provider = detector.compiled.search(value)
        found = detector.describe(provider, Scan(value, scan.kind)) if provider else None
        if found is not None:
            return found
    if not looks_random(value):
        return None
    return f"high-entropy literal assigned to `{name}` (`{mask(value)}`)"


#: Tokens recognisable on their own, wherever they appear.
PROVIDERS = (
    Detector(
        "aws_key_id", "AWS access key id", ("akia", "asia", "abia", "acca"),
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])",
    ),
    Detector(
        "github", "GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9])",
    ),
    Detector("gitlab", "GitLab token", ("glpat-",), r"(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}"),
    Detector(
        "slack", "Slack token", ("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "xoxe-"),
        r"(?<![A-Za-z0-9])xox[abprse]-[A-Za-z0-9-]{10,}",
    ),
    Detector(
        "slack_webhook", "Slack webhook URL", ("hooks.slack.com/services/",),
        r"hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]{8,}",
    ),
    Detector("huggingface", "Hugging Face token", ("hf_",), r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{34,}(?![A-Za-z0-9])"),
    Detector("anthropic", "Anthropic API key", ("sk-",), r"(?<![A-Za-z0-9])sk-ant-[a-z0-9]+-[A-Za-z0-9_-]{20,}"),
    Detector(
        "openai", "OpenAI-style API key", ("sk-",),
        r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", _openai,
    ),
)

#: A variable or key name that holds a secret: `api_key`, `OPENAI_API_KEY`, `client_secret`, `hf_token`...
SECRET_NAME = re.compile(
    r"(?:api[_-]?key|apikey|secret(?:[_-]?(?:access[_-]?)?key)?|token|passw(?:or)?d|pwd|private[_-]?key)$"
)

#: Secrets recognised by their surroundings.
CONTEXTUAL = (
    Detector(
        "aws_secret", "AWS secret access key", ("aws_secret", "awssecret"),
        r"(?i:aws_?secret_?(?:access_?)?key)[\"']?\s*[:=]\s*[\"']?(?P<aws_secret_value>[A-Za-z0-9/+]{40})"
        r"(?![A-Za-z0-9/+])",
        lambda m, s: f"AWS secret access key `{mask(m.group('aws_secret_value'))}`",
    ),
    Detector(
        "private_key", "private key block", ("-----begin ",),
        r"-----BEGIN (?P<pk_type>[A-Z0-9 ]{0,20}?)PRIVATE KEY(?: BLOCK)?-----", _private_key,
    ),
    Detector(
        "service_account", "Google service-account key", ('"private_key_id"',),
        r"\"private_key_id\"\s*:\s*\"(?P<gsa_id>[0-9a-f]{40})\"", _service_account,
    ),
    Detector(
        "url_password", "password in URL", ("://",),
        r"(?P<url_scheme>[A-Za-z][A-Za-z0-9+.-]{1,20})://(?P<url_user>[^\s:/@'\"`<>]{1,100}):"
        r"(?P<url_pass>[^\s:/@'\"`<>]{1,200})@(?P<url_host>[A-Za-z0-9.-]+)",
        _url_password, back=frozenset(string.ascii_letters + string.digits + "+.-"),
    ),
    Detector(
        "assign", "secret assignment", (),
        r"(?P<assign_name>[A-Za-z0-9_-]+)[\"']?\]?[ \t]*"
        r"(?:=|:=|:(?:[ \t]*[A-Za-z_][\w\[\]., |]{0,40}?[ \t]*=)?)(?!=)[ \t]*"
        r"(?:\"(?P<assign_dq>[^\"\n]{0,500})\"|'(?P<assign_sq>[^'\n]{0,500})'"
        r"|(?P<assign_bare>[^\s\"'`,;#)\]}]{1,500}))",
        _assignment, back=frozenset(string.ascii_letters + string.digits + "_-"),
        # The end of a secret-looking name, then an assignment or a key separator.
        trigger_pattern=r"(?:key|secret|token|passw(?:or)?d|pwd)(?![a-z0-9_])[\"']?\]?[ \t]*[:=]",
    ),
)

DETECTORS = PROVIDERS + CONTEXTUAL
