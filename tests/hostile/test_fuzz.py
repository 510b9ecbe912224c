"""Property: whatever the repository's files hold, a run ends in bounded time with a JSON report and no traceback.

Each example mutates one sample of every kind of file mlrepolint parses (Python, requirements, Dockerfile,
notebook, compose and conda YAML, TOML, Pipfile, `.env`, `.gitignore`) and lints them all in one run: a run per
file would cost minutes. Derandomized, so CI sees the same examples every time; `MLREPOLINT_FUZZ_EXAMPLES`
raises the count (and `MLREPOLINT_FUZZ_SEED` picks other examples) for a longer hunt by hand.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from robustness import assert_sound, run_bounded

SAMPLES = {
    "train.py": (
        '"""Train."""\nimport os\nimport pandas as pd\n\n\nclass Model(object):\n    def fit(self, x):\n'
        '        return x.fit().predict(x)[0]\n\n\ndf = pd.read_csv(os.path.join("data", "train.csv"))\n'
        'if __name__ == "__main__":\n    Model().fit(df)  # noqa: MLR201\n'
    ),
    "requirements.txt": (
        "numpy==1.26.4\npandas>=2\n-r requirements-dev.txt\n-c constraints.txt\n"
        "git+https://github.com/org/repo@0123456789abcdef0123456789abcdef01234567#egg=repo\n"
        "torch @ https://download.pytorch.org/whl/cpu/torch-2.3.0.whl\n-e .\n"
        "scikit-learn[all] ; python_version > '3.8'\n"
    ),
    "requirements-dev.txt": "pytest\n-r requirements.txt\n",
    "Dockerfile": (
        "ARG BASE=python:3.11-slim\nFROM ${BASE} AS build\nARG V=1\nENV A=$V B=${V}\n"
        'RUN ["pip", "install", "-r", "requirements.txt"]\nRUN pip install torch==2.3.0 && apt-get install -y curl\n'
        "COPY . /app\nFROM build\nUSER app\nCMD python train.py\n"
    ),
    "eda.ipynb": json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": ["import pandas as pd\n", "df = 1"],
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}]},
            {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "df.describe()", "outputs": []},
        ],
    }, indent=1),
    "docker-compose.yml": (
        "x-base: &base\n  image: python:latest\n  environment:\n    - A=1\nservices:\n  web:\n    <<: *base\n"
        "  db:\n    image: postgres\n  app:\n    build: .\n    image: app\n"
    ),
    "environment.yml": (
        "name: env\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy=1.26.4\n  - conda-forge::scipy\n"
        "  - pip:\n    - requests==2.31.0\n    - -r requirements.txt\n"
    ),
    "pyproject.toml": (
        '[project]\nname = "x"\nrequires-python = ">=3.10"\ndependencies = ["numpy>=1", "pandas==2.2.2"]\n\n'
        '[tool.black]\nline-length = 100\n\n[tool.ruff]\nline-length = 100\n\n'
        '[tool.poetry.dependencies]\npython = "^3.10"\n'
    ),
    "Pipfile": (
        '[[source]]\nurl = "https://pypi.org/simple"\n\n[packages]\nnumpy = "*"\nrequests = {version = "==2.31.0"}\n'
        'lib = {git = "https://github.com/org/lib.git", ref = "main"}\n\n[requires]\npython_version = "3.11"\n'
    ),
    ".env": 'API_KEY=abc123\nexport TOKEN="ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"\n# comment\nEMPTY=\n',
    ".gitignore": "*.pyc\n__pycache__/\n/data/\n!data/keep.txt\n**/checkpoints/**\n.env\n*.py[cod]\n",
    "setup.cfg": "[flake8]\nmax-line-length = 100\nper-file-ignores =\n    tests/*: D\n",
}
#: Pieces that have broken parsers before: delimiters to nest, wildcards, YAML anchors, escapes, control bytes.
TOKENS = [
    "[", "]", "{", "}", "(", ")", "*", "**", "?", "!", "\\", "'", '"', '"""', ":", "=", "==", "@", "#", "&a", "*a",
    "<<: *a", "- ", "\n", "\r", "\t", "\x00", "\x1b", "\u202e", "\udcff", "${A}", "$A", "-r ", "-e ", "-c ",
    "git+https://", "[[", "]]", "::", "not ", "a.", "()", "ARG A=$A\n", "FROM ", "RUN [", "\ufeff", "\u2028",
]

kinds = sorted(SAMPLES)


@st.composite
def mutated(draw, text: str) -> bytes:
    """The sample with a few edits: tokens inserted, spans deleted or repeated, a token repeated thousands of
    times (a bomb), or the whole file cut short."""
    data = text
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "repeat", "bomb", "truncate"]))
        if action == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=8)) + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)):]
        elif action == "repeat":
            span = data[at: at + draw(st.integers(1, 30))]
            data = data[:at] + span * draw(st.integers(2, 50)) + data[at:]
        elif action == "bomb":
            data = data[:at] + draw(st.sampled_from(TOKENS)) * draw(st.sampled_from([500, 3_000])) + data[at:]
        else:
            data = data[:at]
    raw = data.encode("utf-8", "surrogateescape") if draw(st.booleans()) else data.encode("utf-8", "replace")
    return raw


EXAMPLES = int(os.environ.get("MLREPOLINT_FUZZ_EXAMPLES", "8"))


@seed(int(os.environ.get("MLREPOLINT_FUZZ_SEED", "0")))
# No shrinking (a run takes seconds: shrinking a failure would take many minutes; the example is printed as found),
# and no example database, so every run tries the same examples.
@settings(max_examples=EXAMPLES, deadline=None, derandomize="MLREPOLINT_FUZZ_SEED" not in os.environ,
          phases=(Phase.explicit, Phase.generate), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(files=st.fixed_dictionaries({name: mutated(SAMPLES[name]) for name in kinds}),
       backend=st.sampled_from(["flake8", "ruff"]))
def test_any_mutation_ends_in_a_report(tmp_path_factory, files: dict[str, bytes], backend: str):
    root = tmp_path_factory.mktemp("fuzz")
    for name, content in files.items():
        (root / name).write_bytes(content)
    # Outside git: git's own pattern matching is exponential on some .gitignore lines, which is not ours to fix.
    run = assert_sound(run_bounded("--format", "json", "--no-cache", "--pep8-backend", backend, ".", cwd=root))
    report = json.loads(run.out)
    assert isinstance(report["findings"], list) and "score" in report
    json.dumps(report).encode("utf-8")  # valid UTF-8 for any input
