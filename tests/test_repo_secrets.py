"""hardcoded-secret (MLR402): detectors, the files scanned, masking, and that no secret is ever printed.

Every fake secret is assembled at run time (split literals, or drawn from a seeded generator), so this file holds
none that a scanner (this one included) would find.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string

import pytest
from conftest import make_git_repo, run_cli, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from mlrepolint.rules.repo.secrets.detectors import DETECTORS
from mlrepolint.rules.repo.secrets import scan
from mlrepolint.rules.repo.secrets.scan import literal_triggers, may_hold_secret, with_triggers

RNG = random.Random(402)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def fake(*parts: str) -> str:
    return "".join(parts)


def draw(length: int, alphabet: str = ALNUM) -> str:
    """A random body; one that has letters and digits when its alphabet has both (as real tokens do)."""
    mixed = any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)
    while True:
        value = "".join(RNG.choice(alphabet) for _ in range(length))
        if not mixed or (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
            return value


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


S = {
    "aws_id": fake("AKIA", "Q3EGRUE5KD7Z4XWT"),
    "aws_secret": fake("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYz3kq8W1eRt"),
    "github": fake("ghp_", "a1B2c3D4e5F6g7H8i9J0", "k1L2m3N4o5P6q7R8"),
    "gitlab": fake("glpat-", "Ab3dEf6hIj9kLm2nOp5q"),
    "slack": fake("xoxb-", "263594206564-", "FGqddMF8t08v8N7Oq4i57vs1"),
    "hf": fake("hf_", "QJPYADbNZNWUpZuQ", "JgcVJxsXPBEFmgWkQK"),
    "openai": fake("sk-proj-", "Ab12Cd34Ef56", "Gh78Ij90Kl12"),
    "anthropic": fake("sk-ant-", "api03-", draw(93, ALNUM + "_-"), "AA"),
    "generic": fake("q8Zr", "T4vLm2Xw9Pk7"),
    "password": fake("S3cr", "etPassw0rd"),
    "pk_body": fake("MIIEpAIBAAKCAQEA", "3Tz2mr7SZiAMfQyuvBjM9Oi", "Z1BjP5CE/Wm/Rr500P"),
    "gsa_id": fake("3f9c2a7b1d4e", "8f6a0c5b9e2d7f", "1a3c5e7b9d0f2a"),
    "outputs_token": fake("ghp_", "Z9y8X7w6V5u4T3s2R1q0", "P9o8N7m6L5k4J3i2"),
    "image_key": fake("AKIA", "ZQYVXWUTSRPNMKJH"),
    "allowed": fake("ghp_", "F4k3F4k3F4k3F4k3F4k3", "F4k3F4k3F4k3F4k3"),
    "noqa": fake("AKIA", "NQ4ANQ7ANQ2ANQ3A"),
}
PRIVATE_KEY = fake("-----BEGIN RSA ", "PRIVATE KEY-----\n", S["pk_body"], "\n-----END RSA ", "PRIVATE KEY-----")
PRAGMA = fake("# mlrepolint", ": allow-secret")

CONFIG_PY = f'''"""Settings."""
import os

AWS_KEY_ID = "{S["aws_id"]}"
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
HF_TOKEN = os.getenv("HF_TOKEN")
api_key = ""
api_key = "<your-key>"
password = "changeme"
token = get_token()
tokenizer = "bert-base-uncased"
pad_token = "[PAD]"
client = OpenAI(api_key="{S["openai"]}")
api_key = "{S["generic"]}"
TEST_TOKEN = "{S["allowed"]}"  {PRAGMA}
DB_URL = "postgres://app:${{DB_PASSWORD}}@db/app"
DSN = "postgres://admin:{S["password"]}@db.example.com:5432/app"
KEY = """{PRIVATE_KEY}"""
HEADER = "-----BEGIN RSA PRIVATE KEY-----"
AWS_OTHER = "{S["noqa"]}"  # noqa: MLR402
ANTHROPIC = "{S["anthropic"]}"
'''

SETTINGS_YAML = f"""aws_secret_access_key: {S["aws_secret"]}
password: ${{DB_PASSWORD}}
hf_token: "{S["hf"]}"
token: "{{{{ secrets.TOKEN }}}}"
"""

SERVICE_ACCOUNT = json.dumps(
    {"type": "service_account", "project_id": "p", "private_key_id": S["gsa_id"], "private_key": PRIVATE_KEY + "\n"},
    indent=2,
)

PRESIGNED = fake(
    "https://bucket.s3.amazonaws.com/data.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=",
    "AKIA", "Q3EGRUE5KD7Z4XWT", "%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z",
    "&X-Amz-Expires=3600&X-Amz-Security-Token=", draw(120), "&X-Amz-Signature=", draw(64, HEX),
)
GCS_SIGNED = fake(
    "https://storage.googleapis.com/b/o.bin?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=",
    "sa%40proj.iam.gserviceaccount.com%2F20240101%2Fauto%2Fstorage%2Fgoog4_request",
    "&X-Goog-Date=20240101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=", draw(256, HEX),
)

NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Demo"]},
            {
                "cell_type": "code", "execution_count": 1, "metadata": {},
                "source": ["import os\n", f'slack = "{S["slack"]}"\n', 'key = os.environ["KEY"]'],
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": [f"token {S['outputs_token']}\n"]},
                    {"output_type": "display_data", "metadata": {},
                     "data": {"image/png": f"iVBORw0KGgo{S['image_key']}AAAA", "text/plain": ["<Figure>"]}},
                    {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                     "data": {"text/plain": [f"'{PRESIGNED}'"], "text/html": [f"<a href='{PRESIGNED}'>x</a>"]}},
                ],
            },
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    },
    indent=1,
)

FILES = {
    "config.py": CONFIG_PY,
    "settings.yaml": SETTINGS_YAML,
    "keys/service-account.json": SERVICE_ACCOUNT,
    "Dockerfile": f"FROM python:3.11\nARG HF_TOKEN\nENV GITLAB_TOKEN={S['gitlab']}\n",
    "demo.ipynb": NOTEBOOK,
    ".env": f"GITHUB_TOKEN={S['github']}\n",
    ".env.example": "GITHUB_TOKEN=ghp_" + "x" * 36 + "\nOPENAI_API_KEY=<your-key>\n",  # a template: placeholders
    "package-lock.json": json.dumps({"integrity": "sha512-" + "Ab1" * 30, "token": S["generic"]}),
    "data/train.csv": f"id,key\n1,{S['aws_id']}\n",  # tabular data is not read
    "links.md": f"Download: {PRESIGNED}\nAlso {GCS_SIGNED}\n",
    "broken.py": f'KEY = "{S["aws_id"]}"\ndef broken(:\n',  # a parse error must not print the line either
}


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def repo_root(tmp_path_factory):
    root = make_git_repo(tmp_path_factory.mktemp("secrets") / "repo", FILES)
    write_files(root, {"scratch.py": f'"""Scratch."""\nKEY = "{S["aws_id"]}"\n'})  # untracked
    return root


@pytest.fixture(scope="module")
def run(repo_root):
    return run_cli("--format", "json", str(repo_root))


def secret_lines(run, path):
    return [f["line"] for f in run.findings if f["code"] == "MLR402" and f["path"] == path]


def test_python_file_positives_at_their_lines(run):
    expected = [
        line_of(CONFIG_PY, "AWS_KEY_ID"), line_of(CONFIG_PY, "client = OpenAI"),
        line_of(CONFIG_PY, f'api_key = "{S["generic"]}"'), line_of(CONFIG_PY, "DSN ="),
        line_of(CONFIG_PY, 'KEY = """'), line_of(CONFIG_PY, "ANTHROPIC"),
    ]
    assert secret_lines(run, "config.py") == expected


