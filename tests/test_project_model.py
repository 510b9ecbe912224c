"""The project model on small real repositories: the false positives it removes and the misses it finds.

Each case is a repository whose files real ML projects have (a package `__init__` that populates a registry, a
FastAPI app served by uvicorn, a Lambda handler loading its model at import, a Streamlit page, a cookiecutter
template, a DVC-managed `data/`...), linted through the real executable; the test asserts the exact findings
(code, path, line) of the rules the model changed.
"""

from __future__ import annotations

import pytest
from conftest import git, lint_json, run_cli, write_files

GUARD = 'if __name__ == "__main__":\n    main()\n'
STRUCTURE = ("--select", "MLR201,MLR202,MLR203")
PICKLE = b"\x80\x04\x95" + b"\0" * 40 + b"."
MB = 1_000_000


def findings(repo, files: dict, *select: str) -> list[tuple[str, str, int | None]]:
    return lint_json(repo(files), "--select", ",".join(select)).locations()


def check_cases(repo, cases: list, *select: str) -> None:
    """Lint every case (files, expected findings) in one repository, each in a folder of its own, and compare
    each folder's findings with its case's."""
    files, expected = {}, {}
    for case in cases:
        name = case.id
        files.update({f"{name}/{path}": content for path, content in case.values[0].items()})
        expected[name] = [(code, f"{name}/{path}", line) for code, path, line in case.values[1]]
    found: dict[str, list] = {name: [] for name in expected}
    for code, path, line in findings(repo, files, *select):
        found[path.split("/")[0]].append((code, path, line))
    assert found == expected


# What a Python file is for: false positives of missing-main-guard and top-level-execution.

