"""hardcoded-secret (MLR402): detectors, the files scanned, masking, and that no secret is ever printed.

Every fake secret is assembled at run time, so this file holds none that a scanner (this one included) would find.
"""

from __future__ import annotations

import json

import pytest
from conftest import make_git_repo, run_cli, write_files

from mlrepolint.rules.repo.secrets.detectors import DETECTORS
from mlrepolint.rules.repo.secrets.scan import LITERALS_RE


def fake(*parts: str) -> str:
    return "".join(parts)


S = {
    "aws_id": fake("AKIA", "IOSFODNN7EXAMPLE"),
    "aws_secret": fake("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"),
    "github": fake("ghp_", "a1B2c3D4e5F6g7H8i9J0", "k1L2m3N4o5P6q7R8"),
    "gitlab": fake("glpat-", "Ab3dEf6hIj9kLm2nOp5q"),
    "slack": fake("xoxb-", "1234567890-abcdefGHIJ"),
    "hf": fake("hf_", "AbCdEfGhIjKlMnOpQr", "StUvWxYz12345678"),
    "openai": fake("sk-proj-", "Ab12Cd34Ef56", "Gh78Ij90Kl12"),
    "anthropic": fake("sk-ant-", "api03-", "Zx12Cd34Ef56Gh78", "Ij90Kl12Mn34"),
    "generic": fake("q8Zr", "T4vLm2Xw9Pk7"),
    "password": fake("S3cr", "etPassw0rd"),
    "pk_body": fake("MIIEpAIBAAKCAQEA", "3Tz2mr7SZiAMfQyuvBjM9Oi", "Z1BjP5CE/Wm/Rr500P"),
    "gsa_id": fake("0123456789abcdef", "0123456789abcdef", "01234567"),
    "outputs_token": fake("ghp_", "Z9y8X7w6V5u4T3s2R1q0", "P9o8N7m6L5k4J3i2"),
    "image_key": fake("AKIA", "ZZZZYYYYXXXXWWWW"),
    "allowed": fake("ghp_", "F4k3F4k3F4k3F4k3F4k3", "F4k3F4k3F4k3F4k3"),
    "noqa": fake("AKIA", "NOQANOQANOQANOQA"),
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
    ".env.example": f"GITHUB_TOKEN={S['github']}\n",  # a template: not scanned
    "package-lock.json": json.dumps({"integrity": "sha512-" + "Ab1" * 30, "token": S["generic"]}),
    "notes.txt": f"key {S['aws_id']}\n",  # not a scanned kind
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
        ("config.py", ["AWS access key id `AKIA************MPLE`", "OpenAI-style API key",
                       "high-entropy literal assigned to `api_key` (`q8Zr********9Pk7`)",
                       "password in URL `postgres://admin:********@db.example.com`", "private key block (RSA)",
                       "Anthropic API key"]),
        ("settings.yaml", ["AWS secret access key `wJal********************************EKEY`",
                           "Hugging Face token `hf_A"]),
        ("keys/service-account.json", ["Google service-account key (private_key_id `0123", "private key block"]),
        ("Dockerfile", ["GitLab token `glpa"]),
        (".env", ["GitHub token `ghp_"]),
        ("demo.ipynb", ["Slack token", "GitHub token"]),
        ("scratch.py", ["AWS access key id `AKIA************MPLE` in an untracked file"]),
    ],
)
def test_each_detector_names_the_kind_with_a_masked_value(run, path, kinds):
    messages = [f["message"] for f in run.findings if f["code"] == "MLR402" and f["path"] == path]
    assert len(messages) == len(kinds)
    for message, kind in zip(messages, kinds):
        assert message.startswith(f"hardcoded {kind}"), message
    assert {f["severity"] for f in run.findings if f["code"] == "MLR402"} == {"error"}


def test_lines_in_yaml_json_docker_and_notebooks(run):
    assert secret_lines(run, "settings.yaml") == [1, 3]
    assert secret_lines(run, "Dockerfile") == [3]
    assert secret_lines(run, ".env") == [1]
    assert secret_lines(run, "keys/service-account.json") == [
        line_of(SERVICE_ACCOUNT, "private_key_id"), line_of(SERVICE_ACCOUNT, '"private_key"'),
    ]
    # Notebook findings sit on the .ipynb line that holds the cell source or output line.
    assert secret_lines(run, "demo.ipynb") == [line_of(NOTEBOOK, "slack ="), line_of(NOTEBOOK, "token ghp_")]


@pytest.mark.parametrize(
    "path", [".env.example", "package-lock.json", "notes.txt"],
)
def test_files_not_scanned(run, path):
    assert secret_lines(run, path) == []


def test_no_secret_appears_in_any_output(repo_root, run):
    text = run_cli("--no-color", str(repo_root))
    quiet = run_cli("-q", str(repo_root))
    assert run.code == text.code == 1
    assert ("MLR001", "broken.py", 2) in run.locations() and ("MLR402", "broken.py", 1) in run.locations()
    for secret in [*S.values(), PRIVATE_KEY]:
        for output in (run.out, run.err, text.out, text.err, quiet.out):
            assert secret not in output
    assert "AKIA************MPLE" in text.out


def test_pragma_and_noqa_allow_a_fake_secret(run):
    lines = secret_lines(run, "config.py")
    assert line_of(CONFIG_PY, "TEST_TOKEN") not in lines
    assert line_of(CONFIG_PY, "AWS_OTHER") not in lines


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


def test_a_notebook_that_is_not_json_is_a_parse_error_and_still_scanned(repo):
    root = repo({"broken.ipynb": '{"cells": [\n  "x = \'' + S["aws_id"] + '\'"\n'})
    run = run_cli("--format", "json", "--select", "MLR001,MLR3,MLR4", str(root))
    assert run.locations() == [("MLR402", "broken.ipynb", 2), ("MLR001", "broken.ipynb", 3)]
    assert S["aws_id"] not in run.out


@pytest.mark.parametrize("literal", sorted({t for d in DETECTORS for t in d.triggers}))
def test_every_trigger_string_is_found_by_the_one_pass_search(literal):
    match = LITERALS_RE.search(f"x = {literal}y")
    assert match is not None and match.group() == literal
