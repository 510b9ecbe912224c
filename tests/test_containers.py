"""docker-latest-tag (MLR601) and docker-unpinned-install (MLR602): every case of the issue, with its line."""

from __future__ import annotations

import pytest
from linting import lint, locations

from mlrepolint.rules.repo.docker import DOCKER_LATEST_TAG

DIGEST = "sha256:" + "ab" * 32

# Dockerfile content -> lines reported by MLR601 at the rule's severity (error)
FROM_LINES = [
    ("FROM python:latest\n", [1]),
    ("FROM python\n", [1]),
    ("from python:latest\n", [1]),
    ("FROM registry.local:5000/team/img\n", [1]),
    ("FROM registry.local:5000/team/img:latest\n", [1]),
    ("FROM --platform=linux/amd64 python\n", [1]),
    ("FROM --platform=$BUILDPLATFORM python:latest AS build\n", [1]),
    ("ARG BASE=python\nFROM ${BASE}\n", [2]),
    ("ARG BASE=python:latest\nFROM $BASE AS train\n", [2]),
    ("ARG TAG=latest\nFROM python:${TAG}\n", [2]),
    ('ARG BASE="pytorch/pytorch"\nFROM ${BASE}\n', [2]),
    ("ARG BASE=python:3.12\nFROM ${BASE:+nvidia/cuda}\n", [2]),
    ("FROM python:3.12 AS builder\nFROM ubuntu\nCOPY --from=builder /a /b\n", [2]),
    ("FROM python:3.12\nCOPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx.conf\n", [2]),
    ("FROM \\\n    python:latest \\\n    AS base\n", [1]),
    ("FROM python:3.12 AS a\n# comment\nRUN echo hi\n\nFROM python AS b\n", [5]),
    # not reported
    ("FROM scratch\n", []),
    ("FROM python:3.12-slim\n", []),
    (f"FROM python@{DIGEST}\n", []),
    (f"FROM python:latest@{DIGEST}\n", []),
    ("FROM registry.local:5000/team/img:1.4.2\n", []),
    ("FROM python:3.12 AS Builder\nFROM builder\n", []),
    ("FROM python:3.12 AS builder\nFROM BUILDER AS final\nCOPY --from=Builder /a /b\nCOPY --from=0 /a /b\n", []),
    ("ARG BASE=python:3.12-slim\nFROM ${BASE}\n", []),
    ("ARG PY=3.12 VARIANT=slim\nFROM python:${PY}-${VARIANT}\n", []),
    ("ARG PY=3.12\nARG BASE=python:${PY}-slim\nFROM ${BASE}\n", []),
    ("ARG BASE\nFROM ${BASE:-python:3.12}\n", []),
    ("# FROM python:latest\nFROM python:3.12\n", []),
    ("FROM python:3.12\nARG BASE=python\nRUN echo $BASE\n", []),
    ("FROM node:lts\n", []),
]


@pytest.mark.parametrize("content, lines", FROM_LINES)
def test_from_lines(tmp_path, content, lines):
    assert lint(tmp_path, {"Dockerfile": content}) == [("MLR601", "Dockerfile", line, "error") for line in lines]


@pytest.mark.parametrize(
    "content, line",
    [
        ("ARG BASE\nFROM ${BASE}\n", 2),
        ("ARG PY\nFROM python:${PY}\n", 2),
        ("FROM $UNDECLARED AS x\n", 1),
        ("ARG REGISTRY\nARG TAG\nFROM ${REGISTRY}/app:${TAG}\n", 3),
    ],
)
def test_an_image_from_an_arg_without_default_is_info(tmp_path, content, line):
    assert lint(tmp_path, {"Dockerfile": content}) == [("MLR601", "Dockerfile", line, "info")]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("RUN <<EOF\npip install torch\nEOF\nFROM python\n", [("MLR601", 5), ("MLR602", 3)]),
        ("RUN <<-EOF\n\tpip install torch\n\tEOF\nFROM python\n", [("MLR601", 5), ("MLR602", 3)]),
        ("COPY <<EOF /app/run.sh\nFROM python\nEOF\n", []),
        # quoted, or never terminated: not a heredoc, the following lines are instructions
        ('RUN echo "a <<EOF"\nFROM python\n', [("MLR601", 3)]),
        ("RUN cat <<EOF\nFROM python\n", [("MLR601", 3)]),
    ],
)
def test_heredocs(tmp_path, content, expected):
    files = {"Dockerfile": "FROM python:3.12\n" + content}
    assert locations(tmp_path, files) == [(code, "Dockerfile", line) for code, line in expected]


