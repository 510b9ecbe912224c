"""The per-file ML rules through the real executable: unsafe-deserialization (MLR410), data-leakage (MLR311),
missing-zero-grad (MLR312), direct-forward-call (MLR313) and nan-comparison (MLR314).

Each table is a folder with one file per case; all tables are one repository, linted in one run, and each test
asserts every (code, path, line) the run reports for its rule, so a case that stops firing and a negative that
starts firing both fail it."""

from __future__ import annotations

import pytest
from conftest import Run, lint_json, make_git_repo

DESERIALIZATION = {
    "torch_alias.py": "import torch as T\n\nstate = T.load('model.pt')\n",  # 3
    "torch_false.py": "import torch\n\nstate = torch.load('model.pt', weights_only=False)\n",  # 3
    "torch_from.py": "from torch import load\n\nstate = load('model.pt', map_location='cpu')\n",  # 3
    "pickle_renamed.py": "from pickle import loads as restore\n\nobj = restore(blob)\n",  # 3: only the import says load
    "joblib_from.py": "from joblib import load\n\nmodel = load('model.joblib')\n",  # 3
    "pickles.py": (
        "import pickle\nimport dill\nimport cloudpickle as cp\n\n"
        "a = pickle.load(open('a.pkl', 'rb'))\n"  # 5
        "b = pickle.loads(blob)\n"  # 6
        "c = dill.load(handle)\n"  # 7
        "d = cp.loads(blob)\n"  # 8
        "e = pickle.loads(pickle.dumps(model))\n"  # a deep copy: not reported
    ),
    "pandas_numpy.py": (
        "import numpy as np\nimport pandas as pd\n\n"
        "df = pd.read_pickle('frame.pkl')\n"  # 4
        "arr = np.load('a.npy', allow_pickle=True)\n"  # 5
        "ok = np.load('a.npy')\n"
    ),
    "yaml_loads.py": (
        "import yaml\nfrom yaml import CSafeLoader as Loader\n\n"
        "a = yaml.load(open('c.yaml'))\n"  # 4
        "b = yaml.load(open('c.yaml'), Loader=yaml.Loader)\n"  # 5
        "c = yaml.unsafe_load(text)\n"  # 6
        "d = yaml.load(open('c.yaml'), Loader=yaml.SafeLoader)\n"
        "e = yaml.load(open('c.yaml'), yaml.FullLoader)\n"
        "f = yaml.load(text, Loader=Loader)\n"  # CSafeLoader under another name
        "g = yaml.safe_load(text)\n"
    ),
    "hub.py": (
        "from datasets import load_dataset\nfrom transformers import AutoModel, pipeline\n\n"
        "m = AutoModel.from_pretrained('org/model', trust_remote_code=True)\n"  # 4
        "p = pipeline('text-generation', model='org/model', trust_remote_code=True)\n"  # 5
        "d = load_dataset('org/data', trust_remote_code=True)\n"  # 6
        "ok = AutoModel.from_pretrained('org/model', trust_remote_code=False)\n"
    ),
    # Only the statements on the lines naming a loader are walked: the name on a continuation line, and a file
    # with \r\n line ends (whose lines the text does not number as the parser does: every call is looked at).
    "split_lines.py": (
        "import torch\n\n\ndef restore(path):\n    if path:\n        return (\n            torch\n"
        "            .load(path)\n        )\n"  # 7
    ),
    "crlf.py": "import pickle\r\n\r\n\r\ndef f(blob):\r\n    return pickle.loads(blob)\r\n",  # 5
    # tricky negatives
    "safe_torch.py": (
        "import torch\n\nstate = torch.load('model.pt', weights_only=True)\n"
        "other = torch.load('model.pt', weights_only=args.safe)\n"  # the author's decision
        "third = torch.load('model.pt', **load_kwargs)\n"  # the caller's keywords may say weights_only
    ),
    "fallback.py": (
        "import torch\n\n\ndef load(path, weights_only=True):\n    try:\n"
        "        return torch.load(path, weights_only=weights_only)\n    except TypeError:  # torch < 1.13\n"
        "        return torch.load(path)\n"
    ),
    "json_load.py": "import json\n\nconfig = json.load(open('config.json'))\nmodel.load_state_dict(state)\n",
    "unrelated_load.py": "def load(path):\n    return open(path).read()\n\n\ntext = load('x.txt')\n",
    "tests/test_pickling.py": (
        "import pickle\n\n\ndef test_roundtrip(net):\n    assert pickle.loads(pickle.dumps(net))\n"
    ),
    "tests/test_fixture.py": "import pickle\n\n\ndef test_fixture():\n    assert pickle.load(open('f.pkl', 'rb'))\n",
}


