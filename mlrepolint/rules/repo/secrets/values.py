"""What a secret value looks like: random enough, not a placeholder, not a redaction, not a published example.

Both checks are used by every detector: `plausible_token` on the random part of a provider token (`ghp_<body>`),
`looks_random` on a literal assigned to a secret-looking name. Real credentials are drawn uniformly from their
alphabet, so runs, ascending sequences, a dominant character or English filler words in them are placeholders
(`ghp_xxxx...`, `AKIAXXXXXXXXXXXXXXXX`, `...-####`, `RANDOMSTRINGHERE`, `abcdef123456`).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter

from mlrepolint.api import lazy

#: Markers of a template or a placeholder anywhere in a value.
PLACEHOLDER_MARKS = (
    "<", ">", "${", "$(", "{{", "{", "}", "%(", "%s", "xxx", "***", "###", "...", "changeme", "change_me",
    "change-me", "your", "placeholder", "redacted", "replace", "insert", "todo", "fixme", "dummy", "fake",
    "example", "sample", "here", "mytoken", "mysecret", "mykey", "mypassword", "foobar", "secret_key_base",
)

#: English filler that random tokens do not contain (checked case-insensitively, 5+ letters so chance hits in a
#: random token are rare: a 40-character base62 token holds a given 5-letter word with probability ~1e-6).
FILLER_WORDS = (
    "random", "string", "secret", "apikey", "api_key", "password", "passwd", "value", "dummy", "sample",
    "example", "replace", "insert", "yourkey", "enter", "paste", "invalid", "testing",
)

#: SHA-256 of keys published on purpose in documentation and SDK test suites (hashes, so this file holds no key):
#: the Firebase Android SDK's test-project API keys (gitleaks' `gcp-api-key` allowlist), yarn's public search key
#: the Azure Storage emulator's well-known key and Neptune's anonymous-user token.
PUBLISHED_KEYS = frozenset(
    {
        # Firebase Android SDK test-project API keys (16)
        "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
        "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
        "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
        "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
        "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
        "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
        "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
        "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
        "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
        "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
        "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
        "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
        "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
        "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
        "f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c",
        "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
        # yarn's public Algolia search key (a gitleaks stop word)
        "2f21fd9c81678e396751af8b2472e2bd209ff5ce38da144052fb6c024485982f",
        # the Azure Storage emulator's (Azurite's) documented account key
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
        # neptune-client's anonymous-user API token (`neptune.ANONYMOUS_API_TOKEN`, for its public examples)
        "f0217e78af8a8ab2766056264585d5a7e11a486f7d3b3b91289a14aebe9a61c8",
    }
)

_RUN_RE = lazy(r"(.)\1{5,}")  # six times the same character
#: CamelCase words: each capital starts a run of small letters (`EncDecMaskedTokenPredModel`, `HuggingFace`).
_CAMEL_WORDS_RE = lazy(r"^[a-z]*(?:[A-Z][a-z]{2,})+$")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def digest(value: str) -> str:
    """The SHA-256 hex digest of a value (how published keys are compared without holding them)."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def is_published(value: str) -> bool:
    """True for a key published on purpose (an SDK's test key, an emulator's well-known key)."""
    return digest(value) in PUBLISHED_KEYS


def is_placeholder(value: str) -> bool:
    """Empty, a template variable (`${VAR}`, `$VAR`, `{{ x }}`, `<your-key>`), or filler (`xxx`, `changeme`)."""
    lowered = value.strip().lower()
    return not lowered or lowered.startswith("$") or any(mark in lowered for mark in PLACEHOLDER_MARKS)


def _ascending_run(value: str, length: int = 8) -> bool:
    """True when `length` consecutive characters count up (`abcdefgh`, `12345678`): typed, not drawn."""
    run = 1
    for previous, current in zip(value, value[1:]):
        run = run + 1 if ord(current) - ord(previous) == 1 else 1
        if run >= length:
            return True
    return False


def is_redacted(body: str) -> bool:
    """A value someone typed to stand in for a token: runs (`xxxx`, `####`, `000000`), ascending sequences, one
    character dominating, filler words (`RANDOMSTRINGHERE`), or too little entropy for its length."""
    if len(body) < 4:
        return True
    lowered = body.lower()
    if "xxxx" in lowered or "####" in lowered or "****" in lowered or "...." in lowered or "<" in body:
        return True
    if _RUN_RE.search(body) or _ascending_run(lowered):
        return True
    top = Counter(lowered).most_common(1)[0][1]
    if len(body) >= 8 and top * 2 > len(body):
        return True
    if any(word in lowered for word in FILLER_WORDS):
        return True
    return len(body) >= 12 and entropy(body) < 2.5


def plausible_token(body: str, token: str) -> bool:
    """True when the random part of a provider token (`body`, within the whole `token`) could have been drawn at
    random and the token is not one published on purpose."""
    return not is_redacted(body) and not is_published(body) and not is_published(token)


def char_classes(value: str) -> int:
    """How many of lower case, upper case and digits the value uses."""
    return sum(1 for test in (str.islower, str.isupper, str.isdigit) if any(test(c) for c in value))


def looks_random(value: str) -> bool:
    """Long enough, no spaces, two kinds of characters or more, high entropy, and no placeholder: not a word, a
    name, a path or a template."""
    if len(value) < 8 or any(c.isspace() for c in value) or is_placeholder(value):
        return False
    if char_classes(value) < 2 or entropy(value) < 3.0 or is_redacted(value):
        return False
    if value.isalpha() and (len(value) < 24 or _CAMEL_WORDS_RE.match(value)):
        return False  # `HuggingFace`, `EncDecMaskedTokenPredModel`: words, not a secret
    return not is_published(value)


TOKEN_CHARS_RE = lazy(r"^[A-Za-z0-9_\-+/=.~]+$")


def looks_like_token(value: str) -> bool:
    """A stricter `looks_random` for values under a weak name (`key=`, `"key":`): a machine-made token of 20+
    characters from a token alphabet, with letters and digits (a hex key of 32 or more passes on its own)."""
    if len(value) < 20 or not TOKEN_CHARS_RE.match(value) or not looks_random(value):
        return False
    if not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        return False
    if re.fullmatch(r"[0-9a-fA-F]{32,}", value):
        return True
    return entropy(value) >= 3.5 and value.count(".") < 2  # `a.b.c` is a dotted name, not a token
