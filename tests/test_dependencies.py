"""unpinned-requirement (MLR501) and missing-lock-file (MLR502): every case of the issue, with its line."""

from __future__ import annotations

import hypothesis
import pytest
from linting import locations

from mlrepolint.rules.repo.lockfiles import MISSING_LOCK_FILE

SHA = "3f1c2a9d0b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a"
REPO = "https://github.com/org/features.git"


def unpinned(path: str, *lines: int) -> list[tuple[str, str, int]]:
    return [("MLR501", path, line) for line in lines]


# requirements.txt content -> lines reported by MLR501
REQUIREMENT_LINES = [
    ("pandas\n", [1]),
    ("numpy>=1.26\n", [1]),
    ("numpy~=1.26\n", [1]),
    ("numpy<2\n", [1]),
    ("numpy!=1.26.0\n", [1]),
    ("numpy==1.*\n", [1]),
    ("numpy>=1.26,<2\n", [1]),
    (f"git+{REPO}#egg=features\n", [1]),
    (f"git+{REPO}@main#egg=features\n", [1]),
    (f"features @ git+{REPO}@v1.2.0\n", [1]),
    (f"-e git+{REPO}@main#egg=features\n", [1]),
    ('torch>=2; python_version < "3.12"\n', [1]),
    ('requests>=2; platform_version == "a/b"\n', [1]),  # a slash in a marker is not a path
    ('requests>=2; sys_platform == "win32" and platform_release == "C:\\\\x"\n', [1]),
    ("pandas  # the dataframe library\n", [1]),
    ("pandas --hash=sha256:abc\n", [1]),
    ("numpy==1.26.4\n\n# a comment\npandas\n", [4]),
    ("numpy \\\n    >=1.26\npandas\n", [1, 3]),
    # pinned, skipped or not a requirement
    ("numpy==1.26.4\n", []),
    ("numpy===1.26.4\n", []),
    ('pkg==1.2; python_version < "3.12"\n', []),
    ("Pandas[performance]==2.2.2\n", []),
    ("https://files.example.com/features-1.0-py3-none-any.whl\n", []),
    ("features @ https://files.example.com/features-1.0.tar.gz\n", []),
    (f"git+{REPO}@{SHA}#egg=features\n", []),
    (f"features @ git+{REPO}@{SHA}\n", []),
    ("-e .\n", []),
    ("-e path\n", []),  # after -e, pip takes a local folder or a VCS URL, never a package name
    ("--editable libs/features[dev]\n", []),
    ("--editable ./libs/features\n", []),
    ("./libs/features\n", []),
    ("dist/features-1.0-py3-none-any.whl\n", []),
    ("--index-url https://pypi.example.com/simple\n-f ./wheels\n--extra-index-url https://x.example.com\n", []),
    ("--find-links=./wheels\n--no-binary :all:\n", []),
    ("# pandas\n   # numpy\n", []),
    ("numpy==1.26.4 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\n", []),
    ("${FEATURES_PACKAGE}\n", []),
    ("pip\nsetuptools\nwheel\n", []),
    ("mkdocstrings==0.21.2\nmkdocstrings[python]>=0.18\n", []),  # pip merges the two: pinned
]


@pytest.mark.parametrize("content, lines", REQUIREMENT_LINES)
def test_requirement_lines(tmp_path, content, lines):
    assert locations(tmp_path, {"requirements.txt": content}) == unpinned("requirements.txt", *lines)


@pytest.mark.parametrize(
    "path, reported",
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("requirements_gpu.txt", True),
        ("requirements/prod.txt", True),
        ("services/api/requirements/base.txt", True),
        ("dev-requirements.txt", True),
        ("test_requirements.txt", True),
        ("services/api/requirements.txt", True),
        ("requirements.in", False),
        ("requirements-dev.in", False),
        ("notes.txt", False),
        ("constraints.txt", False),
    ],
)
def test_requirements_file_names(tmp_path, path, reported):
    assert locations(tmp_path, {path: "pandas\n"}) == (unpinned(path, 1) if reported else [])