FALSE_POSITIVES = [
    pytest.param(  # registry population in a package __init__
        {"models/__init__.py": (
            "from .resnet import resnet50\nfrom .registry import register_model\n\n"
            "for _name in ('resnet50',):\n    register_model(_name)\n"
        ), "models/resnet.py": "def resnet50():\n    return None\n", "models/registry.py": "def register_model(n):\n    pass\n"},
        [], id="registry-in-package-init"),
    pytest.param(  # a loop that only builds an in-memory constant, in a library module
        {"lib/__init__.py": "", "lib/acts.py": (
            "_DEFAULTS = dict(relu=1, gelu=2)\nTABLE = {}\nfor k, v in _DEFAULTS.items():\n"
            "    TABLE[k] = v\n    TABLE.setdefault(k + '_x', TABLE.get(k))\n"
        )},
        [], id="constant-building-loop"),
    pytest.param(  # a __version__.py reading its version at import: metadata, not work, and not a script
        {"__version__.py": (
            "from pathlib import Path\n\n__version__ = open('VERSION').read().strip()\n"
            "with open(Path(__file__).parent / 'VERSION') as fh:\n    __version__ = fh.read().strip()\n"
            "print(__version__)\n"
        ), "VERSION": "1.0\n"},
        [("MLR201", "__version__.py", 6)], id="version-module"),
    pytest.param(  # a library module's import-time work is reported, but it is never asked for a main guard
        {"pkg/__init__.py": "", "pkg/names.py": "import sys\n\nfor name in sys.argv:\n    print(name)\n"},
        [("MLR201", "pkg/names.py", 3)], id="library-module"),
    pytest.param(  # a pytest module
        {"tests/test_data.py": (
            "import json\n\nCASES = json.load(open('tests/cases.json'))\n\n\ndef test_cases():\n    assert CASES\n"
        )},
        [("MLR201", "tests/test_data.py", 3)], id="pytest-module"),
    pytest.param(  # a FastAPI app served by uvicorn, loading its model at import
        {"app/__init__.py": "", "app/main.py": (
            "import joblib\nfrom fastapi import FastAPI\n\napp = FastAPI()\nmodel = joblib.load('model.joblib')\n"
            "model.eval()\n\n\n@app.post('/predict')\ndef predict(x: float):\n    return model.predict([[x]])\n"
        ), "Dockerfile": 'FROM python:3.11-slim\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n'},
        [], id="fastapi-app"),
    pytest.param(  # an AWS Lambda handler loading its model at import (the cold-start pattern)
        {"lambda_function.py": (
            "import pickle\nimport boto3\n\ns3 = boto3.client('s3')\nwith open('model.bin', 'rb') as f_in:\n"
            "    dv, model = pickle.load(f_in)\n\n\ndef lambda_handler(event, context):\n"
            "    return model.predict(dv.transform(event))\n"
        )},
        [], id="lambda-handler"),
    pytest.param(  # a Flask app named by gunicorn in a Dockerfile
        {"service/predict.py": (
            "import pickle\nfrom flask import Flask\n\nwith open('lin_reg.bin', 'rb') as f_in:\n"
            "    (dv, model) = pickle.load(f_in)\n\napp = Flask('duration')\n"
        ), "service/Dockerfile": 'FROM python:3.9\nENTRYPOINT [ "gunicorn", "--bind=0.0.0.0:9696", "predict:app" ]\n'},
        [], id="flask-app-by-gunicorn"),
    pytest.param(  # a Ray Serve module
        {"serve_app.py": (
            "import torch\nfrom ray import serve\n\nweights = torch.load('w.pt')\n\n\n@serve.deployment\n"
            "class Model:\n    def __call__(self, request):\n        return weights\n\n\napp = Model.bind()\n"
        )},
        [], id="ray-serve"),
    pytest.param(  # a Streamlit page: st.* calls and work at its top level are the framework's idiom
        {"streamlit_app.py": (
            "import pandas as pd\nimport streamlit as st\n\nst.title('Uber pickups')\n"
            "df = pd.read_csv('uber.csv.gz')\nst.map(df)\n"
        )},
        [], id="streamlit-page"),
    pytest.param(  # an entry script configuring MLflow at its top level, its work under a guard
        {"train.py": (
            "import mlflow\n\nmlflow.set_tracking_uri('http://127.0.0.1:5000')\nmlflow.set_experiment('x')\n"
            "mlflow.sklearn.autolog()\n\n\ndef main():\n    pass\n\n\n" + GUARD
        )},
        [], id="mlflow-in-entry-script"),
    pytest.param(  # a Sphinx-Gallery example is rendered top to bottom
        {"docs/conf.py": "sphinx_gallery_conf = {'examples_dirs': '../examples'}\n",
         "examples/plot_roc.py": "import matplotlib.pyplot as plt\n\nplt.plot([0, 1])\nplt.show()\n"},
        [], id="sphinx-gallery"),
    pytest.param(  # a Gradio app builds its interface at import
        {"app.py": (
            "import gradio as gr\nfrom transformers import pipeline\n\nclassifier = pipeline('sentiment-analysis')\n"
            "print('model loaded')\n\nwith gr.Blocks() as demo:\n    text = gr.Textbox()\n    button = gr.Button()\n"
            "    button.click(fn=classifier, inputs=text)\n"
        )},
        [], id="gradio-app"),
    pytest.param(  # a Lambda loading a TFLite model at import
        {"lambda_function.py": (
            "import tflite_runtime.interpreter as tflite\n\ninterpreter = tflite.Interpreter(model_path='m.tflite')\n"
            "interpreter.allocate_tensors()\n\n\ndef lambda_handler(event, context):\n    return interpreter\n"
        )},
        [], id="lambda-tflite"),
    pytest.param(  # an install hint printed before the ImportError is raised again
        {"lib/__init__.py": "", "lib/reader.py": (
            "try:\n    import datasets\nexcept ImportError as e:\n    print('pip install datasets')\n    raise e\n"
        )},
        [], id="import-error-hint"),
    pytest.param(  # a file another script runs through exec(open(...).read()) is part of that script
        {"configurator.py": "import sys\n\nfor arg in sys.argv[1:]:\n    exec(open(arg).read())\n",
         "train.py": "exec(open('configurator.py').read())\n\n\ndef main():\n    pass\n\n\n" + GUARD},
        [("MLR201", "train.py", 1)], id="exec-configurator"),
    pytest.param(  # a file named like a test that defines none, run as a script: an entry script
        {"integration_test.py": "import requests\n\nr = requests.post('http://localhost:9696/predict')\nprint(r)\n",
         "run.sh": "python integration_test.py\n"},
        [("MLR201", "integration_test.py", 3), ("MLR202", "integration_test.py", 3),
         ("MLR201", "integration_test.py", 4)], id="script-named-like-a-test"),
]


def test_structure_false_positives_are_gone(repo):
    check_cases(repo, FALSE_POSITIVES, *STRUCTURE[1:])