@pytest.mark.parametrize(
    "path, kinds",
    [
        ("config.py", ["AWS access key id `AKIA************4XWT`", "OpenAI-compatible API key",
                       "high-entropy literal assigned to `api_key` (`q8Zr********9Pk7`)",
                       "password in URL `postgres://admin:********@db.example.com`", "private key block (RSA)",
                       "Anthropic API key"]),
        ("settings.yaml", ["AWS secret access key `wJal********************************1eRt`",
                           "Hugging Face token `hf_Q"]),
        ("keys/service-account.json", ["Google service-account key (private_key_id `3f9c"]),
        ("Dockerfile", ["GitLab token `glpa"]),
        (".env", ["GitHub token `ghp_"]),
        ("demo.ipynb", ["Slack token", "GitHub token"]),
        ("scratch.py", ["AWS access key id `AKIA************4XWT` in an untracked file"]),
    ],
)
def test_each_detector_names_the_kind_with_a_masked_value(run, path, kinds):
    messages = [f["message"] for f in run.findings if f["code"] == "MLR402" and f["path"] == path]
    assert len(messages) == len(kinds), messages
    for message, kind in zip(messages, kinds):
        assert message.startswith(f"hardcoded {kind}"), message
    assert {f["severity"] for f in run.findings if f["code"] == "MLR402"} == {"error"}