@pytest.mark.parametrize(
    "files, expected",
    [
        # -r is followed, relative to the including file, in every spelling
        ({"requirements.txt": "-r base.txt\n", "base.txt": "pandas\n"}, unpinned("base.txt", 1)),
        ({"requirements.txt": "--requirement=base.txt\n", "base.txt": "x\npandas\n"}, unpinned("base.txt", 1, 2)),
        ({"requirements.txt": "-rbase.txt\n", "base.txt": "pandas\n"}, unpinned("base.txt", 1)),
        ({"svc/requirements.txt": "-r ../shared.txt\n", "shared.txt": "pandas\n"}, unpinned("shared.txt", 1)),
        # cycles are safe and each file is reported once
        (
            {
                "requirements.txt": "-r requirements-dev.txt\npandas\n",
                "requirements-dev.txt": "-r requirements.txt\nblack\n",
            },
            unpinned("requirements-dev.txt", 2) + unpinned("requirements.txt", 2),
        ),
        # a missing include or one outside the repository is ignored
        ({"requirements.txt": "-r missing.txt\n-r ../../etc/x.txt\npandas\n"}, unpinned("requirements.txt", 3)),
        # a -c constraint file pins by PEP 503 name
        ({"requirements.txt": "-c constraints.txt\nScikit_Learn\n", "constraints.txt": "scikit-learn==1.5.0\n"}, []),
        ({"requirements.txt": "--constraint=c.txt\nscikit.learn\n", "c.txt": "SCIKIT-LEARN==1.5.0\n"}, []),
        # constraints apply to what the file includes, and nested constraint files count
        (
            {"requirements.txt": "-r base.txt\n-c constraints.txt\n", "base.txt": "pandas\n",
             "constraints.txt": "-c more.txt\n", "more.txt": "pandas==2.2.2\n"},
            [],
        ),
        # a range in a constraint file does not pin
        (
            {"requirements.txt": "-c constraints.txt\nscikit-learn\n", "constraints.txt": "scikit-learn>=1.4\n"},
            unpinned("requirements.txt", 2),
        ),
        # a constraint file only pins what is named in it
        (
            {
                "requirements.txt": "-c constraints.txt\nscikit-learn\npandas\n",
                "constraints.txt": "scikit-learn==1.5\n",
            },
            unpinned("requirements.txt", 3),
        ),
        # an included .in file is a pip-compile input: never reported
        ({"requirements.txt": "-r requirements.in\n", "requirements.in": "pandas\n"}, []),
    ],
)
def test_includes_and_constraints(tmp_path, files, expected):
    assert locations(tmp_path, files) == sorted(expected)


def test_a_malformed_line_is_a_parse_error_and_the_rest_is_checked(tmp_path):
    files = {"requirements.txt": "torch==2.3.1\nnot a requirement!\nscipy\n"}
    assert locations(tmp_path, files) == [("MLR001", "requirements.txt", 2), ("MLR501", "requirements.txt", 3)]


def test_an_invalid_marker_is_a_parse_error_even_with_a_slash(tmp_path):
    files = {"requirements.txt": 'numpy; os_name ==\nrequests; platform_version = "a/b"\npandas\n'}
    assert locations(tmp_path, files) == [
        ("MLR001", "requirements.txt", 1), ("MLR001", "requirements.txt", 2), ("MLR501", "requirements.txt", 3),
    ]


MLFLOW_FILES = {
    "MLproject": "name: churn\nconda_env: envs/train.yaml\nentry_points:\n  main:\n    command: python train.py\n",
    "envs/train.yaml": "name: churn\ndependencies:\n  - python=3.11\n  - numpy\n  - pip:\n    - mlflow==2.14.1\n",
    "conda.yaml": "dependencies:\n  - pandas=2.2.2\n  - scikit-learn>=1.4\n",
    "python_env.yaml": 'python: "3.11"\nbuild_dependencies:\n  - pip\ndependencies:\n  - mlflow>=2\n  - torch==2.3.1\n',
    "other/MLproject": "name: x\npython_env: env.yaml\n",
    "other/env.yaml": "dependencies:\n  - lightgbm\n",
}


def test_mlflow_environment_files(tmp_path):
    assert locations(tmp_path, MLFLOW_FILES) == [
        ("MLR501", "conda.yaml", 3), ("MLR501", "envs/train.yaml", 4), ("MLR501", "other/env.yaml", 2),
        ("MLR501", "python_env.yaml", 5),
    ]


CONDA_LINES = [
    ("  - numpy\n", [3]),
    ("  - numpy=1.26.*\n", [3]),
    ("  - numpy>=1.26\n", [3]),
    ("  - numpy >=1.26\n", [3]),
    ("  - numpy 1.26.*\n", [3]),
    ("  - python\n", [3]),
    ("  - numpy=1.26.4\n", []),
    ("  - numpy==1.26.4\n", []),
    ("  - numpy 1.26.4 py311h64a7726_0\n", []),
    ("  - conda-forge::numpy=1.26.4=py311h64a7726_0\n", []),
    ("  - python=3.11\n", []),
    ("  - python=3.x\n", []),
    ("  - python>=3.10\n", []),
    ("  - pip\n", []),
    ("  - pip\n  - pip:\n      - torch\n      - transformers==4.41.2\n      - -e .\n", [5]),
    ("  - pip:\n      - torch>=2\n      - --index-url https://x.example.com\n", [4]),
    (f"  - pip:\n      - git+{REPO}@main#egg=features\n      - git+{REPO}@{SHA}#egg=other\n", [4]),
]