SCRIPTS_AND_HELPERS = [
    pytest.param(  # a loose script nothing imports: still asked for a guard
        {"train.py": "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n"},
        [("MLR201", "train.py", 3), ("MLR202", "train.py", 3)], id="loose-script"),
    pytest.param(  # the same file imported by another is a module: no guard asked
        {"train.py": "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n",
         "report.py": "from train import df\n\n\ndef main():\n    return df\n\n\n" + GUARD},
        [("MLR201", "train.py", 3)], id="loose-module-imported"),
    pytest.param(  # work through a helper of the same file that reads data
        {"train.py": (
            "import pandas as pd\n\n\ndef load_data_s3():\n    return pd.read_csv('s3://bucket/train.csv')\n\n\n"
            "df = load_data_s3()\n"
        )},
        [("MLR201", "train.py", 8), ("MLR202", "train.py", 8)], id="helper-same-file"),
    pytest.param(  # work through a helper of a loose repository module
        {"utils.py": "import pandas as pd\n\n\ndef load_data_s3():\n    return pd.read_csv('s3://b/train.csv')\n",
         "train.py": "from utils import load_data_s3\n\ndf = load_data_s3()\n\n\ndef main():\n    pass\n\n\n" + GUARD},
        [("MLR201", "train.py", 3)], id="helper-other-module"),
    pytest.param(  # a helper that does no I/O is not work
        {"utils.py": "def make_config():\n    return {'lr': 0.1}\n",
         "train.py": "from utils import make_config\n\nCONFIG = make_config()\n\n\ndef main():\n    pass\n\n\n" + GUARD},
        [], id="helper-without-io"),
]


def test_structure_scripts_modules_and_helpers(repo):
    check_cases(repo, SCRIPTS_AND_HELPERS, *STRUCTURE[1:])


def test_helper_message_names_the_call_inside(repo):
    root = repo({
        "utils.py": "import pandas as pd\n\n\ndef load_data_s3():\n    return pd.read_csv('s3://b/train.csv')\n",
        "train.py": "from utils import load_data_s3\n\ndf = load_data_s3()\n",
    })
    messages = [f["message"] for f in lint_json(root, "--select", "MLR201").findings]
    assert messages == [
        "assignment from `load_data_s3(...)` (a function of the repository that calls `pd.read_csv(...)` in "
        "utils.py) at module level runs on import"
    ]


# import-time-configuration (MLR203).

CONFIGURATION = (
    "import logging\nimport sys\nimport warnings\n\nimport matplotlib\nimport mlflow\nimport numpy as np\n"
    "import pandas as pd\nimport torch\nfrom dotenv import load_dotenv\n\n"
    "logging.basicConfig(level=logging.INFO)\n"  # 12
    "logging.getLogger().addHandler(logging.StreamHandler())\n"  # 13
    "warnings.filterwarnings('ignore')\n"  # 14
    "sys.path.insert(0, '..')\n"  # 15
    "matplotlib.use('Agg')\n"  # 16
    "load_dotenv()\n"  # 17
    "np.random.seed(0)\n"  # 18
    "torch.manual_seed(0)\n"  # 19
    "mlflow.set_tracking_uri('http://localhost:5000')\n"  # 20
    "pd.set_option('display.max_columns', 50)\n"  # 21
    "pd.options.display.width = 200\n"  # 22
    "root = logging.getLogger()\n"  # 23
    "root.setLevel(logging.DEBUG)\n"  # 24
    "logger = logging.getLogger(__name__)\n"  # 25: a module's own logger is fine
    "logger.setLevel(logging.INFO)\n"  # 26: so is its level
    "rng = np.random.default_rng(0)\n"  # 27
    "rng.seed = None\n"  # 28
)
CONFIGURED = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24]


def test_import_time_configuration(repo):
    checked = ("src/pkg/__init__.py", "src/pkg/utils.py")  # a package __init__ and a library module
    unchecked = ("train.py", "tests/test_x.py", "docs/conf.py")  # an entry script, a test, Sphinx's config
    run = lint_json(repo({path: CONFIGURATION for path in checked + unchecked}), "--select", "MLR203")
    assert run.locations() == [("MLR203", path, line) for path in checked for line in CONFIGURED]


