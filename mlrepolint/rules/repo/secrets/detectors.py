"""One detector per secret type, in the spirit of detect-secrets: a trigger, a pattern, and a check that turns a
match into a masked description and the span of the secret (or rejects it: a placeholder, a template, a value
too regular to be a secret, a presigned URL's public half).

Token shapes follow the public pattern lists of gitleaks (`cmd/generate/config/rules/*.go`) and detect-secrets
(`detect_secrets/plugins/*.py`), and the providers' own documentation; `benchmarks/secrets_agreement.py` measures
the agreement with both projects' published true- and false-positive samples. Raw entropy alone is used only for
a literal assigned to a secret-looking name (`names.py`).

Speed: Python's `re` is slow on a big alternation of patterns, but fast on an alternation of plain strings. So
detection is in two stages. Each detector names lowercase literal `triggers` (or `trigger_patterns`); the
literals are searched in a few fast passes over an ASCII-lowercased copy of the text (see scan.py). Only where a
trigger fires is the detector's full `pattern` matched, anchored, on the original text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple, Optional, Union

from mlrepolint.api import lazy
from mlrepolint.rules.repo.secrets import names
from mlrepolint.rules.repo.secrets.values import (
    char_classes, entropy, is_placeholder, is_published, looks_like_token, looks_random, plausible_token,
)

#: `python` sources only take quoted literals; the other kinds (`config`, `env`, `docker`, `text`) also take bare
#: values such as `API_KEY=abc123` or `password: abc123`.
PYTHON = "python"
#: HTML and XML pages: scanned for provider-shaped keys only.
MARKUP = "markup"


@dataclass(frozen=True)
class Scan:
    """What a check may look at: the whole text being scanned and what kind of file it came from."""

    text: str
    kind: str


class Secret(NamedTuple):
    """A secret a check accepted: its masked description, where the value itself is in the text, and the key
    of the detector that found it."""

    description: str
    start: int
    end: int
    detector: str = ""


Check = Callable[["re.Match[str]", Scan], Optional[Union[str, Secret]]]


@dataclass(frozen=True)
class Detector:
    """One secret type.

    `triggers` (lowercase strings) or `trigger_patterns` (lowercase regexes, each starting with a literal, which
    `re` scans for fast) find candidates in the lowercased text; `back` holds the characters to walk back over
    from the trigger to where `pattern` starts (a URL scheme, a variable name); `pattern` is then matched there on
    the original text, and `check` returns a masked
    description (the secret being the pattern's `secret` group, else the whole match) or a `Secret`, or None to
    reject.
    """

    key: str
    kind: str
    triggers: tuple[str, ...]
    pattern: str
    check: Check | None = None
    back: frozenset[str] = frozenset()
    trigger_patterns: tuple[str, ...] = ()

    @property
    def compiled(self) -> re.Pattern[str]:
        """The full pattern, compiled once."""
        return _compiled(self.pattern)

    def find(self, match: re.Match[str], scan: Scan) -> Secret | None:
        """The secret a match holds, or None when it is not one."""
        result = self.check(match, scan) if self.check is not None else f"{self.kind} `{mask(_secret(match))}`"
        if result is None:
            return None
        if isinstance(result, Secret):
            return result if result.detector else result._replace(detector=self.key)
        start, end = match.span("secret") if "secret" in match.re.groupindex else match.span()
        return Secret(result, start, end, self.key)

    def describe(self, match: re.Match[str], scan: Scan) -> str | None:
        """The masked description of a match, or None when it is not a secret."""
        found = self.find(match, scan)
        return found.description if found is not None else None


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _secret(match: re.Match[str]) -> str:
    return match.group("secret") if "secret" in match.re.groupindex else match.group(0)


def mask(secret: str) -> str:
    """`AKIA************2345`: the first and last four characters of a long secret, nothing of a short one."""
    if len(secret) >= 16:
        return secret[:4] + "*" * (len(secret) - 8) + secret[-4:]
    return "*" * 8


# --- Provider tokens: a fixed prefix and a random body ------------------------------------------------------------


def _token_check(match: re.Match[str], scan: Scan) -> str | None:
    """The shared check of prefixed tokens: the body must look drawn at random, not typed."""
    secret = _secret(match)
    body = match.group("body") if "body" in match.re.groupindex and match.group("body") else secret
    if not plausible_token(body, secret):
        return None
    return f"{KINDS[match.re.pattern]} `{mask(secret)}`"


#: The kind of token each pattern finds, for `_token_check`'s messages.
KINDS: dict[str, str] = {}

WORD = "A-Za-z0-9_"


def token(
    key: str,
    kind: str,
    prefixes: tuple[str, ...],
    body: str,
    *,
    before: str = f"(?<![{WORD}])",
    after: str = f"(?![{WORD}])",
    check: Check = _token_check,
    triggers: tuple[str, ...] = (),
    trigger_patterns: tuple[str, ...] = (),
    prefix_is_secret: bool = True,
) -> Detector:
    """A detector for `<prefix><body>` tokens, bounded on both sides so a longer word is never read as one."""
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    if prefix_is_secret:
        pattern = f"{before}(?P<secret>(?:{alternatives})(?P<body>{body})){after}"
    else:  # `AccountKey=<key>`: the prefix is the name of the field, the secret is what follows
        pattern = f"{before}(?:{alternatives})(?P<secret>(?P<body>{body})){after}"
    KINDS[pattern] = kind
    return Detector(
        key, kind, () if trigger_patterns else (triggers or tuple(p.lower() for p in prefixes)), pattern, check,
        trigger_patterns=trigger_patterns,
    )


def _openai(match: re.Match[str], scan: Scan) -> str | None:
    secret = match.group("secret")
    body = match.group("body")
    if secret.startswith("sk-ant-") or not (any(c.isdigit() for c in body) and any(c.isalpha() for c in body)):
        return None
    if not plausible_token(body, secret):
        return None
    # `T3BlbkFJ` is "OpenAI" in base64, in every key OpenAI issues; other `sk-` keys are OpenAI-compatible APIs.
    kind = "OpenAI API key" if "T3BlbkFJ" in body else "OpenAI-compatible API key"
    return f"{kind} `{mask(secret)}`"


def _huggingface(match: re.Match[str], scan: Scan) -> str | None:
    body = match.group("body")
    # Tokens are 34 random letters of both cases; an identifier (`hf_requiredCharacteristics...`) is words.
    flips = sum(1 for a, b in zip(body, body[1:]) if a.isupper() != b.isupper())
    if not (any(c.isupper() for c in body) and any(c.islower() for c in body)) or flips < len(body) // 5:
        return None
    return _token_check(match, scan)


def _gcp_key(match: re.Match[str], scan: Scan) -> str | None:
    if entropy(match.group("body")) < 3.5:
        return None
    return _token_check(match, scan)


def _b64json(part: str) -> object:
    """The JSON value of one base64url part of a JWT, or None."""
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None


def _jwt(match: re.Match[str], scan: Scan) -> str | None:
    """A JSON Web Token: a JSON header and a JSON payload; a public `anon` key (Supabase) is not a secret."""
    secret = match.group("secret")
    header, payload = secret.split(".")[:2]
    header_json, payload_json = _b64json(header.rstrip("=")), _b64json(payload.rstrip("="))
    if not isinstance(header_json, dict) or not isinstance(payload_json, dict):
        return None
    if payload_json.get("role") == "anon":
        return None
    return f"JSON Web Token `{mask(secret)}`"


def _slack(match: re.Match[str], scan: Scan) -> str | None:
    """Slack tokens carry numeric team and user ids; only the last part is random."""
    secret = match.group("secret")
    if not plausible_token(secret.rsplit("-", 1)[-1], secret):
        return None
    return f"{KINDS[match.re.pattern]} `{mask(secret)}`"


PROVIDERS = (
    token(
        "aws_key_id", "AWS access key id", ("AKIA", "ASIA", "ABIA", "ACCA"), "[0-9A-Z]{16}",
        before="(?<![A-Za-z0-9])", after="(?![A-Za-z0-9])",
    ),
    token(
        "aws_key_id_a3t", "AWS access key id", ("A3T",), "[A-Z0-9][0-9A-Z]{16}",
        before="(?<![A-Za-z0-9])", after="(?![A-Za-z0-9])",
    ),
    token("github", "GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), "[A-Za-z0-9]{36,255}"),
    token("github_pat", "GitHub token", ("github_pat_",), "[A-Za-z0-9_]{82}"),
    token(
        "gitlab", "GitLab token", ("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "glffct-", "glcbt-"),
        r"[\w-]{27,300}\.[0-9a-z]{9}|[\w-]{20,50}", after=r"(?![\w-])",
    ),
    token("gitlab_mail", "GitLab token", ("glimt-",), r"[\w-]{25}", after=r"(?![\w-])"),
    token("gitlab_trigger", "GitLab token", ("glptt-",), r"[\w-]{40}", after=r"(?![\w-])"),
    token("gitlab_agent", "GitLab token", ("glagent-",), r"[\w-]{50,1024}", after=r"(?![\w-])"),
    token("gitlab_oauth", "GitLab token", ("gloas-",), r"[\w-]{64}", after=r"(?![\w-])"),
    token(
        "gitlab_runner", "GitLab runner registration token", ("GR1348941",), r"[\w-]{20,50}", after=r"(?![\w-])",
        before="(?<![A-Za-z0-9])",
    ),
    token("gitlab_session", "GitLab session cookie", ("_gitlab_session=",), "[0-9a-z]{32}", before=""),
    # Slack: `xox?-` tokens carry numeric team/user ids, then the random part (the body).
    token(
        "slack", "Slack token", ("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe-"),
        r"(?:\d-)?(?:\d{6,14}-){1,4}[A-Za-z0-9][A-Za-z0-9-]{7,}",
        after="(?![A-Za-z0-9-])", check=_slack,
    ),
    token("slack_workspace", "Slack token", ("xoxa-", "xoxr-"), r"(?:\d-)?[0-9a-zA-Z]{8,48}", check=_slack),
    token("slack_app", "Slack app token", ("xapp-",), r"\d-[A-Za-z0-9]+-\d+-[a-z0-9]+", check=_slack),
    token("slack_config", "Slack configuration token", ("xoxe.xoxb-", "xoxe.xoxp-"), r"\d-[A-Za-z0-9]{163,166}",
          check=_slack),
    token("slack_refresh", "Slack configuration refresh token", ("xoxe-",), r"\d-[A-Za-z0-9]{146}", check=_slack),
    token(
        "slack_webhook", "Slack webhook URL",
        ("hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/"),
        r"[A-Za-z0-9_/+]{40,120}", before="(?<![A-Za-z0-9-])",
    ),
    token("huggingface", "Hugging Face token", ("hf_",), "[A-Za-z]{34}", check=_huggingface),
    token("huggingface_org", "Hugging Face organization token", ("api_org_",), "[A-Za-z]{34}", check=_huggingface),
    token(
        "anthropic", "Anthropic API key", ("sk-ant-api", "sk-ant-admin"), r"\d\d-[\w-]{93}AA",
        before="(?<![A-Za-z0-9_-])", triggers=("sk-",),  # one literal for both `sk-` kinds: see scan.py
    ),
    token(
        "openai", "OpenAI API key", ("sk-",), r"(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
        before="(?<![A-Za-z0-9_-])", after="(?![A-Za-z0-9_-])", check=_openai,
    ),
    token("groq", "Groq API key", ("gsk_",), "[A-Za-z0-9]{52}"),
    token("perplexity", "Perplexity API key", ("pplx-",), "[A-Za-z0-9]{48}"),
    token("databricks", "Databricks token", ("dapi",), r"[a-f0-9]{32}(?:-\d)?", before="(?<![A-Za-z0-9])"),
    token("gcp_api_key", "Google API key", ("AIza",), r"[\w-]{35}", after=r"(?![\w-])", check=_gcp_key,
          before=r"(?<![\w-])"),
    token("stripe", "Stripe secret key", ("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
          "[A-Za-z0-9]{10,99}"),
    token("pypi", "PyPI upload token", ("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"), r"[\w-]{50,1000}",
          after=r"(?![\w-])"),
    token("npm", "npm access token", ("npm_",), "[A-Za-z0-9]{36}"),
    token("sendgrid", "SendGrid API key", ("SG.",), r"[\w-]{22}\.[\w-]{43}|[\w=-]{66}", after=r"(?![\w.=-])",
          before="(?<![A-Za-z0-9])"),
    # `sk` is in too many words for a literal trigger: a pattern finds the 32 hex digits first (no lookbehind
    # before `sk`, which would keep `re` from scanning for the literal).
    token("twilio", "Twilio API key", ("SK",), "[0-9a-fA-F]{32}", before="(?<![A-Za-z0-9])",
          trigger_patterns=(r"sk[0-9a-f]{32}(?![a-z0-9])",)),
    token("azure_storage", "Azure storage account key", ("AccountKey=",), r"[A-Za-z0-9+/]{86}==",
          triggers=("accountkey=",), before="", after="(?![A-Za-z0-9+/=])", prefix_is_secret=False),
    Detector(
        "jwt", "JSON Web Token", ("eyj",),
        r"(?<![A-Za-z0-9_-])(?P<secret>eyJ[A-Za-z0-9_-]{10,}={0,2}\.eyJ[A-Za-z0-9_-]{10,}={0,2}"
        r"(?:\.[A-Za-z0-9_-]+={0,2}|\.(?![A-Za-z0-9_-]))?)",
        _jwt,
    ),
)


# --- Secrets recognised by their surroundings --------------------------------------------------------------------


_BASE64_BODY = lazy(r"(?:\\n|\\r|[\s\"'+,(]|[A-Za-z-]+: [^\n]*\n)*[A-Za-z0-9+/]{40}")
_KEY_END = lazy(r"-{4,5} ?END [A-Z0-9 ]{0,30}?PRIVATE KEY(?: BLOCK)? ?-{4,5}")


def _private_key(match: re.Match[str], scan: Scan) -> Secret | None:
    """A header followed by a key body; a bare header (a parser, a docstring) is not a key."""
    if not _BASE64_BODY.match(scan.text, match.end(), match.end() + 400):
        return None
    end = _KEY_END.search(scan.text, match.end(), match.end() + 100_000)
    label = (match.group("pk_type") or "").strip()
    described = f"private key block ({label})" if label else "private key block"
    return Secret(described, match.start(), end.end() if end else match.end())


def _putty(match: re.Match[str], scan: Scan) -> Secret | None:
    lines = re.compile(r"Private-Lines: *\d+\s+[A-Za-z0-9+/]{40}").search(scan.text, match.end(), match.end() + 8000)
    return Secret("PuTTY private key", match.start(), lines.end()) if lines else None


_GSA_ID = lazy(r"\"private_key_id\"\s*:\s*\"([0-9a-f]{40})\"")


def _service_account(match: re.Match[str], scan: Scan) -> Secret | None:
    """A Google service-account JSON key: one finding, on its private key, naming the key id."""
    if '"service_account"' not in scan.text:
        return None
    key_id = _GSA_ID.search(scan.text)
    named = f" (private_key_id `{mask(key_id.group(1))}`)" if key_id else ""
    return Secret(f"Google service-account key{named}", match.start("secret"), match.end("secret"))


#: Passwords that only ever mean "no password set yet": the defaults of database images and tutorials.
DEFAULT_PASSWORDS = frozenset(
    "password pass pwd secret postgres root admin test guest user changeme example 123456 mlflow airflow minio "
    "minioadmin mysql redis mongo rabbitmq default passw0rd".split()
)


#: An upper-case identifier (`DB_PASSWORD`, `PASSWORD`): the name of a value, written where the value goes.
_PLACEHOLDER_NAME_RE = lazy(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def _url_password(match: re.Match[str], scan: Scan) -> str | Secret | None:
    password = match.group("secret")
    user = match.group("url_user")
    if is_placeholder(password) or password.lower() in DEFAULT_PASSWORDS or password.lower() == user.lower():
        return None
    if _PLACEHOLDER_NAME_RE.match(password):  # `postgresql://DB_USER:DB_PASSWORD@DB_ENDPOINT` in docs
        return None
    provider = _provider_in(password, scan, match.start("secret"))  # `https://x:<GitLab token>@gitlab.com`
    if provider is not None:
        return provider
    return (
        f"password in URL `{match.group('url_scheme')}://{user}:{mask(password)}@{match.group('url_host')}`"
    )


def _aws_secret(match: re.Match[str], scan: Scan) -> str | None:
    value = match.group("secret")
    if scan.kind == PYTHON and scan.text[match.start("secret") - 1: match.start("secret")] not in ("'", '"'):
        return None
    if char_classes(value) < 2 or entropy(value) < 3.5 or not plausible_token(value, value):
        return None
    return f"AWS secret access key `{mask(value)}`"


def _wandb(match: re.Match[str], scan: Scan) -> str | None:
    value = match.group("secret")
    if not looks_like_token(value):
        return None
    return f"Weights & Biases API key `{mask(value)}`"


def _netrc(match: re.Match[str], scan: Scan) -> str | None:
    value = match.group("secret").strip("\"'")
    if len(value) < 6 or is_placeholder(value) or value.lower() in DEFAULT_PASSWORDS:
        return None
    return f"password in a .netrc entry for `{match.group('netrc_host')}` (`{mask(value)}`)"


_SCHEME_RE = lazy(r"^(?:Bearer|Basic|Token|token|bearer)\s+")
#: Words joined by `_`, `-` or `.` (`val_action_l2_distances`, `shouldercamera0_image`, `torch.Tensor`): a name,
#: not a secret. A word is lower case or Capitalised, with at most three digits after it, or upper case, or a number.
_WORD = r"(?:(?:[a-z]{2,}|[A-Z][a-z]+)[0-9]{0,3}|[a-z][0-9]{1,3}|[A-Z]{2,}|[0-9]+)"
_WORDY_RE = lazy(rf"^{_WORD}(?:[_\-.]{_WORD})+$")
#: The start of a call (`Token(id=13, ...` in a printed object): code, not a literal.
_CALL_RE = lazy(r"^[A-Za-z_][\w.]*\(")
_PATH_RE = re.compile(r"^(?:[./~]|[A-Za-z]:\\)|//|\.[A-Za-z]{1,5}$|://")


def _assignment(match: re.Match[str], scan: Scan) -> Secret | None:
    """A literal assigned to a secret-looking name: `api_key = "..."`, `"token": "..."`, `KEY=...`,
    `setdefault("API_KEY", "...")`, `key="..."` (a weak name, so only a machine-made token)."""
    name = match.group("assign_name")
    strength = names.secret_name(name)  # cached per name: the cheapest rejection, and the most common one
    if strength is None:
        return None
    text = scan.text
    start = match.start()
    opened = text[start - 1: start] if start else ""
    opened = opened if opened in ("'", '"', "`") else ""
    closed = match.group("assign_close")
    op = match.group("assign_op")
    for group in ("assign_dq", "assign_sq", "assign_bt", "assign_bare"):
        value = match.group(group)
        if value is not None:
            break
    bare = group == "assign_bare"
    if scan.kind == MARKUP:
        return None  # HTML: page tokens (analytics beacons, CSRF nonces) are public; keys are found by shape
    if bare and op == ":" and scan.kind == "text" and re.match(r"[ \t]+[A-Za-z]", text[match.end():]):
        return None  # `HF_TOKEN`: HuggingFace API token -- prose describing a variable, not a value
    if closed and closed != opened:
        return None  # `'name"`: quotes that do not pair
    if opened and not closed and op != "=":
        return None  # `"io.jsonwebtoken:jjwt-api"`: a name inside a string, not a key
    if op == "," and (not closed or bare or text[:start - 1].rstrip()[-1:] != "("):
        return None  # `f("API_KEY", "value")` only: a call's first argument, a quoted value (not a list)
    if bare and scan.kind == PYTHON and not (opened and not closed):
        return None  # `token = get_token()` is code, not a literal (but `"export TOKEN=abc"` is a literal)
    value_start = match.start(group)
    scheme = _SCHEME_RE.match(value)
    if scheme:
        value, value_start = value[scheme.end():], value_start + scheme.end()
    if len(value) < 8 or is_placeholder(value):  # cheap rejections first: this runs on every `token: ...`
        return None
    provider = _provider_in(value, scan, value_start)  # a known token kind says more than "high entropy"
    if provider is not None:
        return provider
    if _PATH_RE.search(value) or _WORDY_RE.match(value.strip("()[]")) or _CALL_RE.match(value) or is_published(value):
        return None
    if not (looks_random(value) if strength == names.STRONG else looks_like_token(value)):
        return None
    value_end = value_start + len(value)
    provider_name = names.provider_of(name) or _context_provider(text, start, name)
    if provider_name:
        return Secret(f"{provider_name} API key assigned to `{name}` (`{mask(value)}`)", value_start, value_end)
    return Secret(f"high-entropy literal assigned to `{name}` (`{mask(value)}`)", value_start, value_end)


def _provider_in(value: str, scan: Scan, offset: int) -> Secret | None:
    """A provider token inside a value (a URL password, an assigned literal), placed in the whole text."""
    for detector in PROVIDERS:
        provider = detector.compiled.search(value)
        found = detector.find(provider, Scan(value, scan.kind)) if provider else None
        if found is not None:
            return Secret(found.description, offset + found.start, offset + found.end, found.detector)
    return None


def _context_provider(text: str, position: int, name: str) -> str | None:
    """The provider named around a weak key: Kaggle's `{"username": ..., "key": ...}`, W&B's `wandb.login(key=`."""
    if name != "key":
        return None
    around = text[max(0, position - 200): position + 200].lower()
    if '"username"' in around:
        return "Kaggle"
    if "wandb" in around:
        return "Weights & Biases"
    return None


NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_-.")

CONTEXTUAL = (
    Detector(
        "service_account", "Google service-account key", ('"private_key"',),
        r"\"private_key\"\s*:\s*\"(?P<secret>-----BEGIN[^\"]{40,})\"", _service_account,
    ),
    Detector(
        "private_key", "private key block", ("-----begin ", "---- begin "),
        r"-{4,5} ?BEGIN (?P<pk_type>[A-Z0-9 ]{0,30}?)PRIVATE KEY(?: BLOCK)? ?-{4,5}", _private_key,
    ),
    Detector("putty_key", "PuTTY private key", ("putty-user-key-file-",), r"PuTTY-User-Key-File-\d: ", _putty),
    Detector(
        "aws_secret", "AWS secret access key", ("aws",),
        r"(?i:aws[\w.-]{0,20}?(?:secret|key|pwd|pw|password|pass|token)[\w.-]{0,20}?)[\"'`]?\]?[ \t]*"
        r"(?::=|=>|=|:|,)[ \t]*[\"'`]?(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        _aws_secret,
    ),
    Detector(
        "wandb", "Weights & Biases API key", ("wandb",),
        r"wandb(?:\.login\(\s*(?:key\s*=\s*)?|\s+login\s+(?:--?[a-z-]+\s+)*)(?P<q>[\"']?)"
        r"(?P<secret>[A-Za-z0-9_-]{40,})(?P=q)",
        _wandb,
    ),
    Detector(
        "netrc", "password in a .netrc entry", ("machine ",),
        r"machine[ \t]+(?P<netrc_host>\S+)\s+(?:login[ \t]+\S+\s+)?password[ \t]+(?P<secret>\S+)", _netrc,
    ),
    Detector(
        "url_password", "password in URL", ("://",),
        r"(?P<url_scheme>[A-Za-z][A-Za-z0-9+.-]{1,20})://(?P<url_user>[^\s:/@'\"`<>]{1,100}):"
        r"(?P<secret>[^\s:/@'\"`<>]{1,200})@(?P<url_host>[A-Za-z0-9.-]+)",
        _url_password, back=frozenset(string.ascii_letters + string.digits + "+.-"),
    ),
    Detector(
        "assign", "secret assignment", (),
        r"(?P<assign_name>[A-Za-z0-9_.-]+)(?P<assign_close>[\"'`]?)\]?"
        # A type between the name and `=` (`token: str = "..."`, Go's `var token string = "..."`), only when a
        # quoted literal follows: `key: _gitlab_session=abc` is a YAML key whose value holds `=`.
        r"(?:(?:[ \t]*:[ \t]*|[ \t]+)[A-Za-z][\w\[\]., |]{0,40}?(?=[ \t]*=[ \t]*[rRbBuU]{0,2}[\"'`]))?"
        r"[ \t]*(?P<assign_op>:::=|::=|:=|\?=|\.=|=>|=(?!=)|:(?!:)|,)[ \t]*"
        r"(?:[rRbBuU]{0,2}\"(?P<assign_dq>[^\"\n]{0,4096})\"|[rRbBuU]{0,2}'(?P<assign_sq>[^'\n]{0,4096})'"
        r"|`(?P<assign_bt>[^`\n]{0,4096})`|(?P<assign_bare>[^\s\"'`,;#)\]}\\]{1,4096}))",
        _assignment, back=NAME_CHARS,
        # A secret word somewhere in a name, then an assignment, a key separator or a call's comma; one pattern
        # per word, as an alternation of words would keep `re` from scanning for a literal.
        trigger_patterns=tuple(
            word + r"[a-z0-9_.-]{0,40}[\"'`]?\]?(?:[ \t]+[a-z_][a-z0-9_.\[\]]{0,30})?[ \t]*(?:[:=,]|[?.]=)"
            for word in ("key", "secret", "token", "pass", "pwd", "auth", "cred")
        ),
    ),
)

DETECTORS = PROVIDERS + CONTEXTUAL