def test_unsafe_deserialization(ml_run):
    assert _located(ml_run, "MLR410", "deserialization") == [
        ("MLR410", "crlf.py", 5), ("MLR410", "hub.py", 4), ("MLR410", "hub.py", 5), ("MLR410", "hub.py", 6),
        ("MLR410", "joblib_from.py", 3),
        ("MLR410", "pandas_numpy.py", 4), ("MLR410", "pandas_numpy.py", 5),
        ("MLR410", "pickle_renamed.py", 3),
        ("MLR410", "pickles.py", 5), ("MLR410", "pickles.py", 6), ("MLR410", "pickles.py", 7),
        ("MLR410", "pickles.py", 8), ("MLR410", "split_lines.py", 7),
        ("MLR410", "torch_alias.py", 3), ("MLR410", "torch_false.py", 3), ("MLR410", "torch_from.py", 3),
        ("MLR410", "yaml_loads.py", 4), ("MLR410", "yaml_loads.py", 5), ("MLR410", "yaml_loads.py", 6),
    ]
    messages = _messages(ml_run, "deserialization")
    assert messages[("torch_alias.py", 3)] == (
        "`torch.load` without `weights_only=True` unpickles the file (can run code from it); pass "
        "`weights_only=True` or require torch>=2.6"
    )
    assert messages[("joblib_from.py", 3)].startswith("`joblib.load` can run code from the data it loads")
    severities = {(f["path"], f["line"]): f["severity"] for f in ml_run.findings if f["code"] == "MLR410"}
    assert severities[("deserialization/torch_alias.py", 3)] == "warning"
    assert severities[("deserialization/yaml_loads.py", 4)] == "warning"
    assert severities[("deserialization/joblib_from.py", 3)] == "info"  # a pickle: the format is the problem
    assert severities[("deserialization/pandas_numpy.py", 4)] == "info"
    assert messages[("hub.py", 4)] == (
        "`from_pretrained(..., trust_remote_code=True)` runs Python code downloaded from the Hub repository"
    )


def test_unsafe_deserialization_scores_the_share_of_safe_loads(repo):
    files = {"a.py": "import torch\n\nx = torch.load('a', weights_only=True)\ny = torch.load('b')\n"}
    run = lint_json(repo(files), "--select", "MLR410")
    security = next(c for c in run.json["categories"] if c["id"] == "security")
    assert security["rules"] == [{
        "rule": "unsafe-deserialization", "code": "MLR410", "score": 0.5, "findings": 1, "examined": 2,
        "weight": 1.0, "cost": security["rules"][0]["cost"],
    }]