def test_import_time_configuration_message_and_guard(repo):
    root = repo({"pkg/__init__.py": "", "pkg/log.py": (
        "import logging as lg\n\nif True:\n    lg.basicConfig()\n\n\ndef setup():\n    lg.basicConfig()\n\n\n"
        "if __name__ == '__main__':\n    lg.basicConfig()\n"
    )})
    found = lint_json(root, "--select", "MLR203").findings
    assert [(f["line"], f["message"]) for f in found] == [
        (4, "`lg.basicConfig(...)` at import changes logging for every program that imports this module"),
    ]


def test_top_level_execution_leaves_configuration_to_mlr203(repo):
    root = repo({"pkg/__init__.py": "import mlflow\n\nmlflow.set_tracking_uri('file:./mlruns')\n"})
    assert lint_json(root, *STRUCTURE).locations() == [("MLR203", "pkg/__init__.py", 3)]


# print-in-module: importable modules only.

PRINTS = [
    pytest.param(  # click commands: their output is their interface
        {"pkg/__init__.py": "", "pkg/commands.py": (
            "import click\n\n\n@click.command()\n@click.argument('name')\ndef hello(name):\n    print(f'hi {name}')\n"
        )},
        [], id="click"),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/tool.py": (
            "import typer\n\napp = typer.Typer()\n\n\n@app.command()\ndef hello(name: str):\n    print(name)\n"
        )},
        [], id="typer"),
    pytest.param(  # an argparse main with a guard: prints in its helpers too
        {"tools/convert.py": (
            "import argparse\n\n\ndef report(args):\n    print(args)\n\n\ndef main():\n"
            "    report(argparse.ArgumentParser().parse_args())\n\n\n" + GUARD
        )},
        [], id="argparse-main"),
    pytest.param(  # a client script nothing imports
        {"client.py": "import requests\n\nresponse = requests.post('http://localhost:8000')\nprint(response.json())\n"},
        [], id="client-script"),
    pytest.param(  # a library module's prints are still reported
        {"pkg/__init__.py": "", "pkg/metrics.py": "def report(acc):\n    print(f'accuracy {acc}')\n"},
        [("MLR801", "pkg/metrics.py", 2)], id="library-module"),
    pytest.param(  # unless printing is an option (`verbose`) or the function's purpose (`show_versions`)
        {"pkg/__init__.py": "", "pkg/fit.py": (
            "def fit(X, verbose=0):\n    if verbose > 1:\n        print('fitting')\n\n\ndef show_versions():\n"
            "    print('numpy 2.0')\n\n\nclass Net:\n    def initialize(self):\n        if self.verbose:\n"
            "            print('re-initializing')\n        print('done')\n"
        )},
        [("MLR801", "pkg/fit.py", 14)], id="verbose-and-show"),
    pytest.param(  # so are an app module's
        {"app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n"
                   "    print('request')\n    return 'ok'\n"},
        [("MLR801", "app.py", 8)], id="app-module"),
]


def test_print_in_module(repo):
    check_cases(repo, PRINTS, "MLR801")


# Artifacts: by content, and not for what is published.

def test_artifacts_by_content_and_by_the_model(repo):
    root = repo({
        "homework/model.bin": PICKLE,  # a pickled model, whatever its suffix
        "web-service/dv.bin": PICKLE,
        "weights/encoder.bin": b"PK\x03\x04" + b"\0" * 22 + bytes([16, 0]) + b"\0\0" + b"archive/data.pkl" + b"\0" * 8,
        "export/head.bin": (12).to_bytes(8, "little") + b'{"w":{}}    ' + b"\0" * 8,
        "cache/features.bin": PICKLE,  # a pickle named like data
        "other/blob.bin": b"\0" * 100,  # nothing recognisable, small
        "corpus/train.txt": "the quick brown fox\n" * 60_000,  # text data over 1 MB
        "tokenizer/vocab.txt": "token\n" * 200_000,
        "pkg/__init__.py": "", "pkg/labels.txt": "label\n" * 200_000,  # a package's lookup table
        "results/README.md": "# Results\n\n[ImageNet](results-imagenet.csv)\n",
        "results/results-imagenet.csv": "model,top1\n" + "resnet,80\n" * 2000,
        "results/benchmark-infer.csv": "model,ms\n" + "resnet,3\n" * 2000,  # beside a linked table
        "README.md": "# Course\n\n![arch](assets/arch.png)\n\nSee [the lectures](lectures.csv).\n",
        "lectures.csv": "week,title\n" + "1,intro\n" * 200,  # a 2 KB index the README publishes
        "04-evaluation/meta.csv": "lesson,name,video\n" + "1,ROC,https://www.youtube.com/watch?v=x\n" * 20,
        "assets/arch.png": b"\x89PNG" + b"\0" * (MB + 10),
        "docs/images/pipeline.gif": b"GIF89a" + b"\0" * (MB + 10),
        "data/train.csv": "a,b\n1,2\n",  # still data, even when a README links it
    })
    run = lint_json(root, "--select", "MLR301,MLR302")
    assert sorted(run.locations()) == [
        ("MLR301", "cache/features.bin", None),
        ("MLR301", "corpus/train.txt", None),
        ("MLR301", "data/train.csv", None),
        ("MLR302", "export/head.bin", None),
        ("MLR302", "homework/model.bin", None),
        ("MLR302", "tokenizer/vocab.txt", None),
        ("MLR302", "web-service/dv.bin", None),
        ("MLR302", "weights/encoder.bin", None),
    ]
    messages = {f["path"]: f["message"] for f in run.findings}
    assert messages["homework/model.bin"].startswith("pickled model (a pickle, named .bin, 44 B) is committed")
    assert messages["weights/encoder.bin"].startswith("model file (a torch zip, named .bin,")
    assert messages["export/head.bin"].startswith("model file (safetensors, named .bin,")
    assert messages["corpus/train.txt"].startswith("large text file (.txt, over max-file-size 1.0 MB, 1.2 MB)")


