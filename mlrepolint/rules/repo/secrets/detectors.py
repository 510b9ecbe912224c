"""One detector per secret type, in the spirit of detect-secrets: a pattern, and a check that turns a match into
a masked description (or rejects it: a placeholder, a template, a value too regular to be a secret).

Patterns are provider-specific; raw entropy alone is used only for a literal assigned to a secret-looking name
(`api_key`, `secret`, `token`, `password`...). Each pattern names its groups with its own prefix, because the
scanner joins them all into one regular expression and runs it once per file.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
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
    """One secret type: `pattern` finds candidates, `check` returns a masked description or None to reject."""

    key: str
    kind: str
    pattern: str
    check: Check | None = None

    def describe(self, match: re.Match[str], scan: Scan) -> str | None:
        """The masked description of a match, or None when it is not a secret."""
        if self.check is not None:
            return self.check(match, scan)
        return f"{self.kind} `{mask(match.group(self.key))}`"


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
    token = match.group("openai")
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
    provider = PROVIDERS_RE.search(value)
    if provider is not None:
        detector = next(d for d in PROVIDERS if provider.group(d.key) is not None)
        found = detector.describe(provider, Scan(value, scan.kind))
        if found is not None:
            return found
    if not looks_random(value):
        return None
    name = match.group("assign_name")
    start = match.start("assign_name")
    while start > 0 and (scan.text[start - 1].isalnum() or scan.text[start - 1] in "_-"):
        start -= 1  # widen `key` to the full name, `openai_api_key`, for the message
    full = scan.text[start:match.start("assign_name")] + name
    return f"high-entropy literal assigned to `{full}` (`{mask(value)}`)"


#: Tokens recognisable on their own, wherever they appear.
PROVIDERS = (
    Detector("aws_key_id", "AWS access key id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    Detector("github", "GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})\b"),
    Detector("gitlab", "GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    Detector("slack", "Slack token", r"\bxox[abprse]-[A-Za-z0-9-]{10,}"),
    Detector(
        "slack_webhook", "Slack webhook URL",
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]{8,}",
    ),
    Detector("huggingface", "Hugging Face token", r"\bhf_[A-Za-z0-9]{34,}\b"),
    Detector("anthropic", "Anthropic API key", r"\bsk-ant-[a-z0-9]+-[A-Za-z0-9_-]{20,}"),
    Detector("openai", "OpenAI-style API key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", _openai),
)
PROVIDERS_RE = re.compile("|".join(f"(?P<{d.key}>{d.pattern})" for d in PROVIDERS))

#: Secrets recognised by their surroundings. Order matters where two can start at the same place: the AWS secret
#: key before the generic assignment.
CONTEXTUAL = (
    Detector(
        "aws_secret", "AWS secret access key",
        r"(?i:aws_?secret_?(?:access_?)?key)[\"']?\s*[:=]\s*[\"']?(?P<aws_secret_value>[A-Za-z0-9/+]{40})"
        r"(?![A-Za-z0-9/+])",
        lambda m, s: f"AWS secret access key `{mask(m.group('aws_secret_value'))}`",
    ),
    Detector(
        "private_key", "private key block",
        r"-----BEGIN (?P<pk_type>[A-Z0-9 ]{0,20}?)PRIVATE KEY(?: BLOCK)?-----", _private_key,
    ),
    Detector(
        "service_account", "Google service-account key",
        r"\"private_key_id\"\s*:\s*\"(?P<gsa_id>[0-9a-f]{40})\"", _service_account,
    ),
    Detector(
        "url_password", "password in URL",
        r"\b(?P<url_scheme>[A-Za-z][A-Za-z0-9+.-]{1,20})://(?P<url_user>[^\s:/@'\"`<>]{1,100}):"
        r"(?P<url_pass>[^\s:/@'\"`<>]{1,200})@(?P<url_host>[A-Za-z0-9.-]+)",
        _url_password,
    ),
    Detector(
        "assign", "secret assignment",
        r"(?P<assign_name>(?i:api[_-]?key|apikey|secret[_-]?(?:access[_-]?)?key|secret|token|passw(?:or)?d|pwd|"
        r"private[_-]?key))(?![A-Za-z0-9_])[\"']?\]?[ \t]*"
        r"(?:=|:=|:(?:[ \t]*[A-Za-z_][\w\[\]., |]{0,40}?[ \t]*=)?)(?!=)[ \t]*"
        r"(?:\"(?P<assign_dq>[^\"\n]{0,500})\"|'(?P<assign_sq>[^'\n]{0,500})'|(?P<assign_bare>[^\s\"'`,;#)\]}]{1,500}))",
        _assignment,
    ),
)

DETECTORS = PROVIDERS + CONTEXTUAL
