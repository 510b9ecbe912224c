"""Agreement of hardcoded-secret's detectors with the true- and false-positive samples gitleaks and detect-secrets
publish in their own test suites, per kind of secret.

    python benchmarks/secrets_agreement.py --gitleaks GITDIR --detect-secrets GITDIR [--seed N] [--show]

GITDIR is a git directory (bare is fine) of each project, e.g. a snapshot fetched for the purpose; the samples
are read from its HEAD with `git show`, never copied into this repository, and nothing of theirs is executed:
gitleaks' rule files (`cmd/generate/config/rules/*.go`) are read by a small evaluator of the few Go expressions
their sample lists use (string literals, `+`, `fmt.Sprintf`, `append`, `utils.GenerateSampleSecrets` with the
templates read from `cmd/generate/config/utils/generate.go`, and `secrets.NewSecret(regex)`, for which a string is
drawn from the regex with a seeded generator); detect-secrets' tests (`tests/plugins/*_test.py`) by `ast`, taking
`pytest.mark.parametrize` lists whose values are literals or `str.format` of module constants. A sample whose
expression cannot be evaluated that way is counted as skipped.

A sample agrees when mlrepolint flags it with a detector of the same kind (a true positive) or does not (a false
positive). Samples are grouped by kind and source; `--show` lists the disagreements, secrets masked.
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import string
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    from re import _parser as sre_parse  # type: ignore[attr-defined]  (Python 3.11+)
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlrepolint.repo import RepoFile  # noqa: E402
from mlrepolint.rules.repo.secrets.checker import file_kind  # noqa: E402
from mlrepolint.rules.repo.secrets.detectors import DEFAULT_PASSWORDS, _b64json, mask  # noqa: E402
from mlrepolint.rules.repo.secrets.values import is_redacted  # noqa: E402
from mlrepolint.rules.repo.secrets.scan import find_secrets  # noqa: E402

#: Our kinds: the detectors that count for each, and the gitleaks rule ids and detect-secrets test files of it.
KINDS = {
    "aws": ({"aws_key_id", "aws_key_id_a3t", "aws_secret"}, ("aws-access-token",), ("aws_key_test",)),
    "github": ({"github", "github_pat"}, (
        "github-pat", "github-fine-grained-pat", "github-oauth", "github-app-token", "github-refresh-token",
    ), ("github_token_test",)),
    "gitlab": ({"gitlab", "gitlab_mail", "gitlab_trigger", "gitlab_agent", "gitlab_oauth", "gitlab_runner",
                "gitlab_session"}, ("gitlab-",), ("gitlab_token_test",)),
    "slack": ({"slack", "slack_workspace", "slack_app", "slack_config", "slack_refresh", "slack_webhook"},
              ("slack-",), ("slack_test",)),
    "huggingface": ({"huggingface", "huggingface_org"}, ("huggingface-",), ()),
    "openai": ({"openai"}, ("openai-api-key",), ("openai_test",)),
    "anthropic": ({"anthropic"}, ("anthropic-",), ()),
    "google-api-key": ({"gcp_api_key"}, ("gcp-api-key",), ()),
    "google-service-account": ({"service_account"}, ("gcp-service-account",), ()),
    "stripe": ({"stripe"}, ("stripe-access-token",), ("stripe_key_test",)),
    "pypi": ({"pypi"}, ("pypi-upload-token",), ("pypi_token_test",)),
    "jwt": ({"jwt"}, ("jwt",), ("jwt_test",)),
    "sendgrid": ({"sendgrid"}, ("sendgrid-api-token",), ("sendgrid_test",)),
    "twilio": ({"twilio"}, ("twilio-api-key",), ("twilio_test",)),
    "npm": ({"npm", "assign"}, ("npm-access-token",), ("npm_test",)),
    "azure-storage": ({"azure_storage"}, (), ("azure_storage_key_test",)),
    "databricks": ({"databricks"}, ("databricks-api-token",), ()),
    "perplexity": ({"perplexity"}, ("perplexity-api-key",), ()),
    "private-key": ({"private_key", "putty_key"}, ("private-key",), ("private_key_test",)),
    "pkcs12": (set(), ("pkcs12-file",), ()),
    "basic-auth": ({"url_password"}, (), ("basic_auth_test",)),
    "generic": ({"assign", "aws_secret", "wandb", "netrc"}, ("generic-api-key",), ()),
    # detect-secrets' KeywordDetector flags any value under a password-like name, spaces and symbols included;
    # the rule requires a random-looking value, so this kind is measured for information, not covered.
    "keyword (not covered)": ({"assign", "aws_secret"}, (), ("keyword_test",)),
}


class Unsupported(Exception):
    """An expression this evaluator does not read."""


# --- Reading a snapshot ------------------------------------------------------------------------------------------


def git_show(gitdir: str, path: str) -> str:
    """One file of the snapshot's HEAD."""
    return subprocess.run(
        ["git", "--git-dir", gitdir, "show", f"HEAD:{path}"], capture_output=True, text=True, check=True,
    ).stdout