# gitignore-gaps: a data folder holds data.

def test_gitignore_gaps_no_data_folder(repo):
    root = repo({
        ".gitignore": "__pycache__/\n",
        # a source package named data
        "timm/__init__.py": "", "timm/data/__init__.py": "", "timm/data/loader.py": "",
        "timm/data/_info/synsets.txt": "n01440764\n" * 1000,
        # requirement files and a Hydra config group
        "requirements/data/base.txt": "pandas==2.2.0\n", "requirements/data/dev.txt": "pytest\n",
        "configs/data/mnist.yaml": "batch_size: 64\n",
        # what DVC manages, with the .gitignore DVC writes
        "data/.gitignore": "/raw\n", "data/raw.dvc": "outs:\n- md5: abc\n  path: raw\n",
        "dvc.yaml": "stages:\n  prepare:\n    cmd: python prepare.py\n    outs:\n    - data/prepared\n",
        # test fixtures, docs, published tables
        "tests/data/tiny.csv": "a\n1\n", "docs/data/figure.png": b"\x89PNG\0",
        "notebooks/eda.py": "", "notebooks/sample.csv": "a\n1\n", "notebooks/more.py": "",
    })
    assert [f["message"] for f in lint_json(root, "--select", "MLR704").findings] == []


@pytest.mark.parametrize("files, label, entry", [
    pytest.param({"input/train.csv": "a\n1\n", "input/test.csv": "a\n2\n"},
                 "the data folder `input/` (input/test.csv)", "input/", id="folder-of-data"),
    pytest.param({"data/raw/train.csv": "a\n1\n"}, "the data folder `data/` (data/raw/train.csv)", "data/",
                 id="data-named"),
    pytest.param({"data/images/cat.jpg": b"\xff\xd8\xff" + b"\0" * 10},
                 "the data folder `data/` (data/images/cat.jpg)", "data/", id="image-dataset"),
])
def test_gitignore_gaps_data_folders(repo, files, label, entry):
    root = repo({".gitignore": "__pycache__/\n", **files})
    found = lint_json(root, "--select", "MLR704").findings
    assert [(f["path"], f["message"]) for f in found] == [
        (".gitignore", f".gitignore has no entry covering {label} (add `{entry}`)")
    ]


# parse-error: templates are not Python.

def test_templates_are_not_parsed(repo):
    root = repo({
        "cookiecutter.json": '{"repo_name": "x", "module_name": "x"}\n',
        "{{ cookiecutter.repo_name }}/{{ cookiecutter.module_name }}/__init__.py": (
            "from {{ cookiecutter.module_name }} import config  # noqa: F401\n"
        ),
        "{{ cookiecutter.repo_name }}/{{ cookiecutter.module_name }}/dataset.py": (
            "{% if cookiecutter.use_s3 %}\nimport boto3\n{% endif %}\ndf = pd.read_csv('x')\n"
        ),
        "hooks/post_gen_project.py": (
            "import shutil\n\n# {% if cookiecutter.use_docs == 'no' %}\nshutil.rmtree('docs')\n# {% endif %}\n"
        ),
        "broken.py": "def f(:\n    pass\n",  # real Python that does not parse is still reported
        "jinja_outside.py": "import x\n{% for name in names %}\nprint({{ name }})\n{% endfor %}\n",
    })
    run = lint_json(root, "--exit-zero")
    assert [(f["code"], f["path"]) for f in run.findings if f["code"] in ("MLR001", "E999")] == [
        ("MLR001", "broken.py"),
    ]
    templated = [f for f in run.findings if "{{" in f["path"] or f["path"] in ("hooks/post_gen_project.py",
                                                                               "jinja_outside.py")]
    assert templated == []