def test_lines_in_yaml_json_docker_and_notebooks(run):
    assert secret_lines(run, "settings.yaml") == [1, 3]
    assert secret_lines(run, "Dockerfile") == [3]
    assert secret_lines(run, ".env") == [1]
    # One finding for a service-account key, on its private key (the key id is not a second secret).
    assert secret_lines(run, "keys/service-account.json") == [line_of(SERVICE_ACCOUNT, '"private_key"')]
    # Notebook findings sit on the .ipynb line that holds the cell source or output line; the presigned URL in
    # the outputs (its key id, session token and signature) is not reported, neither in text nor in HTML.
    assert secret_lines(run, "demo.ipynb") == [line_of(NOTEBOOK, "slack ="), line_of(NOTEBOOK, "token ghp_")]


@pytest.mark.parametrize("path", [".env.example", "package-lock.json", "data/train.csv", "links.md"])
def test_files_without_secrets_or_not_read(run, path):
    assert secret_lines(run, path) == []


def test_no_secret_appears_in_any_output(repo_root, run):
    text = run_cli("--no-color", str(repo_root))
    quiet = run_cli("-q", str(repo_root))
    assert run.code == text.code == 1
    assert ("MLR001", "broken.py", 2) in run.locations() and ("MLR402", "broken.py", 1) in run.locations()
    for secret in [*S.values(), PRIVATE_KEY]:
        for output in (run.out, run.err, text.out, text.err, quiet.out):
            assert secret not in output
    assert "AKIA************4XWT" in text.out


def test_pragma_and_noqa_allow_a_fake_secret(run):
    lines = secret_lines(run, "config.py")
    assert line_of(CONFIG_PY, "TEST_TOKEN") not in lines
    assert line_of(CONFIG_PY, "AWS_OTHER") not in lines


# --- Every provider: a true positive that must fire, and a placeholder that must not ---------------------------

JWT = fake(b64({"alg": "HS256", "typ": "JWT"}), ".", b64({"sub": "1234567890", "name": "Ada"}), ".", draw(43))
ANON_JWT = fake(b64({"alg": "HS256", "typ": "JWT"}), ".", b64({"iss": "supabase", "role": "anon"}), ".", draw(43))
GSK = draw(52)

