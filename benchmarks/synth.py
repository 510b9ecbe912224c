"""A deterministic synthetic ML repository: the same tree for everyone, with nothing downloaded.

`generate(root, modules)` writes `modules` Python files (package modules, training scripts, tests, `__init__.py`
files) of realistic size and shape — classes, typed functions, loops, comprehensions, argparse, top-level work in
some scripts, missing docstrings in some definitions, long lines and unused imports here and there — plus
notebooks, requirements files, Dockerfiles, YAML configs and small data files, then makes it a git repository.
The same `seed` and `modules` give byte-identical files.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

WORDS = (
    "model", "data", "batch", "loss", "optimizer", "scheduler", "feature", "label", "embedding", "encoder",
    "decoder", "attention", "token", "vocab", "sample", "metric", "score", "checkpoint", "epoch", "step",
    "weight", "gradient", "layer", "hidden", "logits", "target", "split", "fold", "augment", "transform",
)
#: Every module imports these (and uses them: logger, torch, F, nn, Dict/Any/Optional annotations, Dataset).
HEADER = (
    "import logging", "import torch", "import torch.nn as nn", "import torch.nn.functional as F",
    "from typing import Any, Dict, Optional", "from torch.utils.data import Dataset",
)
EXTRA_IMPORTS = (
    "import os", "import sys", "import json", "import math", "import random", "import numpy as np",
    "from pathlib import Path", "from collections import defaultdict", "from tqdm import tqdm",
)


class Writer:
    """Generates code from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.defined: list[str] = ["x"]  # names bound in the function being written
        self.unused: list[str] = []  # ... and those of them not used yet

    def name(self, parts: int = 2) -> str:
        """A snake_case identifier from ML words."""
        return "_".join(self.rng.choice(WORDS) for _ in range(parts))

    def cls_name(self) -> str:
        """A CamelCase class name."""
        return "".join(w.capitalize() for w in self.name(2).split("_"))

    def docstring(self, indent: str, what: str) -> list[str]:
        """A one-line docstring, or none for about a third of definitions."""
        if self.rng.random() < 0.35:  # a third of definitions are undocumented, as in real repositories
            return []
        return [f'{indent}"""{what.capitalize()} the {self.name(1)} for the {self.name(1)} pipeline."""']

    def use(self) -> str:
        """A name already bound in the current function (mostly one not used yet), so pyflakes finds little."""
        if self.unused and self.rng.random() < 0.8:
            return self.unused.pop()
        return self.rng.choice(self.defined)

    def bind(self) -> str:
        """A fresh name to assign to, bound from now on."""
        name = self.name()
        self.defined.append(name)
        self.unused.append(name)
        return name

    def block(self, indent: str, depth: int, low: int, high: int) -> list[str]:
        """A few statements one level deeper."""
        return [line for _ in range(self.rng.randint(low, high)) for line in self.statement(indent + "    ", depth + 1)]

    def statement(self, indent: str, depth: int) -> list[str]:
        """One statement, compound ones nested up to three deep."""
        r = self.rng.random()
        if r < 0.18:
            b, c = self.use(), self.use()
            return [f"{indent}{self.bind()} = {b} * {self.rng.randint(2, 9)} + {c}"]
        if r < 0.30:
            return [f"{indent}{self.bind()} = [k ** 2 for k in range({self.rng.randint(3, 64)}) if k % 2 == 0]"]
        if r < 0.40:
            a, b = self.use(), self.use()
            return [f'{indent}logger.info("{a}=%s {b}=%s", {a}, {b})']
        if r < 0.48:
            key, value = self.name(), self.use()
            lr, steps = self.rng.random(), self.rng.randint(1, 10000)
            return [f'{indent}{self.bind()} = {{"{key}": {value}, "lr": {lr:.4f}, "steps": {steps}}}']
        if r < 0.55:  # a long line, as ML code often has
            b, c = self.use(), self.use()
            call = f"F.cross_entropy({b}.view(-1, {b}.size(-1)), {c}.view(-1), ignore_index=-100, reduction='mean')"
            return [f"{indent}{self.bind()} = {call}"]
        if depth < 3 and r < 0.70:
            sized = self.use()
            head = f"{indent}for {self.bind()} in range(len({sized})):"
            return [head] + self.block(indent, depth, 1, 4)
        if depth < 3 and r < 0.80:
            head = f"{indent}if {self.use()} > {self.rng.randint(0, 100)}:"
            return [head] + self.block(indent, depth, 1, 3) + [f"{indent}else:"] + self.block(indent, depth, 1, 2)
        if depth < 3 and r < 0.86:
            body = self.block(indent, depth, 1, 3)
            handler = [f"{indent}except (ValueError, KeyError) as exc:",
                       f'{indent}    logger.warning("skipping %s: %s", {self.use()}, exc)']
            return [f"{indent}try:"] + body + handler
        if depth < 3 and r < 0.90:
            return [f"{indent}with torch.no_grad():"] + self.block(indent, depth, 1, 3)
        b, c = self.use(), self.use()
        return [f"{indent}{self.bind()} = torch.tensor({b}, dtype=torch.float32).to({c}.device)"]

    def function(self, indent: str, method: bool) -> list[str]:
        """A typed function or method of a few to a few dozen lines."""
        name = self.name() if self.rng.random() < 0.9 else "_" + self.name()
        params = [f"{self.name(1)}_{i}" for i in range(self.rng.randint(0, 4))]
        types = ["int", "float", "str", "torch.Tensor", "Optional[Dict[str, Any]]"]
        args = (["self"] if method else []) + [f"{p}: {self.rng.choice(types)}" for p in params]
        lines = [f"{indent}def {name}({', '.join(args)}) -> {self.rng.choice(['None', 'float', 'Dict[str, Any]'])}:"]
        lines += self.docstring(indent + "    ", "compute")
        self.defined, self.unused = list(params), list(params)
        lines.append(f"{indent}    {self.bind()} = {'self.config' if method else self.rng.randint(0, 9)}")
        for _ in range(self.rng.randint(2, 9)):
            lines += self.statement(indent + "    ", 1)
        lines.append(f"{indent}    return {self.use()}")
        return lines + [""]

    def cls(self) -> list[str]:
        """A class with a constructor and a few methods."""
        base = self.rng.choice(["nn.Module", "object", "Dataset", ""])
        lines = [f"class {self.cls_name()}{'(' + base + ')' if base else ''}:"]
        lines += self.docstring("    ", "model")
        lines += ["", "    def __init__(self, config: Dict[str, Any]) -> None:", "        self.config = config", ""]
        for _ in range(self.rng.randint(1, 6)):
            lines += self.function("    ", method=True)
        return lines + [""]

    def module(self, kind: str) -> str:
        """A whole module: `module` (library), `script` (training script) or `test`."""
        title = None if self.rng.random() < 0.25 else self.name(3).replace("_", " ").capitalize()
        lines = [f'"""{title} utilities."""', ""] if title else []
        header = set(HEADER + (("import argparse", "import pandas as pd") if kind == "script" else ()))
        header.update(self.rng.sample(EXTRA_IMPORTS, self.rng.randint(0, 2)))  # usually unused, as in real code
        lines += sorted(header) + [""]
        lines += ["logger = logging.getLogger(__name__)", f"{self.name().upper()} = {self.rng.randint(1, 512)}", "", ""]
        if kind == "test":
            for _ in range(self.rng.randint(3, 12)):
                self.defined, self.unused = [], []
                lines += [f"def test_{self.name()}():", f"    {self.bind()} = {self.rng.randint(0, 9)}"]
                lines += [line for _ in range(self.rng.randint(1, 4)) for line in self.statement("    ", 2)]
                lines += [f"    assert {self.use()} is not None", "", ""]
            return "\n".join(lines).rstrip() + "\n"
        for _ in range(self.rng.randint(1, 4) if kind == "script" else self.rng.randint(2, 8)):
            lines += self.cls() if self.rng.random() < 0.4 else self.function("", method=False)
            lines.append("")
        if kind == "script":
            lines += ["parser = argparse.ArgumentParser()", 'parser.add_argument("--epochs", type=int, default=10)']
            if self.rng.random() < 0.5:  # a notebook turned script: work at import time, no main guard
                lines += ["args = parser.parse_args()", 'df = pd.read_csv("data/train.csv")', "df.describe()"]
            else:
                lines += ["", "", "def main():", "    args = parser.parse_args()", "    return args", "",
                          "", 'if __name__ == "__main__":', "    main()"]
        return "\n".join(lines).rstrip() + "\n"