def test_wiki_markup_in_a_comment_is_not_a_template(repo):
    # NeMo's spoken_wikipedia/preprocess.py strips wiki templates: `{{...}}` in its comments is wiki markup, and
    # the script is Python to lint.
    root = repo({"preprocess.py": (
        'import re\n\n\ndef clean(s):\n    """Strip wiki templates."""\n    try:\n'
        '        s = re.sub(r"{{convert\\|(\\d+)[^}]+}}", r"\\g<1>", s)  # {{convert|7600|lb|kg}}\n'
        '    except:\n        pass\n    return s\n'
    )})
    explained = run_cli("explain", "--format", "json", cwd=root).json
    assert [(f["path"], f["role"]) for f in explained["files"]] == [("preprocess.py", "library-module")]
    assert lint_json(root, "--select", "MLR802").locations() == [("MLR802", "preprocess.py", 8)]


# The cache follows the model: a file whose role changes is linted again.

def test_a_warm_run_follows_a_change_of_role(repo):
    root = repo({"worker.py": "import pandas as pd\n\ndf = pd.read_csv('x.csv')\n"})
    assert lint_json(root, *STRUCTURE).locations() == [("MLR201", "worker.py", 3), ("MLR202", "worker.py", 3)]
    write_files(root, {"report.py": "from worker import df\n\n\ndef main():\n    return df\n\n\n" + GUARD})
    git(root, "add", "-A")
    run = lint_json(root, *STRUCTURE)
    assert run.locations() == [("MLR201", "worker.py", 3)]  # imported now: a module, not a script
    assert run.json["categories"]  # and the warm run is still scored


# explain.

EXPLAINED = {
    "pyproject.toml": '[project]\nname = "churn"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
    "src/churn/__init__.py": "",
    "src/churn/features.py": "def build(df):\n    return df\n",
    "src/churn/api.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "scripts/train.py": "from churn.features import build\n\n\ndef main():\n    build(None)\n\n\n" + GUARD,
    "tests/test_features.py": "from churn.features import build\n\n\ndef test_build():\n    assert build(1) == 1\n",
    "Makefile": "train:\n\tpython scripts/train.py\n",
    "docs/arch.png": b"\x89PNG\0\0",
    "data/raw.dvc": "outs:\n- path: raw\n",
}


def test_explain_beside_a_broken_pyproject_that_is_not_its_configuration(repo):
    """A pyproject.toml that never names mlrepolint is not its configuration, whatever its state."""
    root = repo({"pyproject.toml": "x = [\n", "train.py": "print(1)\n"})
    run = run_cli("explain", cwd=root)
    assert run.code == 0 and run.err == "" and run.out.startswith(f"Repository: {root.resolve()}\n")


def test_explain_stops_on_a_broken_mlrepolint_table(repo):
    root = repo({"pyproject.toml": "[tool.mlrepolint]\nx = [\n", "train.py": "print(1)\n"})
    run = run_cli("explain", cwd=root)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("mlrepolint: error: ") and "pyproject.toml: invalid TOML" in run.err