#: (case id, path, content, kind the finding names) -- each must be found once, on the line holding the secret:
#: the first line of a key file, else the last line that is not a closing brace.
POSITIVES = [
    ("wandb-login", "train.py", f'"""Train."""\nimport wandb\nwandb.login(key="{draw(40, HEX)}")\n',
     "Weights & Biases API key"),
    ("wandb-env", "scripts/setup.sh", f"#!/bin/sh\nexport WANDB_API_KEY={draw(40, HEX)}\n",
     "Weights & Biases API key assigned to `WANDB_API_KEY`"),
    ("wandb-cli", "notes/login.txt", f"!wandb login {draw(40, HEX)}\n", "Weights & Biases API key"),
    ("kaggle-json", "kaggle.json", f'{{"username": "ada", "key": "{draw(32, HEX)}"}}\n', "Kaggle API key"),
    ("google-api-key", "config/maps.toml", f'[maps]\napi = "AIza{draw(35, ALNUM + "-_")}"\n', "Google API key"),
    ("stripe-live", "billing.cfg", f"[stripe]\nsecret = sk_live_{draw(24)}\n", "Stripe secret key"),
    ("stripe-restricted", "billing.ini", f"[stripe]\nkey = rk_live_{draw(24)}\n", "Stripe secret key"),
    ("pypi", ".pypirc", f"[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{draw(80, ALNUM + '_-')}\n",
     "PyPI upload token"),
    ("jwt", "client.py", f'"""Client."""\nHEADERS = {{"Authorization": "Bearer {JWT}"}}\n', "JSON Web Token"),
    ("sendgrid", "mail.yaml", f"sendgrid: SG.{draw(22)}.{draw(43)}\n", "SendGrid API key"),
    ("twilio", "notify.txt", f"twilio SK{draw(32, HEX)}\n", "Twilio API key"),
    ("groq", "llm.py", f'"""LLM."""\nclient = Groq(api_key="gsk_{GSK}")\n', "Groq API key"),
    ("npm", ".npmrc", f"//registry.npmjs.org/:_authToken=npm_{draw(36)}\n", "npm access token"),
    ("azure", "storage.txt",
     f"DefaultEndpointsProtocol=https;AccountName=ml;AccountKey={draw(86, ALNUM + '+/')}==;EndpointSuffix=x\n",
     "Azure storage account key"),
    ("gitlab-deploy", "ci/deploy.sh", f"git clone https://x:gldt-{draw(20)}@gitlab.com/a/b\n", "GitLab token"),
    ("gitlab-runner", "ci/runner.toml", f'[[runners]]\ntoken = "glrt-{draw(20)}"\n', "GitLab token"),
    ("gitlab-job", "ci/job.txt", f"CI token glcbt-64_{draw(20)}\n", "GitLab token"),
    ("slack-app", "bot/app.env.sh", f"SLACK_APP=xapp-1-A{draw(10, string.digits)}-{draw(13, string.digits)}-"
     f"{draw(64, HEX)}\n", "Slack app token"),
    ("slack-legacy", "bot/legacy", f"xoxo-{draw(6, string.digits)}-{draw(6, string.digits)}-"
     f"{draw(6, string.digits)}-{draw(18, HEX)}\n", "Slack token"),
    ("slack-workflow", "bot/hooks.md", f"POST https://hooks.slack.com/workflows/T{draw(10).upper()}/A{draw(10)}/"
     f"{draw(18, string.digits)}/{draw(24)}\n", "Slack webhook URL"),
    ("slack-trigger", "bot/trigger.txt", f"https://hooks.slack.com/triggers/T{draw(10)}/{draw(13, string.digits)}/"
     f"{draw(32, HEX)}\n", "Slack webhook URL"),
    ("hf-org", "hub.py", f'"""Hub."""\nHF = "api_org_{fake("PsvVHMtfecsbsdSc", "IMRjhReQYUBOZqOJTs")}"\n',
     "Hugging Face organization token"),
    ("aws-secret-as-access-key", "aws.py", f'"""AWS."""\naws_access_key = "{S["aws_secret"]}"\n',
     "AWS secret access key"),
    ("name-with-suffix", "prod.py", f'"""Prod."""\nWANDB_API_KEY_PROD = "{draw(40, HEX)}"\n',
     "Weights & Biases API key assigned to `WANDB_API_KEY_PROD`"),
    ("name-in-the-middle", "app.py", f'"""App."""\nsome_api_token_123 = "{draw(30)}"\n',
     "high-entropy literal assigned to `some_api_token_123`"),
    ("key-keyword-argument", "service.py", f'"""Service."""\nclient = Client(key="{draw(32)}")\n',
     "high-entropy literal assigned to `key`"),
    ("json-key-field", "creds/app.json", f'{{\n  "user": "ml",\n  "key": "{draw(40)}"\n}}\n',
     "high-entropy literal assigned to `key`"),
    ("environ-default", "env.py", f'"""Env."""\nos.environ.setdefault("OPENAI_API_KEY", "{draw(24)}")\n',
     "OpenAI API key assigned to `OPENAI_API_KEY`"),
    ("id-rsa", "deploy/id_rsa", PRIVATE_KEY.replace("RSA ", "OPENSSH ") + "\n", "private key block (OPENSSH)"),
    ("pem", "certs/server.pem", PRIVATE_KEY + "\n", "private key block (RSA)"),
    ("key-file", "certs/tls.key", PRIVATE_KEY.replace("RSA ", "EC ") + "\n", "private key block (EC)"),
    ("netrc", ".netrc", f"machine api.wandb.ai\n  login user\n  password {draw(40, HEX)}\n",
     "password in a .netrc entry for `api.wandb.ai`"),
    ("html-export", "report.html", f"<pre>token = {fake('ghp_', draw(36))}</pre>\n", "GitHub token"),
    ("extensionless", "Makefile", f"deploy:\n\tHF_TOKEN=hf_{fake('jCBaQngSHiHDRYOc', 'sMcifUcysGyaiybUWz')} ./up\n",
     "Hugging Face token"),
]

