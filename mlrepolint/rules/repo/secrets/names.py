"""Which variable and key names hold a secret: `api_key`, `WANDB_API_KEY_PROD`, `mySecretString`, `db_pass`, and
which look like one but describe it instead (`secret_name`, `token_url`, `max_tokens`, `public_key`, `pad_token`).

A name is split into lower-case words (`_`, `-`, `.` and camelCase boundaries). The secret word may sit anywhere in
it; the words around it decide: a word after it that names metadata (`_name`, `_path`, `_id`, `_url`...) or one
before it that makes it public or not a credential (`public_`, `csrf_`, `pad_`, `max_`...) cancels it.

Strength: a `STRONG` name (`token`, `password`, `api_key`, `client_secret`...) takes any random-looking value; a
`WEAK` one (a bare `key`, `auth`, `some_key`) only a machine-made token, since `key=` is also a sort key, a dict
key or a widget id.
"""

from __future__ import annotations

import re
from functools import lru_cache

STRONG = "strong"
WEAK = "weak"

#: Words that name a credential on their own (compounds written as one word included).
SECRET_WORDS = frozenset(
    {
        "secret", "secrets", "token", "password", "passwd", "pwd", "pass", "passphrase", "apikey", "apitoken",
        "authtoken", "accesstoken", "refreshtoken", "bearertoken", "secretkey", "accesskey", "privatekey",
        "clientsecret", "appsecret", "apisecret", "authkey", "credential", "credentials", "creds", "authorization",
    }
)
#: Words that make a following `key` a credential (`api_key`, `private_key`, `wandb_key`).
KEY_QUALIFIERS = frozenset(
    {
        "api", "private", "secret", "access", "auth", "account", "signing", "master", "encryption", "client", "app",
        "license", "licence", "service", "subscription", "admin", "root", "deploy", "ssh", "shared", "session",
        "storage", "sas", "hmac", "jwt", "webhook", "bot", "consumer", "developer", "write", "ingest", "ingestion",
        "project", "org", "personal", "user",
        # providers ML projects hold keys for
        "wandb", "openai", "anthropic", "claude", "hf", "huggingface", "groq", "cohere", "stripe", "aws", "azure",
        "gcp", "google", "gemini", "kaggle", "github", "gitlab", "slack", "sendgrid", "twilio", "mistral",
        "replicate", "pinecone", "serp", "serpapi", "tavily", "langchain", "langsmith", "comet", "neptune",
        "clearml", "dagshub", "deepseek", "together", "fireworks", "perplexity", "elevenlabs", "assemblyai",
        "weaviate", "qdrant", "roboflow", "modal", "runpod", "databricks", "snowflake", "mapbox", "firebase",
    }
)
#: Words before a secret word that say it is not a credential: public halves, tokenizer vocabulary, counters,
#: pagination cursors, web-form nonces, and names that declare a fake.
NOT_SECRET_BEFORE = frozenset(
    {
        "public", "pub", "csrf", "xsrf", "pad", "bos", "eos", "unk", "sep", "cls", "mask", "special", "start",
        "end", "begin", "stop", "max", "min", "num", "n", "next", "page", "continuation", "cursor", "sync",
        "cancellation", "cancel", "lexer", "parser", "input", "output", "prompt", "total", "completion",
        "reasoning", "cached", "image", "vision", "audio", "text", "word", "sentence", "subword", "char", "eot",
        "im", "vocab", "embedding", "position", "dummy", "fake", "mock", "example", "sample", "placeholder",
        "my", "your",  # `MY_KEY`, `your_token`: the example names of docs and tutorials
        "hashed", "encrypted", "salted",  # `hashed_secret`: a digest, not the secret
        # key-only: keys of data structures and databases
        "primary", "foreign", "sort", "cache", "partition", "bucket", "dict", "hot", "object", "s3", "blob", "file",
        "map", "lookup", "group", "column", "row", "field", "config", "cfg", "state", "registry", "metric", "hash",
        "index", "idx", "sequence", "schema", "natural", "unique", "join", "label", "target", "batch", "data",
        "dataset", "feature", "sub", "parent", "child", "dim", "layer", "module", "param", "model", "name", "item",
        "entry", "node", "edge", "id", "uuid", "json", "yaml", "random", "rng", "prng", "seed", "jax", "torch",
        "translation", "i18n", "locale",
    }
)
#: Words after a secret word that say the value describes the secret rather than being it.
METADATA_AFTER = frozenset(
    {
        "name", "names", "type", "types", "id", "ids", "path", "paths", "file", "files", "filename", "filepath",
        "dir", "folder", "url", "uri", "urls", "endpoint", "env", "var", "variable", "field", "fields", "header",
        "length", "len", "size", "count", "prefix", "suffix", "format", "fmt", "label", "pattern", "regex", "re",
        "column", "col", "kind", "mode", "source", "src", "location", "loc", "arn", "ref", "version", "param",
        "params", "index", "idx", "map", "mapping", "list", "dict", "limit", "max", "min", "num", "expiry",
        "expires", "expiration", "expire", "exp", "ttl", "timeout", "provider", "scope", "scopes", "policy",
        "manager", "store", "vault", "ring", "pair", "alias", "fingerprint", "placeholder", "required", "enabled",
        "hash", "hashed", "validator", "valid", "validation", "check", "checker", "handler", "callback", "fn",
        "func", "class", "cls", "schema", "config", "cfg", "option", "options", "setting", "settings", "attr",
        "attribute", "prompt", "input", "help", "description", "desc", "msg", "message", "error",
        "selector", "button", "widget", "box", "form", "bits", "bytes", "char", "chars", "encoding", "generator",
        "factory", "usage", "counter", "budget", "tokens", "output", "getter", "setter", "hint", "title", "lookup",
        "template", "sep", "separator", "delimiter", "pos", "position", "offset", "start", "end", "begin", "stop",
        "rate", "cost", "price", "signature", "signatures", "board", "code", "frame", "mesh", "meshing", "press",
        "pressed", "stone", "storetype", "word", "up", "down", "left", "right", "event", "str", "dim", "identifier",
        "arg", "args", "flag", "spec", "policy", "rotation", "issuer", "audience", "algorithm",
        "algo", "strength", "complexity", "regexp", "mask", "masked", "redacted", "dummy", "fake", "example",
    }
)

