"""unseeded-training (MLR310) and script-without-cli (MLR902) through the real executable: one repository of
entry scripts, library modules and the local modules they import, linted once."""

from __future__ import annotations

import pytest
from conftest import Run, lint_json, make_git_repo

GUARD = '\n\nif __name__ == "__main__":\n    main()\n'
TORCH_LOOP = (
    "    for x, y in batches():\n        optimizer.zero_grad()\n        loss = (model(x) - y).pow(2).mean()\n"
    "        loss.backward()\n        optimizer.step()\n"
)

FILES = {
    # torch: unseeded, hard-coded lr (MLR902 on line 6, MLR310 on the backward call, line 11)
    "torch_train.py": (
        "import torch\n\n\ndef main():\n    model = torch.nn.Linear(4, 1)\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n" + TORCH_LOOP + GUARD
    ),
    "seeded_here.py": (
        "import argparse\n\nimport torch\n\n\ndef main():\n    torch.manual_seed(0)\n" + TORCH_LOOP + GUARD
    ),
    "seeded_via_import.py": (
        "import argparse\n\nimport torch\nfrom common.seed import setup\n\n\ndef main():\n    setup()\n"
        + TORCH_LOOP + GUARD
    ),
    "seeded_two_levels.py": (
        "import argparse\n\nimport torch\n\nimport helpers\n\n\ndef main():\n    helpers.prepare()\n"
        + TORCH_LOOP + GUARD
    ),
    "helpers.py": "from common import seed\n\n\ndef prepare():\n    seed.setup()\n",
    "common/__init__.py": "",
    "common/seed.py": "import random\n\nimport torch\n\n\ndef setup():\n    random.seed(0)\n    torch.manual_seed(0)\n",
    # Lightning: unseeded (line 7) and seeded
    "lightning_fit.py": (
        "import argparse\n\nimport lightning as L\n\n\ndef main():\n    L.Trainer(max_epochs=3).fit(Model())\n"
        + GUARD
    ),
    "lightning_seeded.py": (
        "import argparse\n\nimport lightning as L\n\n\ndef main():\n    L.seed_everything(42)\n"
        "    trainer = L.Trainer()\n    trainer.fit(Model())\n" + GUARD
    ),
    # Keras: unseeded (line 5)
    "keras_fit.py": (
        "import sys\n\nfrom tensorflow import keras\n\nkeras.Sequential([]).fit(x, y, epochs=int(sys.argv[1]))\n"
    ),
    # scikit-learn: a random forest without random_state (line 7, with its hard-coded n_estimators), seeded, and
    # deterministic
    "sklearn_rf.py": (
        "from sklearn.ensemble import RandomForestClassifier\nfrom sklearn.model_selection import train_test_split\n"
        "\n\ndef main():\n    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "    clf = RandomForestClassifier(n_estimators=100)\n    clf.fit(X_train, y_train)\n" + GUARD
    ),
    "sklearn_seeded.py": (
        "import argparse\n\nfrom sklearn.ensemble import RandomForestClassifier\n\n\ndef main():\n"
        "    RandomForestClassifier(random_state=0).fit(X, y)\n" + GUARD
    ),
    "sklearn_params.py": (
        "import argparse\n\nfrom sklearn.ensemble import RandomForestClassifier\n\n\ndef main(params):\n"
        "    RandomForestClassifier(**params).fit(X, y)\n" + GUARD
    ),
    "sklearn_deterministic.py": (
        "import argparse\n\nfrom sklearn.linear_model import LinearRegression\n\n\ndef main():\n"
        "    LinearRegression().fit(X, y)\n" + GUARD
    ),
    "hf_trainer.py": (
        "import argparse\n\nfrom transformers import Trainer\n\n\ndef main():\n    Trainer(model=m).train()\n" + GUARD
    ),
    # Not entry scripts: a package module imported by others, a test.
    "pkg/__init__.py": "from pkg.engine import fit\n",
    "pkg/engine.py": "import torch\n\n\ndef fit(model, optimizer):\n" + TORCH_LOOP,
    "tests/test_train.py": "import torch\n\n\ndef test_fit(model, optimizer):\n" + TORCH_LOOP,
    # Scripts that take their settings from outside.
    "with_config.py": (
        "import yaml\nfrom sklearn.linear_model import LogisticRegression\n\n\ndef main():\n"
        "    config = yaml.safe_load(open('config.yaml'))\n    LogisticRegression(C=1.0).fit(X, y)\n" + GUARD
    ),
    "with_local_config.py": (
        "from config import EPOCHS\nfrom sklearn.linear_model import LogisticRegression\n\n\ndef main():\n"
        "    LogisticRegression(max_iter=200).fit(X, y)\n" + GUARD
    ),
    "config.py": "EPOCHS = 10\n",
    "cli_via_helper.py": (
        "from cli_args import get_args\nfrom sklearn.linear_model import LogisticRegression\n\n\ndef main():\n"
        "    args = get_args()\n    LogisticRegression(max_iter=200).fit(X, y)\n" + GUARD
    ),
    "cli_args.py": "import argparse\n\n\ndef get_args():\n    return argparse.ArgumentParser().parse_args()\n",
    # Evaluation with a hard-coded batch size (line 6).
    "evaluate.py": (
        "import torch\n\n\ndef main():\n    model = load_model()\n    batch_size = 64\n    model.eval()\n" + GUARD
    ),
    # Notebooks saved as scripts: a notebook beside it, or nbconvert's markers.
    "chapter.py": "import torch\n\n\ndef main():\n" + TORCH_LOOP + GUARD,
    "chapter.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
    "exported.py": (
        "#!/usr/bin/env python\n# coding: utf-8\n\n# In[1]:\n\n\nimport torch\n\n\ndef main():\n" + TORCH_LOOP
    ),
    "not_exported.py": "#!/usr/bin/env python\n# coding: utf-8\n\nimport torch\n\n\ndef main():\n" + TORCH_LOOP,
    # A Sphinx gallery example: documentation, not a script to configure.
    "docs/examples/plot_forest.py": (
        "from sklearn.ensemble import RandomForestClassifier\n\n"
        "RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)\n"
    ),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = make_git_repo(tmp_path_factory.mktemp("scripts") / "repo", FILES)
    return lint_json(root, "--select", "MLR310,MLR902")


def test_unseeded_training(run):
    assert sorted(run.locations("MLR310")) == [
        ("MLR310", "keras_fit.py", 5),
        ("MLR310", "lightning_fit.py", 7),
        ("MLR310", "not_exported.py", 11),
        ("MLR310", "sklearn_rf.py", 7),
        ("MLR310", "torch_train.py", 10),
    ]
    messages = {f["path"]: f["message"] for f in run.findings if f["code"] == "MLR310"}
    assert messages["torch_train.py"] == (
        "`loss.backward(...)` trains with PyTorch randomness, and no seed is set here or in the local modules this "
        "script imports: call `torch.manual_seed(seed)` (and `np.random.seed`, `random.seed`) at the start, or "
        "`lightning.seed_everything(seed)`"
    )
    assert messages["sklearn_rf.py"] == (
        "`RandomForestClassifier(...)` is randomised and given no `random_state`, and NumPy's global generator is "
        "not seeded here or in the local modules this script imports: pass `random_state=seed` to the randomised "
        "steps (or call `np.random.seed(seed)`)"
    )


def test_script_without_cli(run):
    assert sorted(run.locations("MLR902")) == [
        ("MLR902", "evaluate.py", 6),
        ("MLR902", "sklearn_rf.py", 7),
        ("MLR902", "torch_train.py", 6),
    ]
    messages = {f["path"]: f["message"] for f in run.findings if f["code"] == "MLR902"}
    assert messages["torch_train.py"] == (
        "hyper-parameter `lr=0.1` is hard-coded and the script reads no arguments or config: take it from the "
        "command line (argparse, typer) or a config file, with this value as the default"
    )
    assert messages["evaluate.py"].startswith("hyper-parameter `batch_size = 64` is hard-coded")


def test_categories(run):
    categories = {c["id"]: c for c in run.json["categories"]}
    assert [r["code"] for r in categories["reproducibility"]["rules"]] == ["MLR310"]
    assert [r["code"] for r in categories["configuration"]["rules"]] == ["MLR902"]