def test_escape_directive_and_heredoc(tmp_path):
    content = "# escape=`\nFROM python:3.12 `\n    AS base\nRUN <<EOF\npip install torch\nEOF\nFROM python\n"
    assert locations(tmp_path, {"Dockerfile": content}) == [("MLR601", "Dockerfile", 7), ("MLR602", "Dockerfile", 5)]


@pytest.mark.parametrize(
    "path, reported",
    [
        ("Dockerfile", True),
        ("Dockerfile.gpu", True),
        ("train.Dockerfile", True),
        ("Containerfile", True),
        ("docker/serve/Dockerfile", True),
        ("Dockerfile.dockerignore", False),
        ("dockerfile_notes.md", False),
    ],
)
def test_dockerfile_names(tmp_path, path, reported):
    assert locations(tmp_path, {path: "FROM python\n"}) == ([("MLR601", path, 1)] if reported else [])


def test_floating_tags_option(tmp_path):
    options = {DOCKER_LATEST_TAG.name: {"floating-tags": ("latest", "lts", "Stable")}}
    files = {"Dockerfile": "FROM node:lts\nFROM debian:stable\nFROM python:3.12\nFROM python:latest\n"}
    assert locations(tmp_path, files, options) == [("MLR601", "Dockerfile", line) for line in (1, 2, 4)]


COMPOSE_CASES = [
    ("services:\n  cache:\n    image: redis\n", [(3, "error")]),
    ("services:\n  cache:\n    image: redis:latest\n", [(3, "error")]),
    ("services:\n  cache:\n    image: \"registry.local:5000/redis\"\n", [(3, "error")]),
    ("services:\n  cache:\n    image: redis:${REDIS_TAG:-latest}\n", [(3, "error")]),
    ("services:\n  cache:\n    image: ${REDIS_IMAGE}\n", [(3, "info")]),
    ("services:\n  app:\n    image: ${REGISTRY}/churn-api\n", [(3, "error")]),
    ("services:\n  app:\n    image: ${REGISTRY}/churn-api:latest\n", [(3, "error")]),
    ("services:\n  app:\n    image: ${REGISTRY}/churn-api:1.4.2\n", []),
    (f"services:\n  app:\n    image: ${{IMAGE}}@{DIGEST}\n", []),
    ("x-base: &base\n  image: python\nservices:\n  a:\n    <<: *base\n", [(2, "error")]),
    ("version: '3.8'\nservices:\n  db:\n    image: postgres:16.3\n  web:\n    image: nginx\n", [(6, "error")]),
    # not reported
    ("services:\n  cache:\n    image: redis:7.2\n", []),
    (f"services:\n  cache:\n    image: redis@{DIGEST}\n", []),
    ("services:\n  train:\n    build: .\n", []),
    ("services:\n  train:\n    build:\n      context: .\n    image: churn-train\n", []),
    ("services:\n  cache:\n    image: redis:${REDIS_TAG:-7.2}\n", []),
    ("name: x\n", []),
    ("", []),
]


@pytest.mark.parametrize("content, expected", COMPOSE_CASES)
def test_compose_images(tmp_path, content, expected):
    found = lint(tmp_path, {"docker-compose.yml": content})
    assert found == [("MLR601", "docker-compose.yml", line, severity) for line, severity in expected]


@pytest.mark.parametrize(
    "path, reported",
    [
        ("docker-compose.yml", True),
        ("docker-compose.prod.yaml", True),
        ("compose.yaml", True),
        ("deploy/compose.override.yml", True),
        ("config.yml", False),
    ],
)
def test_compose_file_names(tmp_path, path, reported):
    files = {path: "services:\n  cache:\n    image: redis\n"}
    assert locations(tmp_path, files) == ([("MLR601", path, 3)] if reported else [])