#: (case id, path, content) -- none of these may be reported.
PLACEHOLDERS = [
    ("wandb-placeholder", "train.py", '"""Train."""\nimport wandb\nwandb.login(key="<your-wandb-key>")\n'),
    ("wandb-env-redacted", "scripts/setup.sh", "export WANDB_API_KEY=" + "x" * 40 + "\n"),
    ("kaggle-template", "kaggle.json", '{"username": "ada", "key": "YOUR_KAGGLE_KEY"}\n'),
    ("google-repeated", "config/maps.toml", '[maps]\napi = "AIza' + "a" * 35 + '"\n'),
    ("stripe-redacted", "billing.cfg", "[stripe]\nsecret = sk_live_" + "x" * 24 + "\n"),
    ("pypi-redacted", ".pypirc", "[pypi]\npassword = pypi-AgEIcHlwaS5vcmc" + "X" * 60 + "\n"),
    ("jwt-redacted", "client.py", '"""Client."""\nT = "eyJ' + "x" * 20 + ".eyJ" + "x" * 20 + '.sig"\n'),
    ("jwt-public-anon-key", "web.py", f'"""Web."""\nSUPABASE_ANON_KEY = "{ANON_JWT}"\n'),
    ("sendgrid-redacted", "mail.yaml", "sendgrid: SG." + "x" * 22 + "." + "x" * 43 + "\n"),
    ("twilio-sequence", "notify.txt", "twilio SK" + HEX * 2 + "\n"),
    ("groq-placeholder", "llm.py", '"""LLM."""\nclient = Groq(api_key="gsk_your_key_here")\n'),
    ("npm-template", ".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
    # a dataset's observation key and a metric's name under `*_key` (exUMI's task configs)
    ("snake-case-keys", "config/task.yaml", "render_obs_key: 'shouldercamera0_image'\n"
                                            "monitor_key: val_action_l2_distances\n"),
    # an object printed in a notebook's output (aiconfig's streaming test): a call, not a literal
    ("printed-token-repr", "stream.log", "TextGenerationStreamResponse(token=Token(id=5183, text='x'))\n"),
    ("azure-repeated", "storage.txt", "AccountName=ml;AccountKey=" + "A" * 86 + "==\n"),
    ("gitlab-redacted", "ci/deploy.sh", "TOKEN=glpat-" + "X" * 11 + "-" + "X" * 8 + "\n"),
    ("slack-hashes", "bot/legacy", fake("xoxp-", "572370529330-573807301142-572331691188-", "#" * 20) + "\n"),
    ("slack-redacted-bot", "bot/bot.txt", "xoxb-" + "x" * 9 + "-" + "x" * 10 + "-" + "x" * 12 + "\n"),
    ("hf-redacted", "hub.py", '"""Hub."""\nHF = "hf_' + "x" * 34 + '"\n'),
    ("hf-identifier", "hub_ids.py", '"""Hub."""\nfrom huggingface_hub import hf_hub_download\n'
     "x = hf_requiredCharacteristicTypesForDisplayMetadata\n"),
    ("github-redacted", "gh.py", '"""GH."""\nTOKEN = "ghp_' + "x" * 36 + '"\n'),
    ("aws-redacted", "aws.txt", "key = AKIA" + "X" * 16 + "\n"),
    ("aws-repeated", "aws2.txt", "key = AKIA" + "Z" * 16 + "\n"),
    ("random-string-here", "token.py", '"""Token."""\napi_token = "RANDOMSTRINGHERE42"\n'),
    ("angle-placeholder", "cfg.yaml", "token: <your-token>\n"),
    ("maven-coordinates", "build.gradle", 'notes = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"\n'),
    ("secret-name-metadata", "names.py", '"""Names."""\nsecret_name = "prod/db/credentials-7f3a"\n'
     'token_url = "https://auth.example.org/oauth2/v1/token"\nmax_tokens = "AbCdEf123456"\n'),
    ("key-word-value", "widgets.py", '"""UI."""\nst.text_input("Name", key="user_name_input_2")\n'),
    ("certificate-only", "certs/ca.pem",
     "-----BEGIN CERTIFICATE-----\n" + S["pk_body"] + "\n-----END CERTIFICATE-----\n"),
    ("netrc-variable", ".netrc", "machine api.wandb.ai\n  login user\n  password $WANDB_API_KEY\n"),
    ("default-db-password", "compose.yml", "url: postgresql://postgres:postgres@db:5432/app\n"),
    ("password-named-in-url", "docs/aws.md",
     "mlflow server --backend-store-uri postgresql://DB_USER:DB_PASSWORD@DB_ENDPOINT:5432/DB_NAME\n"),
    ("html-page-token", "site/page.html",
     f"<script defer data-cf-beacon='{{\"rayId\":\"686ec2\",\"token\":\"{draw(32, HEX)}\"}}'></script>\n"),
    ("prose-about-a-variable", "scripts/README.md", "- `HF_TOKEN`: HuggingFace API token (instead of --token)\n"),
    ("example-name", "docs/hydra.md",
     f"    env_set:\n      MY_KEY: {draw(30, string.ascii_lowercase + string.digits)}\n"),
    ("one-word-value", "login.py", '"""Login."""\npassword = "HuggingFace"\n'),
]


@pytest.fixture(scope="module")
def providers(tmp_path_factory):
    files = {f"tp/{case}/{path}": content for case, path, content, _ in POSITIVES}
    files.update({f"ph/{case}/{path}": content for case, path, content in PLACEHOLDERS})
    files["tp/pkcs12/certs/client.p12"] = bytes([0x30, 0x82, 0x0A, 0x1F, 0x02, 0x01, 0x03]) + bytes(range(256))
    root = make_git_repo(tmp_path_factory.mktemp("providers") / "repo", files)
    run = run_cli("--format", "json", "--select", "MLR402", str(root))
    assert run.code == 1, run.err
    return run


@pytest.mark.parametrize("case, path, content, kind", POSITIVES, ids=[p[0] for p in POSITIVES])
def test_each_provider_is_found_once_on_its_line(providers, case, path, content, kind):
    found = [f for f in providers.findings if f["path"] == f"tp/{case}/{path}"]
    lines = content.splitlines()
    line = 1 if content.startswith("-----BEGIN") else max(n for n, text in enumerate(lines, 1) if text != "}")
    assert [f["line"] for f in found] == [line]
    assert found[0]["message"].startswith(f"hardcoded {kind}"), found[0]["message"]


@pytest.mark.parametrize("case, path, content", PLACEHOLDERS, ids=[p[0] for p in PLACEHOLDERS])
def test_placeholders_and_look_alikes_are_not_reported(providers, case, path, content):
    assert [f["message"] for f in providers.findings if f["path"] == f"ph/{case}/{path}"] == []


def test_a_pkcs12_key_store_is_reported_by_name(providers):
    found = [(f["line"], f["message"]) for f in providers.findings if f["path"] == "tp/pkcs12/certs/client.p12"]
    assert found == [(None, "hardcoded PKCS#12 key store (`.p12`), which bundles a private key: rotate it and "
                            "read it from the environment")]


def test_no_provider_secret_is_printed(providers):
    for _, _, content, _ in POSITIVES:
        last = content.rstrip("\n").splitlines()[-1]
        for word in last.replace('"', " ").replace("=", " ").split():
            if len(word) >= 24:
                assert word not in providers.out


def test_one_finding_per_secret_per_line(repo):
    token = fake("ghp_", draw(36))
    root = repo({"notes.txt": f"{token} and again {token}\nGITHUB_TOKEN={token}\n"})
    run = run_cli("--format", "json", "--select", "MLR402", str(root))
    assert run.locations() == [("MLR402", "notes.txt", 1), ("MLR402", "notes.txt", 2)]


NEGATIVES = [
    'API_KEY = os.environ.get("API_KEY", "")\n',
    'secret = os.environ["SECRET"]\n',
    "password = None\n",
    'password = "xxxxxxxxxxxx"\n',
    'api_key = "${OPENAI_API_KEY}"\n',
    'token = f"{prefix}-{suffix}"\n',
    'max_tokens = "AbCdEf123456"\n',
    'if token == "AbCdEf123456":\n    pass\n',
    'url = "https://user:{password}@host/path"\n',
    'secret_name = "prod/db/credentials"\n',
    'parser.add_argument("--token", default=None)\n',
    'model = AutoModel.from_pretrained("bert-base-uncased", token=True)\n',
    'path = hf_hub_download(repo_id="org/model", filename="model.safetensors")\n',
    'tokenizer.pad_token = tokenizer.eos_token\n',
    'key = "dataset_v2_final"\n',
    'cache_key = "3f1c2a9d0b8e7f6a5b4c3d2e1f0a9b8c"\n',
    'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"\n',
    'token = "dev-token-2024"\n',
    # an argument's type documented in a docstring (DARS's PPO core)
    'def f(token_level_rewards):\n    """Rewards.\n\n    Args:\n'
    '        token_level_rewards: `(torch.Tensor)`\n    """\n',
    # neptune-client's published anonymous-user token, which its examples pass on purpose
    'neptune.init(api_token="eyJhcGlfYWRkcmVzcyI6Imh0dHBzOi8vdWkubmVwdHVuZS5tbCIsImFwaV9rZXkiOiJiNzA2YmM4Zi03NmY5'
    'LTRjMmUtOTM5ZC00YmEwMzZmOTMyZTQifQ==")\n',
]


@pytest.fixture(scope="module")
def negatives(tmp_path_factory):
    files = {f"app_{n}.py": '"""App."""\n' + source for n, source in enumerate(NEGATIVES)}
    root = make_git_repo(tmp_path_factory.mktemp("negatives") / "repo", files)
    return run_cli("--format", "json", "--select", "MLR402", str(root))


@pytest.mark.parametrize("number", range(len(NEGATIVES)), ids=[s.split("\n")[0] for s in NEGATIVES])
def test_negatives_in_python(negatives, number):
    assert negatives.code == 0
    assert secret_lines(negatives, f"app_{number}.py") == []


def test_max_file_size_skips_large_files(repo):
    root = repo(
        {
            "big.py": '"""Big."""\nKEY = "' + S["aws_id"] + '"\n' + "# filler\n" * 200,
            "mlrepolint.toml": '[rules.hardcoded-secret]\nmax-file-size = 100\n',
        }
    )
    assert run_cli("--format", "json", str(root)).locations("MLR402") == []


def test_binary_files_are_not_scanned(repo):
    root = repo({"blob": b"\x00\x01binary " + S["aws_id"].encode() + b"\n", "notes": f"id {S['aws_id']}\n"})
    assert run_cli("--format", "json", "--select", "MLR402", str(root)).locations() == [("MLR402", "notes", 1)]


def test_web_code_and_notebook_html_outputs_are_scanned_for_provider_keys_only(repo):
    # `name = expression` in JavaScript is code (a vendored search library, plotly's bundle in a notebook's HTML
    # output), not an assignment of a secret; a key of a provider's shape is found wherever it is.
    page = "<script>var s={mapboxAccessToken:d.mapboxAccessToken};</script>"
    cells = [{"cell_type": "code", "source": "fig.show()", "metadata": {}, "execution_count": 1,
              "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"text/html": [page]}}]}]
    root = repo({
        "site/search/lunr.js": "var termTokenSet = lunr.TokenSet.fromClause(clause),\n  x = 1\n",
        "site/app.js": f'const id = "{S["aws_id"]}";\n',
        "plot.ipynb": json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
    })
    run = run_cli("--format", "json", "--select", "MLR402", str(root))
    assert run.locations() == [("MLR402", "site/app.js", 1)]


def test_a_notebook_that_is_not_json_is_a_parse_error_and_still_scanned(repo):
    root = repo({"broken.ipynb": '{"cells": [\n  "x = \'' + S["aws_id"] + '\'"\n'})
    run = run_cli("--format", "json", "--select", "MLR001,MLR3,MLR4", str(root))
    assert run.locations() == [("MLR402", "broken.ipynb", 2), ("MLR001", "broken.ipynb", 3)]
    assert S["aws_id"] not in run.out


def test_a_notebooks_secrets_are_found_in_its_first_middle_and_last_pieces(repo):
    """A notebook's pieces (cell sources, outputs) are searched for triggers at once: a secret opening the first
    piece, one in a piece between trigger-free ones, and one closing the last piece are each reported on their line,
    and the trigger-free pieces around them stay quiet."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": [S["aws_id"]]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["x = 1"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]},
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": [f'slack = "{S["slack"]}"'],
         "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": ["Trained."]},
        {"cell_type": "code", "execution_count": 3, "metadata": {}, "source": ["print(1)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": [f"id {S['github']}"]}]},
    ]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    root = repo({"nb.ipynb": notebook})
    run = run_cli("--format", "json", "--select", "MLR402", str(root))
    assert [line for _, _, line in run.locations()] == [
        line_of(notebook, S["aws_id"]), line_of(notebook, "slack ="), line_of(notebook, S["github"])]


@pytest.mark.parametrize("literal", sorted({t for d in DETECTORS for t in d.triggers}))
def test_no_trigger_is_found_across_a_newline(literal):
    """What lets a notebook's pieces, and a history blob's fresh lines, be searched for triggers joined by
    newlines: a trigger string cut by a newline is not found, and neither is an assignment cut by one."""
    for cut in range(1, len(literal)):
        assert literal not in [found for _, found in literal_triggers(literal[:cut] + "\n" + literal[cut:])]
    assert with_triggers(["api_token", "= 'abc'"]) == [False, False]
    assert with_triggers(["api_token", "x", "= 'abc'", "password = 'hunter2'"]) == [False, False, False, True]


@pytest.mark.parametrize("literal", sorted({t for d in DETECTORS for t in d.triggers}))
def test_every_trigger_string_is_found_by_the_trigger_search(literal):
    assert literal_triggers(f"x = {literal}y") == [(4, literal)]
    assert may_hold_secret(f"x = {literal}y".encode())  # the history scan's skip test lets it through


def test_text_without_any_trigger_is_skipped_by_the_history_scan():
    assert not may_hold_secret("def train(model):\n    return model.fit(x, y)  # épocas\n".lower().encode())
    assert may_hold_secret(b"password = hunter2")  # a pattern trigger, not a literal one


#: Pieces of trigger text, and the characters around and between their parts, that random texts are made of.
TRIGGER_PIECES = sorted({t for d in DETECTORS for t in d.triggers}) + [
    "key", "secret", "token", "pass", "pwd", "auth", "cred", "sk", "0f", "9a", "=", ":", ",", "?", ".", "-", "_",
    " ", "\t", "\n", "'", '"', "`", "[", "]", "x", "é", "\udcff"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TRIGGER_PIECES), max_size=60).map("".join))
def test_the_one_pass_trigger_set_misses_no_trigger(text):
    """The scan runs a trigger's regex only where RE2's one pass over the text says it may match: that pass must
    name every trigger whose regex matches, and exactly those when it can tell exactly (the literal triggers)."""
    lowered = scan._lowered(text)
    triggers = scan._trigger_set()
    present = set(triggers.present(lowered.encode("utf-8", "surrogatepass")))
    matching = {index for index, regex in enumerate(scan._TRIGGER_RES) if regex.search(lowered)}
    assert matching <= present
    assert {index for index in present if index in triggers.exact} == matching & triggers.exact


@pytest.mark.parametrize("pattern", [r"\wkey", r"tok.n", r"pass[^=]", r"^secret", r"(?i)auth", "clé"])
def test_a_trigger_the_set_cannot_stand_for_is_always_searched(pattern):
    """Classes that mean one thing in `re` and another in RE2 (Unicode `\\w`, `.`, negated classes), anchors,
    inline flags and non-ASCII text get no relaxed pattern: such a trigger would be searched on every text."""
    assert scan._relaxed(re.compile(pattern)) is None


def test_a_secret_after_a_hostile_run_of_trigger_words_is_found(tmp_path):
    """Runs of trigger words in a row, each starting a possible assignment, do not make the trigger set (used once a
    process has scanned enough text to pay for it: this file alone is enough) lose the secret after them."""
    filler = "".join(RNG.choice(["key", "token_", "pass.", "sk", "0f", " ", "[", "]", "'"]) for _ in range(260_000))
    text = f'"""Settings."""\nNOISE = """{filler}"""\npassword = "{S["password"]}"\n'
    assert len(text) > scan._SET_PAYS_OFF
    root = make_git_repo(tmp_path / "repo", {"settings.py": text})
    run = run_cli("--format", "json", "--select", "MLR402", str(root))
    assert [(f["path"], f["line"]) for f in run.findings] == [("settings.py", text.count("\n"))]