@pytest.mark.parametrize("dependencies, lines", CONDA_LINES)
def test_conda_environment(tmp_path, dependencies, lines):
    content = "name: churn\ndependencies:\n" + dependencies
    assert locations(tmp_path, {"environment.yml": content}) == unpinned("environment.yml", *lines)


def test_conda_file_names_and_pip_includes(tmp_path):
    files = {
        "environment-gpu.yaml": "dependencies:\n  - cudatoolkit\n  - pip:\n    - -r extra.txt\n",
        "envs/environment.yml": "dependencies:\n  - numpy\n",
        "extra.txt": "wandb\n",
        "env.yml": "dependencies:\n  - numpy\n",
    }
    assert locations(tmp_path, files) == sorted(
        unpinned("envs/environment.yml", 2) + unpinned("environment-gpu.yaml", 2) + unpinned("extra.txt", 1)
    )


def test_unreadable_yaml_is_a_parse_error_with_its_line(tmp_path):
    files = {"environment.yml": "dependencies:\n  - numpy\n  - [unclosed\n", "requirements.txt": "pandas\n"}
    assert locations(tmp_path, files) == [("MLR001", "environment.yml", 3), ("MLR501", "requirements.txt", 1)]


PIPFILE = f"""[[source]]
url = "https://pypi.org/simple"
name = "pypi"

[packages]
numpy = "*"
pandas = "==2.2.2"
scipy = ">=1.11"
torch = {{version = "==2.3.1", index = "pytorch"}}
features = {{git = "{REPO}", ref = "main"}}
other = {{git = "{REPO}", ref = "{SHA}"}}
local = {{path = ".", editable = true}}
"Scikit_Learn" = "~=1.5"

[dev-packages]
pytest = "*"
"""


def test_pipfile_without_lock(tmp_path):
    assert locations(tmp_path, {"Pipfile": PIPFILE}) == [
        ("MLR501", "Pipfile", 6), ("MLR501", "Pipfile", 8), ("MLR501", "Pipfile", 10), ("MLR501", "Pipfile", 13),
        ("MLR501", "Pipfile", 16), ("MLR502", "Pipfile", 5),
    ]


def test_pipfile_with_lock_is_not_reported(tmp_path):
    assert locations(tmp_path, {"Pipfile": PIPFILE, "Pipfile.lock": "{}\n"}) == []


def test_invalid_pipfile_is_a_parse_error_with_its_line(tmp_path):
    assert locations(tmp_path, {"Pipfile": '[packages]\nnumpy = "*"\npandas = \n'}) == [("MLR001", "Pipfile", 3)]


BUILD_SYSTEM = '[build-system]\nrequires = ["setuptools"]\n\n'
PEP621 = BUILD_SYSTEM + '[project]\nname = "churn"\ndependencies = [\n    "scikit-learn>=1.3",\n]\n'
PEP621_PINNED = BUILD_SYSTEM + '[project]\nname = "churn"\ndependencies = ["numpy==1.26.4"]\n'
NO_BUILD_SYSTEM = '[project]\nname = "churn"\nversion = "1"\ndependencies = ["fastapi"]\n'
POETRY = '[tool.poetry]\nname = "churn"\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
POETRY_APP = POETRY + 'numpy = "^1.26"\n'
POETRY_EXACT = POETRY + 'numpy = "1.26.4"\n'
UV_APP = PEP621 + "\n[tool.uv]\npackage = false\n"
DOCKERFILE = "FROM python:3.12-slim\n"
LOCK = [("MLR502", "pyproject.toml", 6)]