def test_unreadable_compose_file_is_a_parse_error(tmp_path):
    files = {"docker-compose.yml": "services:\n  cache:\n    image: redis\n   bad: [\n", "Dockerfile": "FROM python\n"}
    assert locations(tmp_path, files) == [("MLR001", "docker-compose.yml", 4), ("MLR601", "Dockerfile", 1)]


# RUN instructions (after `FROM python:3.12`) -> lines reported by MLR602
RUN_LINES = [
    ("RUN pip install torch\n", [2]),
    ("RUN pip3 install torch\n", [2]),
    ("RUN python -m pip install torch\n", [2]),
    ("RUN python3.12 -m pip install 'torch>=2'\n", [2]),
    ("RUN /usr/local/bin/pip install -U torch\n", [2]),
    ("RUN uv pip install --system torch\n", [2]),
    ("run pip install --no-cache-dir --index-url https://mirror.example.com torch==2.3.1 numpy\n", [2]),
    ("RUN apt-get update && \\\n    pip install --no-cache-dir \\\n      torch==2.3.1 \\\n      transformers\n", [5]),
    ("RUN pip install torch==2.3.1 && pip install numpy; pip install pandas==2.2.2 || true\n", [2]),
    ('RUN ["pip", "install", "torch"]\n', [2]),
    ("RUN pip install \\\n    torchaudio==2.3.1 \\\n    'torch'\n", [4]),
    ("RUN --mount=type=cache,target=/root/.cache pip install torch\n", [2]),
    ('RUN pip install "git+https://github.com/org/features.git@main"\n', [2]),
    ("ONBUILD RUN pip install torch\n", [2]),
    ('RUN pip install mkdocstrings==0.21.2 "mkdocstrings[python]>=0.18"\n', []),  # pinned by the same command
    ("onbuild run pip install torch==2.3.1 transformers\n", [2]),
    ("ONBUILD COPY . /app\n", []),
    ("RUN pip install torch==2.*\n", [2]),
    # not reported
    ("RUN pip install torch==2.3.1\n", []),
    ("RUN pip install -r requirements.txt\n", []),
    ("RUN pip install --requirement requirements.txt\n", []),
    ("RUN pip install --requirement=requirements.txt -rother.txt\n", []),
    ("RUN pip install .\n", []),
    ("RUN pip install -e .\n", []),
    ("RUN pip install /wheels/features-1.0-py3-none-any.whl\n", []),
    ("RUN pip install dist/*.whl\n", []),
    ("RUN pip install --no-cache-dir --target libs --progress-bar off torch==2.3.1\n", []),
    ("RUN pip install -i https://mirror.example.com -t libs torch==2.3.1\n", []),
    ("RUN pip install --upgrade pip setuptools wheel\n", []),
    ("RUN pip install -c constraints.txt torch transformers\n", []),
    ("RUN pip install $EXTRA_PACKAGES\n", []),
    ("RUN apt-get install -y python3-pip\n", []),
    ("RUN conda install -y pip\n", []),
    ("RUN pip install 'unbalanced\n", []),
    ("RUN pip install torch==2.3.1 > install.log 2>&1\n", []),
    ("RUN pip install torch==2.3.1 >install.log 2> errors.log\n", []),
    ("# RUN pip install torch\n", []),
]


@pytest.mark.parametrize("run, lines", RUN_LINES)
def test_pip_install_in_dockerfile(tmp_path, run, lines):
    files = {"Dockerfile": "FROM python:3.12\n" + run}
    assert locations(tmp_path, files) == [("MLR602", "Dockerfile", line) for line in lines]


def test_ignore_packages_option(tmp_path):
    options = {"docker-unpinned-install": {"ignore-packages": ["Jupyter_Lab"]}}
    files = {"Dockerfile": "FROM python:3.12\nRUN pip install jupyter-lab\nRUN pip install -U pip\n"}
    assert locations(tmp_path, files) == [("MLR602", "Dockerfile", 2)]
    assert locations(tmp_path, files, options) == [("MLR602", "Dockerfile", 3)]


def test_an_anchor_that_merges_itself_is_read_once(tmp_path):
    files = {"compose.yaml": "services: &s\n  <<: *s\n  a: &a\n    <<: *a\n    image: redis\n"}
    assert locations(tmp_path, files) == [("MLR601", "compose.yaml", 5)]