LEAKAGE = {
    "scale_then_split.py": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "scaler = StandardScaler()\nX_scaled = scaler.fit_transform(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_scaled, y)\n"  # 6
    ),
    "fit_transform_in_place.py": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn import preprocessing\n\n\n"
        "def prepare(df):\n    df[COLS] = preprocessing.MinMaxScaler().fit_transform(df[COLS])\n"
        "    X = df.drop(columns='y')\n    return train_test_split(X, df['y'], test_size=0.2)\n"  # 8
    ),
    "fit_then_transform.py": (
        "from sklearn.decomposition import PCA\nfrom sklearn.model_selection import cross_val_score\n\n"
        "pca = PCA(n_components=10)\npca.fit(X)\nZ = pca.transform(X)\n"
        "scores = cross_val_score(model, Z, y, cv=5)\n"  # 7
    ),
    "composite.py": (
        "from sklearn.compose import make_column_transformer\nfrom sklearn.impute import SimpleImputer\n"
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import RobustScaler\n\n"
        "pre = make_column_transformer((RobustScaler(), NUM), (SimpleImputer(), CAT))\n"
        "X_full = pre.fit_transform(train)\nX_tr, X_va, y_tr, y_va = train_test_split(X_full, y)\n"  # 8
    ),
    "oversample_then_split.py": (
        "from imblearn.over_sampling import SMOTE\nfrom sklearn.model_selection import train_test_split\n\n"
        "X_res, y_res = SMOTE().fit_resample(X, y)\nparts = train_test_split(X_res, y_res)\n"  # 5
    ),
    "fit_on_held_out.py": (
        "from sklearn.preprocessing import StandardScaler\n\nscaler = StandardScaler()\n"
        "scaler.fit(X_train)\nX_test = scaler.fit_transform(X_test)\n"  # 5
        "model.fit(x_val, y_val)\n"  # 6
        "model.fit(valid_features)\n"  # 7
    ),
    # a split imported under another name, called on a statement over several lines (only the statements that
    # name a fit, a transform, a split or a name imported as one have their calls looked at)
    "split_renamed.py": (
        "from sklearn.model_selection import train_test_split as tts\nfrom sklearn.preprocessing import "
        "StandardScaler\n\n\ndef prepare(X, y):\n    X = StandardScaler().fit_transform(X)\n    print(X.shape)\n"
        "    parts = (\n        tts(\n            X, y,\n        )\n    )\n    return parts\n"  # 9
    ),
    # tricky negatives
    "split_then_scale.py": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)\n"
    ),
    "pipeline.py": (
        "from sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import cross_val_score\n"
        "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "pipe = make_pipeline(StandardScaler(), LogisticRegression())\npipe.fit(X, y)\n"
        "scores = cross_val_score(pipe, X, y)\n"
    ),
    "pca_for_a_plot.py": (
        "from sklearn.decomposition import PCA\nfrom sklearn.model_selection import train_test_split\n\n"
        "X_2d = PCA(2).fit_transform(X)\nplot(X_2d)\nparts = train_test_split(X, y)\n"  # the raw data is split
    ),
    "label_encoder.py": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import LabelEncoder\n\n"
        "y = LabelEncoder().fit_transform(y)\nparts = train_test_split(X, y)\n"
    ),
    "rebound.py": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "X = StandardScaler().fit_transform(X)\nX = load_fresh()\nparts = train_test_split(X, y)\n"
    ),
    "names.py": (
        "model.fit(X_trainval, y_trainval)\nmodel.fit(X_train, y_train, validation_data=(X_val, y_val))\n"
        "trainer.fit(model, test_loader)\nmodel.fit(values)\n"
    ),
    "tests/test_scaler.py": "def test_scaler(scaler, X_test):\n    scaler.fit(X_test)\n",
}


def test_data_leakage(ml_run):
    assert _located(ml_run, "MLR311", "leakage") == [
        ("MLR311", "composite.py", 8), ("MLR311", "fit_on_held_out.py", 5),
        ("MLR311", "fit_on_held_out.py", 6), ("MLR311", "fit_on_held_out.py", 7),
        ("MLR311", "fit_then_transform.py", 7),
        ("MLR311", "fit_transform_in_place.py", 8), ("MLR311", "oversample_then_split.py", 5),
        ("MLR311", "scale_then_split.py", 6), ("MLR311", "split_renamed.py", 9),
    ]
    messages = _messages(ml_run, "leakage")
    assert messages[("scale_then_split.py", 6)] == (
        "`train_test_split` on `X_scaled`, which a `StandardScaler` was already fitted on (line 5): the held-out "
        "rows leak into the preprocessing; split first, or use a Pipeline"
    )
    assert messages[("fit_on_held_out.py", 6)].startswith("`fit` on `x_val`, which by its name is held-out data")