def notebook(w: Writer) -> str:
    """A Jupyter notebook: an import cell, then code cells (some with a line magic or a shell escape) between
    Markdown cells."""
    imports = ["%matplotlib inline", *HEADER, *w.rng.sample(EXTRA_IMPORTS, 2)]
    cells = [{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
              "source": [line + "\n" for line in imports]}]
    for i in range(2, w.rng.randint(6, 30)):
        source = w.statement("", 2)
        if w.rng.random() < 0.1:
            source = [w.rng.choice(["!pip install -q torch", "%time", "%load_ext autoreload"]), *source]
        if w.rng.random() < 0.3:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"## {w.name(3)}\n"]})
        cells.append({"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": [],
                      "source": [line + "\n" for line in source]})
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def generate(root: Path, modules: int = 3000, seed: int = 0, git: bool = True, notebooks: int | None = None) -> Path:
    """Write the synthetic repository at `root` (a new folder) and return it: `modules` Python files and
    `notebooks` notebooks (by default one for every 50 modules)."""
    w = Writer(seed)
    files: dict[str, str] = {}
    packages = [f"src/mlproj/{w.name(1)}_{i}" for i in range(max(1, modules // 40))]
    count = 0
    while count < modules:
        r = w.rng.random()
        if r < 0.55:
            package = w.rng.choice(packages)
            path = f"{package}/{w.name()}_{count}.py"
            if f"{package}/__init__.py" not in files:
                files[f"{package}/__init__.py"] = "" if w.rng.random() < 0.6 else '"""Package."""\n'
                count += 1
            files[path] = w.module("module")
        elif r < 0.75:
            folder = w.rng.choice(["scripts", "experiments", f"experiments/exp_{count % 37}"])
            files[f"{folder}/train_{w.name()}_{count}.py"] = w.module("script")
        else:
            files[f"tests/{w.name(1)}/test_{w.name()}_{count}.py"] = w.module("test")
        count += 1
    for i in range(max(1, modules // 50) if notebooks is None else notebooks):
        files[f"notebooks/{i:03d}_{w.name()}.ipynb"] = notebook(w)
    for i in range(max(1, modules // 100)):
        files[f"data/raw/{w.name()}_{i}.csv"] = "id,feature,label\n" + "".join(
            f"{j},{w.rng.random():.5f},{w.rng.randint(0, 1)}\n" for j in range(w.rng.randint(10, 200))
        )
        files[f"configs/{w.name()}_{i}.yaml"] = f"lr: {w.rng.random():.4f}\nbatch_size: {w.rng.choice([16, 32, 64])}\n"
    for i in range(max(1, modules // 300)):
        files[f"docker/{w.name(1)}_{i}/Dockerfile"] = (
            "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"scripts/train.py\"]\n"
        )
        files[f"requirements/{w.name(1)}_{i}.txt"] = "torch\nnumpy>=1.24\npandas==2.1.0\nscikit-learn\n"
    files["requirements.txt"] = "torch>=2.0\nnumpy\npandas\nscikit-learn\ntqdm\n"
    files["README.md"] = "# Synthetic ML project\n\nGenerated by benchmarks/synth.py.\n"
    files["pyproject.toml"] = '[project]\nname = "mlproj"\nversion = "0.0.1"\n'
    root.mkdir(parents=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if git:
        for args in (["init", "-q", "-b", "main"], ["add", "-A"]):
            subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root