def test_explain_text(repo, tmp_path):
    root = repo(EXPLAINED)
    run = run_cli("explain", cwd=root)
    assert run.code == 0 and run.err == ""
    lines = run.out.splitlines()
    assert lines[0] == f"Repository: {root.resolve()}"
    assert lines[1] == "Kind: application (app modules: src/churn/api.py (fastapi))"
    assert lines[2] == "Packages:"
    assert lines[3].split() == ["churn", "has", "src/churn/__init__.py;", "`src/`", "is", "its", "import", "root"]
    assert lines[4] == "First-party names: __init__, api, churn, features, scripts, src, test_features, tests, train"
    assert lines[5] == "Files:"
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in lines[6:] if not line.split()[0] == "imports"}
    assert rows["scripts/train.py"] == ["entry-script", "run by Makefile (`python scripts/train.py`)"]
    below = lines[lines.index(next(line for line in lines if line.lstrip().startswith("scripts/train.py"))) + 1]
    assert below.split() == ["imports", "src/churn/features.py"]
    assert rows["src/churn/api.py"] == ["app-module", "(fastapi)  defines a FastAPI app"]
    assert rows["src/churn/features.py"] == ["library-module", "module `churn.features` of package `churn`"]
    assert rows["src/churn/__init__.py"] == ["package-init", "the `__init__` of package `churn`"]
    assert rows["tests/test_features.py"][0] == "test"
    assert rows["docs/arch.png"] == ["docs-asset", "under a documentation folder"]


def test_explain_json_and_path(repo):
    root = repo(EXPLAINED)
    run = run_cli("explain", "src", "--format", "json", cwd=root)
    assert run.code == 0
    data = run.json
    assert data["kind"] == "application"
    assert data["packages"] == [{"name": "churn", "path": "src/churn/",
                                 "reason": "has src/churn/__init__.py; `src/` is its import root"}]
    assert [(f["path"], f["role"], f["framework"], f["module"]) for f in data["files"]] == [
        ("src/churn/__init__.py", "package-init", None, "churn"),
        ("src/churn/api.py", "app-module", "fastapi", "churn.api"),
        ("src/churn/features.py", "library-module", None, "churn.features"),
    ]
    one = run_cli("explain", "scripts/train.py", "--format", "json", cwd=root).json
    assert [(f["path"], f["role"], f["imports"]) for f in one["files"]] == [
        ("scripts/train.py", "entry-script", ["src/churn/features.py"])
    ]
    # What an import of the repository's own code starts with (the dependency rules' first-party answer).
    assert one["first_party"] == [
        "__init__", "api", "churn", "features", "scripts", "src", "test_features", "tests", "train",
    ]


@pytest.mark.parametrize("files, kind", [
    pytest.param({"cookiecutter.json": "{}", "{{cookiecutter.name}}/x.py": "import {{cookiecutter.name}}\n"},
                 "template", id="template"),
    pytest.param({f"0{i}-lesson/README.md": "# Lesson\n" for i in range(1, 5)}, "collection", id="course"),
    pytest.param({"setup.py": "from setuptools import setup\nsetup(name='lib', packages=['lib'])\n",
                  "lib/__init__.py": ""}, "library", id="library"),
    pytest.param({"dvc.yaml": "stages: {}\n", "src/train.py": "def main():\n    pass\n\n\n" + GUARD}, "pipeline",
                 id="pipeline"),
])
def test_explain_repository_kind(repo, files, kind):
    run = run_cli("explain", "--format", "json", cwd=repo(files))
    assert run.code == 0 and run.json["kind"] == kind


def test_explain_of_a_missing_path_is_a_usage_error(repo):
    run = run_cli("explain", "nowhere", cwd=repo({"a.py": ""}))
    assert run.code == 2 and run.err.startswith("mlrepolint: error:") and "nowhere" in run.err


# First-party names: one answer for every rule that tells the repository's own code from a dependency.

def test_first_party_names_are_one_answer_for_the_dependency_and_test_rules(repo):
    """A Cython extension (`fastops.pyx`) is the repository's own module to dependencies-undeclared,
    undeclared-dependency and missing-tests alike: none takes it for a missing package."""
    files = {
        "fastops.pyx": "def add(a, b):\n    return a + b\n",
        "train.py": "import numpy as np\nimport fastops\n\n\ndef main():\n    return fastops.add(np.ones(1), 1)\n",
        "tests/test_fastops.py": "import fastops\n\n\ndef test_add():\n    assert fastops.add(1, 2) == 3\n",
    }
    run = lint_json(repo(files), "--select", "MLR504,MLR702")
    assert [(f["code"], f["path"], f["message"]) for f in run.findings] == [(
        "MLR504", "requirements.txt",
        "the code imports third-party packages (`numpy`; first in train.py) but no file declares dependencies "
        "(requirements.txt, pyproject.toml, setup.py, Pipfile, environment.yml)",
    )]
    declared = lint_json(repo({**files, "requirements.txt": "numpy==2.0.0\n"}), "--select", "MLR504,MLR510,MLR702")
    assert declared.findings == []