ZERO_GRAD = {
    "no_reset.py": (
        "def train(model, loader, optimizer):\n    for x, y in loader:\n        loss = model(x, y)\n"
        "        loss.backward()\n        optimizer.step()\n"  # 5
    ),
    "reset_per_epoch_only.py": (
        "def train(model, loader, opt, epochs):\n    for epoch in range(epochs):\n        opt.zero_grad()\n"
        "        for x, y in loader:\n            model(x, y).backward()\n            opt.step()\n"  # 6
    ),
    "amp.py": (
        "def train(model, loader, optimizer, scaler):\n    while True:\n        loss = model(next(loader))\n"
        "        scaler.scale(loss).backward()\n        scaler.step(optimizer)\n        scaler.update()\n"  # 5
    ),
    # tricky negatives
    "reset.py": (
        "def train(model, loader, optimizer, scheduler):\n    for x, y in loader:\n        optimizer.zero_grad()\n"
        "        model(x, y).backward()\n        optimizer.step()\n        scheduler.step()\n"
    ),
    "accumulation.py": (
        "def train(model, loader, optimizer, accumulation):\n    optimizer.zero_grad()\n"
        "    for i, (x, y) in enumerate(loader):\n        (model(x, y) / accumulation).backward()\n"
        "        if (i + 1) % accumulation == 0:\n            optimizer.step()\n"
    ),
    "accumulation_reset_in_loop.py": (
        "def train(model, loader, optimizer):\n    for i, batch in enumerate(loader):\n"
        "        model(batch).backward()\n"
        "        if i % 4 == 0:\n            optimizer.step()\n            model.zero_grad(set_to_none=True)\n"
    ),
    "grad_none.py": (
        "def train(model, loader, optimizer):\n    for batch in loader:\n        for p in model.parameters():\n"
        "            p.grad = None\n        model(batch).backward()\n        optimizer.step()\n"
    ),
    "helper.py": (
        "def train(model, loader, optimizer):\n    for batch in loader:\n        reset_grads(model)\n"
        "        model(batch).backward()\n        optimizer.step()\n"
    ),
    "lbfgs.py": (
        "def train(model, optimizer, data):\n    for _ in range(10):\n        def closure():\n"
        "            optimizer.zero_grad()\n            loss = model(data)\n            loss.backward()\n"
        "            return loss\n        optimizer.step(closure)\n"
    ),
    "distributed_autograd.py": (
        "import torch.distributed.autograd as dist_autograd\n\n\ndef train(model, opt, data):\n"
        "    for batch in data:\n        with dist_autograd.context() as context_id:\n"
        "            dist_autograd.backward(context_id, [model(batch)])\n            opt.step(context_id)\n"
    ),
    "rl_env_step.py": (
        "def act(env, policy):\n    for _ in range(100):\n        action = policy(state)\n"
        "        state, reward, done, info = env.step(action)\n        reward.backward()\n"
    ),
}


def test_missing_zero_grad(ml_run):
    assert _located(ml_run, "MLR312", "zero_grad") == [
        ("MLR312", "amp.py", 5), ("MLR312", "no_reset.py", 5), ("MLR312", "reset_per_epoch_only.py", 6),
    ]
    message = _messages(ml_run, "zero_grad")[("no_reset.py", 5)]
    assert message == (
        "`optimizer.step()` in a loop (line 2) that calls `backward()` but never resets the gradients: each step "
        "applies the sum of every gradient so far; call `zero_grad()` each step"
    )


FORWARD = {
    "predict.py": "import torch\n\n\ndef predict(model, x):\n    return model.forward(x)\n",  # 5
    "wrapper.py": (
        "from torch import nn\n\n\nclass Wrapper(nn.Module):\n    def forward(self, x):\n"
        "        return self.encoder.forward(x)\n"  # 6
    ),
    "lightning_alias.py": "import lightning as L\n\nout = net.forward(batch)\n",  # 3
    # in a lambda, `forward` on a continuation line (only the statements on the lines saying it are walked)
    "lambda_forward.py": "import torch\n\nrun = lambda m, x: (\n    m\n    .forward(x)\n)\n",  # 4
    # tricky negatives
    "parent.py": (
        "import torch.nn as nn\n\n\nclass Child(nn.Linear):\n    def forward(self, x):\n"
        "        return super().forward(x) + nn.Linear.forward(self, x) + super(Child, self).forward(x)\n"
    ),
    "own_method.py": (
        "import torch\n\n\nclass Net(torch.nn.Module):\n    def predict_step(self, x):\n"
        "        return self.forward(x)\n"
    ),
    "call_protocol.py": (
        "import torch\n\n\nclass Layer:\n    def __call__(self, x):\n        return self.impl.forward(x)\n"
    ),
    "numpy_net.py": (
        "import numpy as np\nimport torch\n\n\nclass Dense:\n    def forward(self, x):\n        return x\n\n"
        "    def backward(self, g):\n        return g\n\n\nout = Dense().forward(np.ones(3))\n"
    ),
    "no_torch.py": "out = pipeline.forward(x)\n",
    "rpc.py": (
        "import torch\n\n\ndef step(rref, remote_emb_module, x):\n"
        "    return rref.rpc_sync().forward(x) + remote_emb_module.forward(x)\n"
    ),
    "skorch_net.py": "import torch\nfrom skorch import NeuralNet\n\ny = net.forward(X)\n",
    "tests/test_forward.py": "import torch\n\n\ndef test_forward(model, x):\n    assert model.forward(x) is not None\n",
    # A plain class's `forward` (NeMo's `NMESC`: `class NMESC:`, no module among its bases) is not reported on
    # a receiver built from it; a module's, a parameter's or a name also bound to a module still is.
    "plain_class.py": (
        "import torch\n\n\nclass NMESC:\n    def forward(self):\n        return 1\n\n\nclass Sub(NMESC):\n"
        "    pass\n\n\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n\n\n"
        "class Holder:\n    def __init__(self):\n        self.c = NMESC()\n        self.net = Net()\n\n"
        "    def run(self, x):\n        return self.c.forward(), self.net.forward(x)\n\n\ndef plain(x):\n"
        "    nmesc = NMESC()\n    a = nmesc.forward()\n    b = Sub().forward()\n    net = Net()\n"
        "    return a, b, net.forward(x)\n\n\ndef param(nmesc, x):\n    return nmesc.forward(x)\n\n\n"
        "def rebound(x, flag):\n    m = NMESC()\n    if flag:\n        m = Net()\n    for m in [m]:\n"
        "        pass\n    return m.forward(x)\n"
    ),
}


