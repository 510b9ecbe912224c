"""The names of the dependency and container files, for what looks for them without checking them.

What a project declares (`mlrepolint.rules.repo.declared`) is read by every run that checks imports, a commit of
one file included; the rules that check these files themselves load only when they run.
"""

from __future__ import annotations

REQUIREMENTS_FILES = ("requirements*.txt", "**/requirements/*.txt", "*-requirements.txt", "*_requirements.txt")
CONDA_FILES = ("environment*.yml", "environment*.yaml", "conda.yml", "conda.yaml")
#: MLflow's `python_env.yaml` (a Python version and a list of pip requirements); MLproject may name others.
PYTHON_ENV_FILES = ("python_env.yml", "python_env.yaml")
DOCKERFILES = (
    "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*",
    "!*.dockerignore",
)