_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


@lru_cache(maxsize=4096)
def words(name: str) -> tuple[str, ...]:
    """`WANDB_API_KEY_PROD` -> (wandb, api, key, prod); `mySecretString` -> (my, secret, string)."""
    return tuple(word.lower() for word in _WORD_RE.findall(name))


@lru_cache(maxsize=4096)
def secret_name(name: str) -> str | None:
    """`STRONG`, `WEAK`, or None when the name does not hold a secret."""
    parts = words(name)
    found: str | None = None
    for index, word in enumerate(parts):
        before = parts[index - 1] if index else ""
        if word in SECRET_WORDS:
            strength = WEAK if word == "pass" and not before else STRONG
        elif word == "auth":
            strength = WEAK
        elif word == "key":
            strength = STRONG if before in KEY_QUALIFIERS else WEAK
        else:
            continue
        if found is None:  # the first secret word decides whether the name is about a secret at all
            if before in NOT_SECRET_BEFORE or any(after in METADATA_AFTER for after in parts[index + 1:]):
                return None
            found = strength
        elif strength == STRONG:  # `auth_token`, `secret_key`: a later word can only make it stronger
            found = STRONG
    return found


def provider_of(name: str) -> str | None:
    """The provider a secret name belongs to, for messages (`WANDB_API_KEY` -> `Weights & Biases`)."""
    for word in words(name):
        if word in PROVIDER_NAMES:
            return PROVIDER_NAMES[word]
    return None


PROVIDER_NAMES = {
    "wandb": "Weights & Biases", "kaggle": "Kaggle", "openai": "OpenAI", "anthropic": "Anthropic",
    "hf": "Hugging Face", "huggingface": "Hugging Face", "groq": "Groq", "cohere": "Cohere", "mistral": "Mistral",
    "replicate": "Replicate", "pinecone": "Pinecone", "langsmith": "LangSmith", "langchain": "LangSmith",
    "comet": "Comet", "neptune": "Neptune", "clearml": "ClearML", "gemini": "Google", "google": "Google",
    "aws": "AWS", "azure": "Azure", "github": "GitHub", "gitlab": "GitLab", "slack": "Slack", "stripe": "Stripe",
    "tavily": "Tavily", "serpapi": "SerpApi", "deepseek": "DeepSeek", "together": "Together AI",
    "perplexity": "Perplexity", "elevenlabs": "ElevenLabs", "roboflow": "Roboflow", "databricks": "Databricks",
}
