"""False positives found on the precision corpus (benchmarks/corpus/), one small repository per pattern.

Each case rebuilds the shape of real code that a rule got wrong (named in the comment), beside the true positive
the rule must keep, and asserts the exact findings (code, path, line) through the real executable.
"""

from __future__ import annotations

from conftest import run_cli

SETUP = '[build-system]\nrequires = ["setuptools"]\n\n[project]\nname = "{name}"\ndependencies = ["numpy>=1.20"]\n'


def located(root, *select: str) -> list[tuple[str, str, int | None]]:
    run = run_cli("--format", "json", "--no-cache", "--select", ",".join(select), cwd=root)
    assert run.code in (0, 1), run.err
    return sorted(run.locations(), key=lambda item: (item[0], item[1], item[2] or 0))


def test_swallowed_exception_probes_are_not_reported_and_silent_work_is(repo):
    root = repo({"probes.py": (
        '"""Probes."""\nimport torch\n\n\ndef fuser(self, model, net, path):\n'
        # timm tests: try/except/else, the else runs only when the capability exists
        "    try:\n        model.set_grad_checkpointing()\n    except Exception:\n        pass\n"
        "    else:\n        model(1)\n"
        # timm/utils/jit.py: a private switch not every torch has
        "    try:\n        torch._C._jit_set_nvfuser_enabled(False)\n    except Exception:\n        pass\n"
        # skorch benchmarks: a lookup whose only effect is its exception
        "    try:\n        net.history[-1, 'foobar']\n    except Exception as e:\n        pass\n"
        # the true positives: a public call, and work whose failure leaves a silently wrong result
        "    try:\n        model.load_state_dict(torch.load(path))\n    except Exception:\n        pass\n"
        "    try:\n        self_value = float(open(path).read())\n    except Exception:\n        pass\n"
        "    try:\n        self._save()\n    except Exception:\n        pass\n"
    )})
    assert located(root, "MLR803") == [
        ("MLR803", "probes.py", 22), ("MLR803", "probes.py", 26), ("MLR803", "probes.py", 30),
    ]


def test_module_docstring_skips_private_packages_and_config_files_a_script_takes(repo):
    root = repo({
        # imbalanced-learn: a module of the private package `_test_common`
        "lib/__init__.py": "", "lib/_common/__init__.py": "", "lib/_common/generator.py": "X = 1\n",
        "lib/public.py": "X = 1\n",
        # nanoGPT: config files the README passes to train.py, which exec's them
        "train.py": '"""Train."""\nimport sys\n\nexec(open(sys.argv[1]).read())\n',
        "config/train_small.py": "batch_size = 12\n",
        "README.md": "# gpt\n\n```\npython train.py config/train_small.py\n```\n",
        "loose.py": "import os\n\nX = os.sep\n",
    })
    assert located(root, "MLR101") == [("MLR101", "lib/public.py", 1), ("MLR101", "loose.py", 1)]


def test_missing_lock_file_trusts_a_library_with_a_contributors_dockerfile(repo):
    library = repo({  # skorch: a library with a development Dockerfile
        "pyproject.toml": SETUP.format(name="skorch"), "skorch/__init__.py": '"""Lib."""\n',
        "Dockerfile": "FROM python:3.12.4\nRUN pip install -e .\n",
    }, name="library")
    service = repo({  # a service: its Dockerfile deploys it
        "pyproject.toml": SETUP.format(name="churn"), "churn/__init__.py": '"""Svc."""\n',
        "churn/app.py": '"""App."""\nfrom fastapi import FastAPI\n\napp = FastAPI()\n',
        "Dockerfile": 'FROM python:3.12.4\nCMD ["uvicorn", "churn.app:app"]\n',
    }, name="service")
    assert located(library, "MLR502") == []
    assert located(service, "MLR502") == [("MLR502", "pyproject.toml", 6)]


def test_docker_latest_tag_skips_the_image_the_repository_builds(repo):
    root = repo({  # skorch: examples/translation/Dockerfile starts FROM the root Dockerfile's image
        "pyproject.toml": SETUP.format(name="skorch"), "skorch/__init__.py": '"""Lib."""\n',
        "Dockerfile": "FROM python:3.12.4\n",
        "examples/translation/Dockerfile": "FROM skorch:latest\n",
        "examples/other/Dockerfile": "FROM python:latest\n",
    })
    assert located(root, "MLR601") == [("MLR601", "examples/other/Dockerfile", 1)]


def test_readme_container_build_steps_are_install_instructions(repo):
    docker = repo({"README.md": "# svc\n\n```\ndocker build -t svc .\ndocker run svc\n```\n"}, name="docker")
    bare = repo({"README.md": "# svc\n\nRun it with `python app.py`.\n"}, name="bare")
    assert located(docker, "MLR701") == []
    assert located(bare, "MLR701") == [("MLR701", "README.md", None)]


def test_missing_tests_not_asked_of_a_book_but_of_a_course_with_an_app(repo):
    notebook = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    book = repo({  # python-data-science-handbook: notebooks, their helpers, the website's tooling
        **{f"notebooks/{n:02}.ipynb": notebook for n in range(6)},
        "notebooks/helpers.py": "def plot():\n    return 1\n", "tools/add_navigation.py": "print('nav')\n",
    }, name="book")
    course = repo({  # the same collection with a service it deploys is a project to test
        **{f"notebooks/{n:02}.ipynb": notebook for n in range(6)},
        "notebooks/helpers.py": "def plot():\n    return 1\n",
        "serve/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    }, name="course")
    assert located(book, "MLR702") == []
    assert located(course, "MLR702") == [("MLR702", "tests/", None)]


def test_parse_error_skips_the_pyproject_of_a_project_template(repo):
    root = repo({  # cookiecutter-data-science: a Jinja-templated pyproject.toml in the template folder
        "cookiecutter.json": '{"repo_name": "x"}\n',
        "{{ cookiecutter.repo_name }}/pyproject.toml": "[project]\nname = {{ cookiecutter.module_name|tojson }}\n",
        "broken/pyproject.toml": "[project]\nname = \n",
    })
    assert located(root, "MLR001") == [("MLR001", "broken/pyproject.toml", 2)]


def test_class_docstring_assigned_to_dunder_doc_counts(repo):
    root = repo({"lib.py": (  # skorch: NeuralNetBinaryClassifier builds its docstring at import
        '"""Lib."""\n\n\nclass Built:\n    __doc__ = "built".upper()\n\n\nclass Bare:\n    x = 1\n'
    )})
    assert located(root, "MLR102") == [("MLR102", "lib.py", 8)]