@pytest.mark.parametrize(
    "files, expected",
    [
        # an application (something deploys it, or it opts out of packaging) with ranges and no lock
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE}, LOCK),
        ({"pyproject.toml": PEP621, "deploy/Procfile": "web: gunicorn app:app\n"}, LOCK),
        ({"pyproject.toml": PEP621, "docker-compose.yml": "services:\n  a:\n    build: .\n"}, LOCK),
        ({"pyproject.toml": NO_BUILD_SYSTEM}, [("MLR502", "pyproject.toml", 4)]),
        ({"pyproject.toml": UV_APP}, LOCK),
        ({"pyproject.toml": POETRY_APP}, [("MLR502", "pyproject.toml", 5)]),
        ({"pyproject.toml": POETRY + 'numpy = "1.26.3 || 1.26.4"\n'}, [("MLR502", "pyproject.toml", 5)]),
        ({"pyproject.toml": POETRY + 'numpy = {version = "*", optional = true}\n'}, [("MLR502", "pyproject.toml", 5)]),
        ({"Pipfile": '[packages]\nnumpy = "==1.26.4"\n\n[dev-packages]\npytest = "*"\n'},
         [("MLR501", "Pipfile", 5), ("MLR502", "Pipfile", 1)]),
        # a partly pinned requirements file is not a lock
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "requirements.txt": "numpy==1.26.4\npandas\n"},
         LOCK + unpinned("requirements.txt", 2)),
        # a library (package metadata, nothing deploys it) may use ranges
        ({"pyproject.toml": PEP621}, []),
        ({"pyproject.toml": PEP621, "requirements-dev.txt": "black==24.4.2\n"}, []),
        # a lock file, or a fully pinned requirements file, satisfies the rule
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "uv.lock": "version = 1\n"}, []),
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "poetry.lock": ""}, []),
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "conda-lock.yml": ""}, []),
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "requirements.txt": "scikit-learn==1.5.0\n"}, []),
        ({"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "requirements/prod.txt": "-r base.txt\n",
          "requirements/base.txt": "scikit-learn==1.5.0\n"}, []),
        ({"svc/pyproject.toml": PEP621, "svc/Dockerfile": DOCKERFILE, "uv.lock": ""}, []),
        ({"Pipfile": '[packages]\nnumpy = "*"\n', "Pipfile.lock": "{}"}, []),
        # exact versions only: nothing floats
        ({"pyproject.toml": PEP621_PINNED, "Dockerfile": DOCKERFILE}, []),
        ({"pyproject.toml": POETRY_EXACT}, []),
    ],
)
def test_missing_lock_file(tmp_path, files, expected):
    assert locations(tmp_path, files) == sorted(expected)


@pytest.mark.parametrize(
    "kind, files, expected",
    [
        ("application", {"pyproject.toml": PEP621}, LOCK),
        ("library", {"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE}, []),
        ("auto", {"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE}, LOCK),
    ],
)
def test_missing_lock_file_project_kind_option(tmp_path, kind, files, expected):
    options = {MISSING_LOCK_FILE.name: {**MISSING_LOCK_FILE.options, "project-kind": kind}}
    assert locations(tmp_path, files, options) == expected


def test_missing_lock_file_lock_files_option(tmp_path):
    files = {"pyproject.toml": PEP621, "Dockerfile": DOCKERFILE, "locks/prod.txt.lock": ""}
    options = {MISSING_LOCK_FILE.name: {**MISSING_LOCK_FILE.options, "lock-files": ("*.txt.lock",)}}
    assert locations(tmp_path, files) == LOCK
    assert locations(tmp_path, files, options) == LOCK  # only the project's folder or the root count
    files["prod.txt.lock"] = ""
    assert locations(tmp_path, files, options) == []


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"environment.yml": "dependencies: " + "[" * 3000 + "]" * 3000 + "\n"}, [("MLR001", "environment.yml", 1)]),
        ({"Pipfile": "[packages]\nx = " + "[" * 3000 + "]" * 3000 + "\n"}, [("MLR001", "Pipfile", 1)]),
        (
            {"requirements.txt": 'pkg; ' + "(" * 3000 + 'python_version < "3"' + ")" * 3000 + "\npandas\n"},
            [("MLR001", "requirements.txt", 1), ("MLR501", "requirements.txt", 2)],
        ),
        ({"requirements.txt": "\ufeffpandas\n"}, [("MLR501", "requirements.txt", 1)]),
        # saved as UTF-16 (PowerShell's `pip freeze >` does): read by its byte order mark, as pip reads it
        ({"requirements.txt": "pandas\r\nnumpy==1.26.4\r\n".encode("utf-16")}, [("MLR501", "requirements.txt", 1)]),
        (
            {"requirements.txt": b"pandas\r\nnumpy==1.26.4\r\n\xff\xfe\r\n"},
            [("MLR001", "requirements.txt", 3), ("MLR501", "requirements.txt", 1)],
        ),
    ],
)
def test_hostile_files_are_findings_not_tracebacks(tmp_path, files, expected):
    assert locations(tmp_path, files) == sorted(expected)


@hypothesis.given(hypothesis.strategies.text(alphabet="aZ09-_.İ ", max_size=12)
                  | hypothesis.strategies.text(max_size=8))
def test_package_names_are_normalised_as_packaging_does(name):
    from packaging.utils import canonicalize_name

    from mlrepolint.rules.repo.pins import canonical

    assert canonical(name) == canonicalize_name(name)