def git_ls(gitdir: str, folder: str) -> list[str]:
    """The paths in one folder of the snapshot's HEAD."""
    out = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "--name-only", "HEAD", folder + "/"],
        capture_output=True, text=True, check=True,
    ).stdout
    return out.split()


def git_head(gitdir: str) -> str:
    """The snapshot's HEAD commit."""
    return subprocess.run(
        ["git", "--git-dir", gitdir, "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
    ).stdout.strip()


# --- Drawing a string from a regex -------------------------------------------------------------------------------

CATEGORIES = {
    "CATEGORY_DIGIT": string.digits, "CATEGORY_WORD": string.ascii_letters + string.digits + "_",
    "CATEGORY_SPACE": " ",
}


def _charset(items, rng: random.Random) -> str:
    chars: list[str] = []
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            chars.extend(CATEGORIES.get(str(arg), ""))
        else:
            raise Unsupported(name)
    if negate:
        chars = [c for c in string.ascii_letters + string.digits if c not in chars]
    return rng.choice(chars)


def _generate(parsed, rng: random.Random) -> str:
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(rng.choice([c for c in string.ascii_letters if ord(c) != arg]))
        elif name == "ANY":
            out.append(rng.choice(string.ascii_letters + string.digits))
        elif name == "IN":
            out.append(_charset(arg, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = low + 20 if high == sre_parse.MAXREPEAT else high
            out.extend(_generate(sub, rng) for _ in range(rng.randint(low, high)))
        elif name == "SUBPATTERN":
            out.append(_generate(arg[-1], rng))
        elif name == "BRANCH":
            out.append(_generate(rng.choice(arg[1]), rng))
        elif name == "AT":
            continue
        else:
            raise Unsupported(name)
    return "".join(out)


def draw(regex: str, rng: random.Random) -> str:
    """A string matching a (Go, RE2-style) regex, drawn at random."""
    try:
        return _generate(sre_parse.parse(regex), rng)
    except re.error as exc:
        raise Unsupported(str(exc)) from exc


# --- gitleaks: a small evaluator for the Go that builds sample lists ---------------------------------------------

TOKEN_RE = re.compile(
    r"(?P<space>[ \t\r\n]+)|(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<raw>`[^`]*`)|(?P<str>\"(?:\\.|[^\"\\\n])*\")"
    r"|(?P<rune>'(?:\\.|[^'\\])*')|(?P<num>\d+)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<punct>\.\.\.|:=|[-+*/%(){}\[\],.:;=&!<>|^])",
    re.DOTALL,
)


@dataclass
class Tok:
    """One Go token: its kind (`str`, `ident`, `num`, `punct`...) and value (a string literal decoded)."""
    kind: str
    value: str


def tokenize(source: str) -> list[Tok]:
    """The tokens of a Go source, comments and white space dropped."""
    tokens = []
    position = 0
    while position < len(source):
        match = TOKEN_RE.match(source, position)
        if match is None:
            position += 1
            continue
        position = match.end()
        kind = match.lastgroup or ""
        if kind in ("space", "comment"):
            continue
        text = match.group()
        if kind == "raw":
            tokens.append(Tok("str", text[1:-1]))
        elif kind == "str":
            tokens.append(Tok("str", ast.literal_eval(text)))
        else:
            tokens.append(Tok(kind, text))
    return tokens


class GoEval:
    """Evaluates one expression of a gitleaks rule file."""

    def __init__(self, tokens: list[Tok], position: int, env: dict, templates: dict[str, str], rng):
        self.tokens, self.position, self.env, self.templates, self.rng = tokens, position, env, templates, rng

    def peek(self, offset: int = 0) -> Tok:
        """The token `offset` ahead, without taking it."""
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else Tok("eof", "")

    def take(self, value: str | None = None) -> Tok:
        """Take the next token (which must be `value` when given)."""
        tok = self.peek()
        if value is not None and tok.value != value:
            raise Unsupported(f"expected {value!r}, got {tok.value!r}")
        self.position += 1
        return tok

    def expr(self):
        """expr := term ('+' term)*"""
        value = self.term()
        while self.peek().value == "+":
            self.take()
            right = self.term()
            if not isinstance(value, str) or not isinstance(right, str):
                raise Unsupported("+ on non-strings")
            value += right
        return value

    def qualified(self) -> str:
        """`utils.GenerateSampleSecrets`: a name with its package."""
        name = self.take().value
        while self.peek().value == "." and self.peek(1).kind == "ident":
            self.take()
            name += "." + self.take().value
        return name

    def term(self):
        """A string, a `[]string{}` or `map[string]string{}` literal, a call or a variable."""
        tok = self.peek()
        if tok.kind == "str":
            self.take()
            return tok.value
        if tok.value == "[" and self.peek(1).value == "]":
            self.take("[")
            self.take("]")
            if self.take().value != "string":
                raise Unsupported("slice of non-strings")
            return self.elements()
        if tok.value == "map":
            for expected in ("map", "[", "string", "]", "string"):
                self.take(expected)
            return self.pairs()
        if tok.kind == "ident":
            name = self.qualified()
            if self.peek().value == "(":
                return self.call(name)
            if name == "nil":
                return []
            if name in self.env:
                return self.env[name]
            raise Unsupported(f"unknown name {name}")
        raise Unsupported(f"unexpected {tok.value!r}")

    def elements(self) -> list:
        """The elements of `{a, b, ...}`."""
        self.take("{")
        items = []
        while self.peek().value != "}":
            items.append(self.expr())
            if self.peek().value == ",":
                self.take()
        self.take("}")
        return items

    def pairs(self) -> dict:
        """The pairs of `{k: v, ...}`."""
        self.take("{")
        items = {}
        while self.peek().value != "}":
            key = self.expr()
            self.take(":")
            items[key] = self.expr()
            if self.peek().value == ",":
                self.take()
        self.take("}")
        return items

    def call(self, name: str):
        """The arguments of a call (and which are spread with `...`), then its value."""
        self.take("(")
        args, spread = [], []
        while self.peek().value != ")":
            args.append(self.expr())
            spread.append(self.peek().value == "...")
            if spread[-1]:
                self.take()
            if self.peek().value == ",":
                self.take()
        self.take(")")
        return self.apply(name, args, spread)

    def apply(self, name: str, args: list, spread: list[bool]):
        """The value of one of the calls sample lists are built with."""
        if name == "append":
            out = list(args[0])
            for arg, is_spread in zip(args[1:], spread[1:]):
                out.extend(arg) if is_spread else out.append(arg)
            return out
        sizes = {
            "utils.Numeric": "[0-9]{%s}", "utils.Hex": "[a-f0-9]{%s}", "utils.AlphaNumeric": "[a-z0-9]{%s}",
            "utils.AlphaNumericExtendedShort": "[a-z0-9_-]{%s}", "utils.AlphaNumericExtended": r"[a-z0-9=_\-]{%s}",
            "utils.AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]{%s}",
        }
        if name in sizes:
            return sizes[name] % args[0]
        if name == "utils.Hex8_4_4_4_12":
            return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        if name == "secrets.NewSecret":
            return draw(args[0], self.rng)
        if name == "newPlausibleSecret":
            while True:
                value = draw(args[0], self.rng)
                if re.search("[1-9]", value):
                    return value
        if name == "utils.GenerateSampleSecret":
            return f'{args[0]}_api_token = "{args[1]}"'
        if name == "utils.GenerateSampleSecrets":
            return [
                t.replace("{i}", args[0]).replace("{I}", args[0].upper()).replace("{s}", args[1])
                for t in self.templates.values()
            ]
        if name == "fmt.Sprintf":
            values = iter(args[1:])
            return re.sub(r"%[sdv]", lambda m: str(next(values)), args[0])
        if name == "strings.Repeat":
            return args[0] * int(args[1])
        raise Unsupported(f"call {name}")


def _functions(tokens: list[Tok]):
    """(body start, body end) of each `func Name() *config.Rule { ... }`."""
    index = 0
    while index < len(tokens):
        if tokens[index].value == "func" and index + 1 < len(tokens) and tokens[index + 1].kind == "ident":
            brace = index
            while brace < len(tokens) and tokens[brace].value != "{":
                brace += 1
            depth, end = 0, brace
            while end < len(tokens):
                depth += {"{": 1, "}": -1}.get(tokens[end].value, 0)
                if depth == 0:
                    break
                end += 1
            yield brace + 1, end
            index = end
        index += 1


@dataclass
class Sample:
    """One published sample: where from, the rule or test it belongs to, its text and its label."""
    source: str
    rule: str
    text: str
    positive: bool
    is_path: bool = False


def gitleaks_samples(gitdir: str, rng: random.Random, wanted: tuple[str, ...]) -> tuple[list[Sample], int]:
    """The tps and fps of the wanted gitleaks rules (ids, or prefixes ending in `-`), and how many lists were
    skipped."""
    generate = tokenize(git_show(gitdir, "cmd/generate/config/utils/generate.go"))
    at = next(i for i, t in enumerate(generate) if t.value == "samples")
    templates = GoEval(generate, at + 2, {}, {}, rng).expr()
    samples, skipped = [], 0
    for path in git_ls(gitdir, "cmd/generate/config/rules"):
        if not path.endswith(".go"):
            continue
        tokens = tokenize(git_show(gitdir, path))
        for start, end in _functions(tokens):
            body = tokens[start:end]
            rule = next((body[i + 2].value for i, t in enumerate(body[:-2]) if t.value == "RuleID"), None)
            if rule is None or not any(rule.startswith(w) if w.endswith("-") else rule == w for w in wanted):
                continue
            env: dict = {}
            for index, tok in enumerate(body[:-1]):
                if tok.value in ("tps", "fps") and body[index + 1].value in (":=", "="):
                    try:
                        env[tok.value] = GoEval(body, index + 2, env, templates, rng).expr()
                    except (Unsupported, StopIteration, IndexError, ValueError):
                        skipped += 1
            for positive, name in ((True, "tps"), (False, "fps")):
                value = env.get(name) or []
                is_path = isinstance(value, dict)
                for text in (value.keys() if is_path else value):
                    samples.append(Sample("gitleaks", rule, text, positive, is_path))
    return samples, skipped


# --- detect-secrets: parametrize lists of its plugin tests -------------------------------------------------------


def _py_eval(node: ast.AST, env: dict):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        return [_py_eval(e, env) for e in node.elts]
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise Unsupported(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        left, right = _py_eval(node.left, env), _py_eval(node.right, env)
        return left + right if isinstance(node.op, ast.Add) else left * right
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        value = _py_eval(node.value, env)
        lower = _py_eval(node.slice.lower, env) if node.slice.lower else None
        upper = _py_eval(node.slice.upper, env) if node.slice.upper else None
        return value[lower:upper]
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        and not node.keywords
    ):
        return _py_eval(node.func.value, env).format(*(_py_eval(a, env) for a in node.args))
    raise Unsupported(type(node).__name__)


def detect_secrets_samples(gitdir: str, wanted: tuple[str, ...]) -> tuple[list[Sample], int]:
    """The parametrized samples of the wanted detect-secrets test modules, and how many were skipped."""
    samples, skipped = [], 0
    for name in wanted:
        path = f"tests/plugins/{name}.py"
        tree = ast.parse(git_show(gitdir, path))
        env: dict = {}
        for stmt in tree.body:  # module constants, in order
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                try:
                    env[stmt.targets[0].id] = _py_eval(stmt.value, env)
                except (Unsupported, TypeError):
                    env[stmt.targets[0].id] = None  # e.g. a line built with base64 and randint
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"):
                continue
            argnames = node.args[0].value if isinstance(node.args[0], ast.Constant) else ""
            values = node.args[1]
            rows: list = []
            if isinstance(values, (ast.List, ast.Tuple)):
                for element in values.elts:
                    try:
                        rows.append(_py_eval(element, env))
                    except (Unsupported, TypeError):
                        skipped += 1
            else:
                # keyword_test: `parse_test_cases([(extension, CASES), ...])` over module lists of (line, secret)
                for call in ast.walk(values):
                    if isinstance(call, ast.Tuple) and len(call.elts) == 2 and isinstance(call.elts[1], ast.Name):
                        cases = env.get(call.elts[1].id)
                        extension = call.elts[0].value if isinstance(call.elts[0], ast.Constant) else None
                        if cases is None:
                            continue
                        for line, expected in cases:
                            rows.append((extension, line, expected))
            names = [n.strip() for n in argnames.split(",")]
            for row in rows:
                if not isinstance(row, str) and (not row or not isinstance(row[1 if len(row) == 3 else 0], str)):
                    skipped += 1  # a value the evaluator could not build
                    continue
                if len(names) == 1:
                    samples.append(Sample("detect-secrets", name, row, True))
                elif names[-1] == "should_flag":
                    samples.append(Sample("detect-secrets", name, row[0], bool(row[1])))
                elif names[-1] == "expected_secret":
                    samples.append(Sample("detect-secrets", f"{name}[{row[0]}]", row[1], row[2] is not None))
    return samples, skipped


# --- Measuring ---------------------------------------------------------------------------------------------------


def flagged(sample: Sample, detectors: set[str]) -> tuple[bool, bool]:
    """(flagged by a detector of the kind, flagged by any detector)."""
    if sample.is_path:
        keystore = file_kind(RepoFile(sample.text, True)) == "keystore"
        return keystore, keystore
    kind = "python" if sample.rule.endswith(("[py]", "[pyi]")) else "text"
    found = {secret.detector for secret in find_secrets(sample.text, kind)}
    return bool(found & detectors), bool(found)


_WORDS_RE = re.compile(r"[A-Za-z0-9_+/=.#-]{8,}")


def departure(kind: str, sample: Sample, positive: bool) -> str | None:
    """Why a disagreement is by design (the rule's documented behaviour), or None for a plain miss."""
    text = sample.text
    if positive:
        words = _WORDS_RE.findall(text)
        if kind == "google-service-account":
            return "the service-account marker line alone holds no key"
        if kind == "private-key" and not re.search(r"[A-Za-z0-9+/]{40}", text):
            return "a private key header without a key body"
        if kind == "basic-auth" and re.search(r"://[^:/@]+:(?:" + "|".join(DEFAULT_PASSWORDS) + ")@", text):
            return "a default password (`password`) in a URL"
        if "EXAMPLE" in text:
            return "AWS's documentation example key"
        if kind == "jwt":
            tokens = re.findall(r"eyJ[A-Za-z0-9_-]+={0,2}\.eyJ[A-Za-z0-9_-]+", text)
            if not tokens:
                return "not a JWT: random characters after `ey`, no JSON header"
            if any('"anon"' in str(_b64json(t.split(".")[1])) or "anon" in str(_b64json(t.split(".")[1]))
                   for t in tokens):
                return "a public (`anon`) Supabase key"
            return "not a JWT: the header is not JSON"
        if kind == "generic" and re.match(r"\s*(?:my|your)[A-Z_]", text):
            return "an example name (`mySecret...`): docs' and tutorials' convention, reported only by key shape"
        if any(is_redacted(word.split("-", 1)[-1].split("_", 1)[-1]) or is_redacted(word) for word in words):
            return "a placeholder or redaction (`x` filler, repeated or ascending characters)"
        return None
    if kind == "openai":
        return "an `sk-` key without OpenAI's marker: reported as an OpenAI-compatible key"
    if kind == "pypi":
        return "the sources disagree on the shortest token (gitleaks: a 64-character body is one)"
    if kind == "npm" and "_authToken" in text:
        return "a token under `_authToken` is reported whatever the .npmrc line's syntax"
    return None


def shown(text: str) -> str:
    """A sample for the terminal: one line, long words masked."""
    return re.sub(r"[A-Za-z0-9_+/=.-]{16,}", lambda m: mask(m.group()), " ".join(text.split()))[:140]


def main(argv: list[str] | None = None) -> int:
    """Print the agreement per kind and source."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gitleaks", required=True, help="git directory of gitleaks")
    parser.add_argument("--detect-secrets", required=True, help="git directory of detect-secrets")
    parser.add_argument("--seed", type=int, default=0, help="seed for the samples gitleaks draws from regexes")
    parser.add_argument("--show", action="store_true", help="list the disagreements (masked)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    print(f"gitleaks {git_head(args.gitleaks)[:12]}, detect-secrets {git_head(args.detect_secrets)[:12]}, "
          f"seed {args.seed}")
    header = (
        f"{'kind':24} {'source':15} {'tp':>4} {'fp':>4} {'agree':>6} {'rate':>7} {'by design':>9} "
        f"{'rate w/o':>8}"
    )
    print(header)
    print("-" * len(header))
    totals = [0, 0, 0]  # agreeing, samples, disagreements by design (covered kinds)
    for kind, (detectors, leak_rules, ds_tests) in KINDS.items():
        sets = []
        if leak_rules:
            found, skipped = gitleaks_samples(args.gitleaks, rng, leak_rules)
            sets.append(("gitleaks", found, skipped))
        if ds_tests:
            found, skipped = detect_secrets_samples(args.detect_secrets, ds_tests)
            sets.append(("detect-secrets", found, skipped))
        for source, samples, skipped in sets:
            # A sample one rule of the kind calls a positive is a positive of the kind (e.g. an admin key is a
            # false positive of the API-key rule and a true positive of the admin-key rule).
            positives = {s.text for s in samples if s.positive}
            unique = {s.text: s for s in samples}
            agree = by_design = 0
            misses = []
            for text, sample in unique.items():
                positive = text in positives
                mine, _ = flagged(sample, detectors)
                if mine == positive:
                    agree += 1
                    continue
                reason = departure(kind, sample, positive)
                by_design += reason is not None
                misses.append((positive, sample, reason))
            n_tp = sum(1 for t in unique if t in positives)
            rate = agree / len(unique) if unique else 0.0
            kept = len(unique) - by_design
            rate_without = agree / kept if kept else 1.0
            note = f" ({skipped} skipped)" if skipped else ""
            print(
                f"{kind:24} {source:15} {n_tp:4} {len(unique) - n_tp:4} {agree:6} {rate:7.1%} {by_design:9} "
                f"{rate_without:8.1%}{note}"
            )
            if "not covered" not in kind:
                totals[0] += agree
                totals[1] += len(unique)
                totals[2] += by_design
            if args.show:
                for positive, sample, reason in misses:
                    label = "missed tp" if positive else "flagged fp"
                    why = f"  <- by design: {reason}" if reason else ""
                    print(f"    {label}: [{sample.rule}] {shown(sample.text)}{why}")
    agree, count, by_design = totals
    print("-" * len(header))
    print(
        f"covered kinds: {agree} of {count} samples agree ({agree / count:.1%}); {by_design} of the "
        f"{count - agree} disagreements are by design; without them {agree / (count - by_design):.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