def test_direct_forward_call(ml_run):
    assert _located(ml_run, "MLR313", "forward") == [
        ("MLR313", "lambda_forward.py", 4), ("MLR313", "lightning_alias.py", 3), ("MLR313", "plain_class.py", 24),
        ("MLR313", "plain_class.py", 32),
        ("MLR313", "plain_class.py", 36), ("MLR313", "plain_class.py", 45), ("MLR313", "predict.py", 5),
        ("MLR313", "wrapper.py", 6),
    ]
    message = _messages(ml_run, "forward")[("wrapper.py", 6)]
    assert message == "`self.encoder.forward(...)` skips the module's hooks; call `self.encoder(...)` instead"


NAN = {
    "checks.py": (
        "import math\n\nimport numpy as np\nimport torch\nfrom numpy import nan\n\n"
        "a = loss == np.nan\n"  # 7
        "b = x != float('NaN')\n"  # 8
        "c = value is math.nan\n"  # 9
        "d = t == torch.nan\n"  # 10
        "e = nan == y\n"  # 11
        "f = 0 < x != np.NaN\n"  # 12
        "ok = np.isnan(loss) or math.isnan(x) or x == np.inf\n"
    ),
    "strings.py": "x = name == 'nan'\ny = np.nan_to_num(a) == 0\n",
    "local_nan.py": "nan = 3\n\nz = nan == 3\n",  # a local variable named nan, not NaN
}


def test_nan_comparison(ml_run):
    assert _located(ml_run, "MLR314", "nan") == [
        ("MLR314", "checks.py", 7), ("MLR314", "checks.py", 8), ("MLR314", "checks.py", 9),
        ("MLR314", "checks.py", 10), ("MLR314", "checks.py", 11), ("MLR314", "checks.py", 12),
    ]
    messages = _messages(ml_run, "nan")
    assert messages[("checks.py", 7)].startswith("`==` comparison with NaN is always False")
    assert messages[("checks.py", 8)].startswith("`!=` comparison with NaN is always True")


def test_categories(ml_run):
    categories = {c["id"]: c for c in ml_run.json["categories"]}
    assert categories["reproducibility"]["title"] == "Reproducibility"
    assert {r["code"] for r in categories["reproducibility"]["rules"]} >= {"MLR311", "MLR312", "MLR313", "MLR314"}
    assert [r["code"] for r in categories["security"]["rules"]] == ["MLR410"]
    assert {f["category"] for f in ml_run.findings if f["code"].startswith("MLR31")} == {"reproducibility"}


TABLES = {"deserialization": DESERIALIZATION, "leakage": LEAKAGE, "zero_grad": ZERO_GRAD, "forward": FORWARD,
          "nan": NAN}


@pytest.fixture(scope="module")
def ml_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Every table in one repository, linted once."""
    files = {f"{folder}/{path}": text for folder, table in TABLES.items() for path, text in table.items()}
    root = make_git_repo(tmp_path_factory.mktemp("ml") / "repo", files)
    return lint_json(root, "--select", "MLR31,MLR410")


def _located(run: Run, code: str, folder: str) -> list[tuple[str, str, int | None]]:
    """(code, path inside the table's folder, line) of the run's findings of `code` in `folder`, sorted."""
    prefix = folder + "/"
    return sorted((c, p[len(prefix):], line) for c, p, line in run.locations(code) if p.startswith(prefix))


def _messages(run: Run, folder: str) -> dict[tuple[str, int | None], str]:
    prefix = folder + "/"
    return {(f["path"][len(prefix):], f["line"]): f["message"] for f in run.findings if f["path"].startswith(prefix)}
