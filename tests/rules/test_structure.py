"""top-level-execution (MLR201) and missing-main-guard (MLR202)."""

from __future__ import annotations

import pytest
from conftest import lint_json

GUARD = 'if __name__ == "__main__":\n    main()\n'


def lint(repo, files: dict, *args: str):
    return lint_json(repo(files), "--select", "MLR2", *args)


@pytest.mark.parametrize(
    "source, expected_lines",
    [
        ("main()\n", [1]),
        ("import x\nprint('hello')\n", [2]),
        ("model.fit(X, y)\n", [1]),
        ("import matplotlib.pyplot as plt\nplt.show()\n", [2]),
        ("for c in cols:\n    print(c)\n", [1]),
        ("while True:\n    step()\n", [1]),
        ("with open('f') as fh:\n    data = fh.read()\n", [1]),
        ("import pandas as pd\ndf = pd.read_csv('data/train.csv')\n", [2]),
        ("import numpy as np\nX = np.load('x.npy')\n", [2]),
        ("import torch\nstate = torch.load('model.pt')\n", [2]),
        ("import joblib\nclf = joblib.load('m.joblib')\n", [2]),
        ("data = open('f').read()\n", [1]),
        ("import requests\nr = requests.get('https://example.com')\n", [2]),
        ("X = pd.read_csv('a.csv').values\n", [1]),  # the call is nested in the value
        ("clf = Pipeline(steps).fit(X, y)\n", [1]),
        ("args = parser.parse_args()\n", [1]),
        ("if torch.cuda.is_available():\n    model.cuda()\n", [2]),  # inside a module-level if
        ("try:\n    df = pd.read_parquet('x.parquet')\nexcept OSError:\n    df = None\n", [2]),
        ("main()\n" + GUARD, [1]),  # work outside the guard is still work
        ("async def main():\n    pass\nawait main()\n", [3]),
        # tricky negatives
        ("import os\nfrom x import y\n", []),
        ('"""Docstring."""\nLR = 0.1\nNAMES = ["a", "b"]\n__all__ = ["f"]\n', []),
        ("import logging\nlogger = logging.getLogger(__name__)\n", []),
        ("from typing import TypeVar\nT = TypeVar('T')\n", []),
        ("import re\nPATTERN = re.compile(r'\\d+')\n", []),
        ("from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\ndef root():\n    return {}\n", []),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import Y\n", []),
        ("try:\n    import ujson as json\nexcept ImportError:\n    import json\n", []),
        ("def main():\n    df = pd.read_csv('x')\n" + GUARD, []),
        ("def main():\n    pass\nif '__main__' == __name__:\n    main()\n", []),
        ("import warnings\nwarnings.filterwarnings('ignore')\n", []),
        ("import numpy as np\nnp.random.seed(0)\n", []),
        ("loader = lambda p: pd.read_csv(p)\n", []),  # deferred: only runs when called
        ("class Trainer:\n    data = None\n    def fit(self):\n        self.data = pd.read_csv('x')\n", []),
    ],
)
def test_top_level_execution(repo, source, expected_lines):
    run = lint(repo, {"train.py": source})
    assert [line for code, _, line in run.locations("MLR201")] == expected_lines


def test_message_names_the_call(repo):
    run = lint(repo, {"train.py": "import pandas as pd\ndf = pd.read_csv('data/train.csv')\n"})
    messages = [f["message"] for f in run.findings if f["code"] == "MLR201"]
    assert messages == ["assignment from `pd.read_csv(...)` at module level runs on import"]


@pytest.mark.parametrize("name", ["setup.py", "conftest.py", "docs/conf.py", "pkg/__main__.py", "noxfile.py"])
def test_exempt_files(repo, name):
    run = lint(repo, {name: "import setuptools\nsetuptools.setup(name='x')\nfor x in y:\n    pass\n"})
    assert run.findings == []


def test_work_calls_and_exempt_are_configurable(repo):
    config = (
        '[tool.mlrepolint.rules.top-level-execution]\n'
        'work-calls = ["heavy_*"]\nexempt = ["scripts/*"]\n'
    )
    run = lint(repo, {
        "pyproject.toml": config,
        "a.py": "x = heavy_compute()\ny = pd.read_csv('f')\n",
        "scripts/run.py": "main()\n",
    })
    assert run.locations("MLR201") == [("MLR201", "a.py", 1)]


@pytest.mark.parametrize(
    "source, expected_line",
    [
        ("import train\ntrain.run()\n", 2),
        ("import pandas as pd\ndf = pd.read_csv('x.csv')\nprint(df)\n", 2),  # once per file, first work line
        ("#!/usr/bin/env python\nimport sys\n\ndef main():\n    pass\n", 1),  # a shebang makes a script
        ("def main():\n    pass\nif __name__ != '__main__':\n    main()\n", 4),  # != is not a guard
        ("for x in range(3):\n    print(x)\n", 1),
    ],
)
def test_missing_main_guard(repo, source, expected_line):
    run = lint(repo, {"run.py": source})
    assert run.locations("MLR202") == [("MLR202", "run.py", expected_line)]


@pytest.mark.parametrize(
    "source",
    [
        "def main():\n    pass\nif __name__ == '__main__':\n    main()\n",
        'def main():\n    pass\nif __name__ == "__main__":\n    main()\n',
        "def main():\n    pass\nif '__main__' == __name__:\n    main()\n",
        "#!/usr/bin/env python\ndef main():\n    pass\nif __name__ == '__main__':\n    main()\n",
        "import os\n\ndef helper():\n    return os.getcwd()\n",  # a library module is never asked
    ],
)
def test_guarded_scripts_and_libraries_are_not_flagged(repo, source):
    run = lint(repo, {"run.py": source})
    assert run.locations("MLR202") == []
