"""What a repository imports, and which installable distributions can provide it.

One place for the questions every dependency rule asks:

- `scan_imports(text)`: the import statements of Python source, read from the text without parsing it (the
  per-file pass parses every file once, in the workers; a repository rule must not parse them all again), each
  with its line and whether it is optional: inside `try:` / `except ImportError:` (or `ModuleNotFoundError`,
  `Exception`, a bare `except:`), in the handler of such a `try`, under `with suppress(ImportError):`, or under
  `if TYPE_CHECKING:`. Statements inside triple-quoted strings (docstring examples) are not imports.
  `notebook_source(cells)` gives a notebook's code cells as Python text, with IPython magics and shell escapes
  left out, and `notebook_installs(cells)` what its `!pip install` / `%pip install` lines install.
- `is_stdlib(name)`: part of the standard library of any supported Python (`sys.stdlib_module_names` on 3.10+,
  a list for 3.9, plus modules removed in recent versions, which code for older Pythons still imports).
- `local_names(paths)`: the top-level names a repository's own files can be imported as.
- `is_third_party(module, local)`: neither standard library nor the repository's own, nor `__future__`.
- `distributions(module, names)`: the PEP 503 names of the distributions that can provide an import: the name
  itself, the maintained table of names that differ (`sklearn` -> scikit-learn, `cv2` -> opencv-python and its
  variants, `PIL` -> pillow, `yaml` -> pyyaml), namespace packages spelt out (`google.cloud.storage` ->
  google-cloud-storage), and what the installed distributions' metadata says (`importlib.metadata`, read, never
  importing anything).
- `provided_names(distribution)`: the reverse, for telling whether a declared distribution is ever imported.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
from typing import Any, Iterable, Mapping, NamedTuple

from mlrepolint.api import is_test_path
from mlrepolint.rules.repo.pins import Dep, canonical, requirement_dep

#: Import name (top level, or a dotted prefix for namespace packages) -> distributions that provide it, where the
#: names differ, the one to suggest first. Keys are import names as written; values are PEP 503 names. Names
#: that only differ in case or `_` / `-` (`sklearn_crfsuite` -> sklearn-crfsuite) need no entry.
KNOWN_DISTRIBUTIONS: Mapping[str, tuple[str, ...]] = {
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "skopt": ("scikit-optimize",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless",
            "opencv"),
    "PIL": ("pillow", "pillow-simd"),
    "yaml": ("pyyaml",),
    "dotenv": ("python-dotenv",),
    "bs4": ("beautifulsoup4",),
    "imblearn": ("imbalanced-learn",),
    "umap": ("umap-learn",),
    "dateutil": ("python-dateutil",),
    "jwt": ("pyjwt",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "slugify": ("python-slugify",),
    "magic": ("python-magic",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "attr": ("attrs",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "OpenSSL": ("pyopenssl",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "git": ("gitpython",),
    "github": ("pygithub",),
    "telegram": ("python-telegram-bot",),
    "discord": ("discord-py",),
    "zmq": ("pyzmq",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "grpc": ("grpcio",),
    "Bio": ("biopython",),
    "fitz": ("pymupdf",),
    "Levenshtein": ("python-levenshtein", "levenshtein"),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "mpl_toolkits": ("matplotlib",),
    "pylab": ("matplotlib",),
    "keras": ("keras", "tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-keras", "tensorflow-macos"),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tf-nightly",
                   "tensorflow-intel", "tensorflow-protobuf"),
    "tensorflow_serving": ("tensorflow-serving-api", "tensorflow-protobuf"),
    "tensorboard": ("tensorboard", "tb-nightly"),
    "torch": ("torch", "pytorch", "torch-cpu"),
    "pytorch_lightning": ("pytorch-lightning", "lightning"),
    "lightning_fabric": ("lightning-fabric", "lightning"),
    "onnxruntime": ("onnxruntime", "onnxruntime-gpu"),
    "hydra": ("hydra-core",),
    "absl": ("absl-py",),
    "gin": ("gin-config",),
    "haiku": ("dm-haiku",),
    "tree": ("dm-tree",),
    "sonnet": ("dm-sonnet",),
    "airflow": ("apache-airflow",),
    "kafka": ("kafka-python",),
    "neptune": ("neptune", "neptune-client"),
    "osgeo": ("gdal",),
    "pkg_resources": ("setuptools",),
    "_pytest": ("pytest",),
    "IPython": ("ipython", "jupyter", "notebook", "jupyterlab", "ipykernel"),
    "google.protobuf": ("protobuf",),
    "google.auth": ("google-auth",),
    "google.oauth2": ("google-auth",),
    "google.api_core": ("google-api-core",),
    "google.generativeai": ("google-generativeai",),
    "googleapiclient": ("google-api-python-client",),
    "win32api": ("pywin32",),
    "win32com": ("pywin32",),
    "wx": ("wxpython",),
    "gi": ("pygobject",),
    "xgboost": ("xgboost", "xgboost-cpu"),
    "llama_cpp": ("llama-cpp-python",),
    "docopt": ("docopt", "docopt-ng"),
    "ruamel": ("ruamel-yaml",),
    "jax": ("jax", "jaxlib"),
    "pydantic_settings": ("pydantic-settings",),
    "sklearn_pandas": ("sklearn-pandas",),
    "category_encoders": ("category-encoders",),
    "mlflow": ("mlflow", "mlflow-skinny"),
    "readability": ("readability-lxml",),
    "speech_recognition": ("speechrecognition",),
    "websocket": ("websocket-client",),
    "cairo": ("pycairo",),
    "nacl": ("pynacl",),
    "Xlib": ("python-xlib",),
    "ldap": ("python-ldap",),
    "socks": ("pysocks",),
    "dns": ("dnspython",),
    "pyximport": ("cython",),
    "Cython": ("cython",),
    "sklearnex": ("scikit-learn-intelex",),
}

#: Distribution -> the distributions it always installs with it (its unconditional requirements that code imports
#: directly), so that `import numpy` is declared by `pandas`. A maintained table of the common ML stacks.
BRINGS: Mapping[str, tuple[str, ...]] = {
    "pandas": ("numpy", "python-dateutil", "pytz", "tzdata"),
    "scikit-learn": ("numpy", "scipy", "joblib", "threadpoolctl"),
    "scipy": ("numpy",),
    "matplotlib": ("numpy", "pillow", "pyparsing", "cycler", "kiwisolver", "packaging", "python-dateutil",
                   "fonttools", "contourpy"),
    "seaborn": ("matplotlib", "pandas", "numpy"),
    "statsmodels": ("numpy", "scipy", "pandas", "patsy", "packaging"),
    "torch": ("typing-extensions", "filelock", "sympy", "networkx", "jinja2", "fsspec"),
    "torchvision": ("torch", "numpy", "pillow"),
    "torchaudio": ("torch",),
    "timm": ("torch", "torchvision", "pyyaml", "huggingface-hub", "safetensors"),
    "lightning": ("pytorch-lightning", "lightning-utilities", "torchmetrics", "torch", "fsspec", "packaging",
                  "pyyaml", "tqdm", "typing-extensions", "lightning-fabric"),
    "pytorch-lightning": ("lightning-utilities", "torchmetrics", "torch", "fsspec", "packaging", "pyyaml", "tqdm",
                          "typing-extensions"),
    "torchmetrics": ("torch", "numpy", "lightning-utilities", "packaging"),
    "transformers": ("huggingface-hub", "numpy", "packaging", "pyyaml", "regex", "requests", "tokenizers",
                     "safetensors", "tqdm", "filelock"),
    "sentence-transformers": ("transformers", "torch", "numpy", "scikit-learn", "scipy", "huggingface-hub",
                              "tqdm", "pillow"),
    "datasets": ("numpy", "pandas", "pyarrow", "requests", "tqdm", "huggingface-hub", "fsspec", "pyyaml",
                 "filelock", "dill", "multiprocess", "xxhash", "aiohttp", "packaging"),
    "accelerate": ("torch", "numpy", "packaging", "psutil", "pyyaml", "huggingface-hub", "safetensors"),
    "diffusers": ("huggingface-hub", "numpy", "pillow", "requests", "safetensors", "regex", "filelock"),
    "huggingface-hub": ("requests", "tqdm", "pyyaml", "filelock", "fsspec", "packaging", "typing-extensions"),
    "hydra-core": ("omegaconf", "antlr4-python3-runtime", "packaging"),
    "omegaconf": ("pyyaml", "antlr4-python3-runtime"),
    "tensorflow": ("numpy", "keras", "protobuf", "h5py", "packaging", "requests", "absl-py", "tensorboard",
                   "ml-dtypes", "typing-extensions", "six", "wrapt", "grpcio", "termcolor", "opt-einsum"),
    "tensorflow-cpu": ("numpy", "keras", "protobuf", "h5py", "packaging", "requests", "absl-py", "tensorboard"),
    "keras": ("numpy", "h5py", "absl-py", "rich", "namex", "packaging", "ml-dtypes", "optree"),
    "xgboost": ("numpy", "scipy"),
    "lightgbm": ("numpy", "scipy"),
    "catboost": ("numpy", "pandas", "scipy", "matplotlib", "plotly", "graphviz", "six"),
    "shap": ("numpy", "scipy", "scikit-learn", "pandas", "tqdm", "packaging", "numba", "cloudpickle", "slicer"),
    "imbalanced-learn": ("numpy", "scipy", "scikit-learn", "joblib", "threadpoolctl"),
    "ultralytics": ("torch", "torchvision", "numpy", "matplotlib", "opencv-python", "pillow", "pyyaml", "requests",
                    "scipy", "tqdm", "psutil", "py-cpuinfo", "pandas", "seaborn", "ultralytics-thop"),
    "mlflow": ("mlflow-skinny", "numpy", "pandas", "scikit-learn", "scipy", "matplotlib", "flask", "jinja2",
               "sqlalchemy", "alembic", "docker", "pyarrow", "markdown", "graphene", "gunicorn"),
    "mlflow-skinny": ("click", "cloudpickle", "requests", "pyyaml", "packaging", "protobuf", "sqlparse",
                      "gitpython", "importlib-metadata", "cachetools", "databricks-sdk"),
    "wandb": ("click", "gitpython", "requests", "psutil", "pyyaml", "protobuf", "sentry-sdk", "setproctitle",
              "platformdirs", "pydantic"),
    "optuna": ("numpy", "sqlalchemy", "alembic", "tqdm", "pyyaml", "packaging", "colorlog"),
    "streamlit": ("numpy", "pandas", "pillow", "altair", "pydeck", "requests", "packaging", "protobuf", "pyarrow",
                  "click", "tornado", "toml", "rich", "tenacity", "cachetools", "typing-extensions", "watchdog",
                  "gitpython", "blinker"),
    "gradio": ("numpy", "pandas", "pillow", "fastapi", "uvicorn", "httpx", "huggingface-hub", "jinja2",
               "pydantic", "pyyaml", "requests", "matplotlib", "orjson", "packaging", "python-multipart",
               "gradio-client", "typer", "starlette"),
    "fastapi": ("starlette", "pydantic", "typing-extensions", "anyio"),
    "starlette": ("anyio",),
    "pydantic": ("pydantic-core", "typing-extensions", "annotated-types"),
    "uvicorn": ("click", "h11"),
    "flask": ("werkzeug", "jinja2", "click", "itsdangerous", "blinker", "markupsafe"),
    "requests": ("urllib3", "idna", "certifi", "charset-normalizer"),
    "httpx": ("httpcore", "anyio", "certifi", "idna", "sniffio"),
    "boto3": ("botocore", "s3transfer", "jmespath"),
    "botocore": ("urllib3", "python-dateutil", "jmespath"),
    "typer": ("click", "rich", "typing-extensions", "shellingham"),
    "rich": ("pygments", "markdown-it-py"),
    "jupyter": ("notebook", "ipykernel", "ipython", "ipywidgets", "nbformat", "nbconvert", "jupyter-console",
                "jupyterlab", "jupyter-client", "jupyter-core", "traitlets"),
    "jupyterlab": ("notebook", "ipykernel", "ipython", "nbformat", "jupyter-server", "jupyter-core", "jinja2",
                   "tornado", "traitlets"),
    "notebook": ("ipykernel", "ipython", "nbformat", "nbconvert", "jupyter-server", "jinja2", "tornado",
                 "traitlets"),
    "ipykernel": ("ipython", "jupyter-client", "traitlets", "tornado", "psutil", "packaging"),
    "ipywidgets": ("ipython", "traitlets", "widgetsnbextension"),
    "nbconvert": ("nbformat", "jinja2", "traitlets", "pygments", "bleach", "markupsafe"),
    "pytest": ("packaging", "pluggy", "iniconfig"),
    "sphinx": ("docutils", "jinja2", "pygments", "babel", "packaging", "requests", "imagesize", "alabaster"),
    "cookiecutter": ("jinja2", "click", "requests", "pyyaml", "python-slugify", "arrow", "rich", "binaryornot"),
    "dvc": ("pyyaml", "ruamel-yaml", "requests", "tqdm", "packaging", "psutil", "rich", "pydantic", "omegaconf",
            "hydra-core", "gitpython", "networkx", "dvc-data", "funcy"),
    "dvclive": ("dvc", "pyyaml", "ruamel-yaml", "funcy", "gto", "dvc-render", "psutil"),
    "pyaml": ("pyyaml",),
    "prefect": ("httpx", "pydantic", "pyyaml", "rich", "typer", "anyio", "jinja2", "pendulum", "python-dateutil",
                "sqlalchemy", "fastapi", "uvicorn", "cloudpickle", "fsspec", "click", "packaging", "toml", "orjson"),
    "zenml": ("click", "pydantic", "pyyaml", "rich", "sqlalchemy", "packaging", "python-dateutil", "psutil",
              "requests", "gitpython", "passlib", "distro", "docker", "cloudpickle", "sqlmodel"),
    "evidently": ("pandas", "numpy", "plotly", "scikit-learn", "scipy", "statsmodels", "pydantic", "pyyaml",
                  "requests", "nltk", "fastapi", "uvicorn", "typer", "rich", "fsspec"),
    "bentoml": ("numpy", "pydantic", "pyyaml", "requests", "rich", "click", "starlette", "uvicorn", "httpx",
                "jinja2", "psutil", "packaging", "attrs", "cattrs", "fs", "cloudpickle"),
    "ray": ("numpy", "requests", "pyyaml", "packaging", "protobuf", "click", "filelock", "jsonschema", "msgpack",
            "aiosignal", "frozenlist"),
    "nltk": ("click", "joblib", "regex", "tqdm"),
    "spacy": ("numpy", "requests", "tqdm", "pydantic", "jinja2", "packaging", "typer", "thinc", "srsly"),
    "gensim": ("numpy", "scipy", "smart-open"),
    "plotly": ("packaging", "narwhals", "tenacity"),
    "altair": ("jinja2", "jsonschema", "numpy", "pandas", "packaging", "narwhals", "toolz"),
    "opencv-python": ("numpy",),
    "opencv-python-headless": ("numpy",),
    "opencv-contrib-python": ("numpy",),
    "albumentations": ("numpy", "scipy", "scikit-image", "pyyaml", "opencv-python-headless", "pydantic"),
    "scikit-image": ("numpy", "scipy", "networkx", "pillow", "imageio", "tifffile", "packaging", "lazy-loader"),
    "onnxruntime": ("numpy", "protobuf", "packaging", "flatbuffers", "sympy", "coloredlogs"),
    "dask": ("click", "cloudpickle", "fsspec", "packaging", "partd", "pyyaml", "toolz"),
    "pyspark": ("py4j",),
    "feature-engine": ("numpy", "pandas", "scikit-learn", "scipy", "statsmodels"),
    "mlserver": ("fastapi", "uvicorn", "pydantic", "numpy", "pandas", "protobuf", "grpcio", "starlette",
                 "python-dotenv", "click", "orjson", "aiofiles", "py-grpc-prometheus", "starlette-exporter"),
    "locust": ("requests", "flask", "gevent", "psutil", "pyzmq", "msgpack", "werkzeug", "configargparse"),
    "pyarrow": ("numpy",),
    "sqlalchemy": ("typing-extensions", "greenlet"),
    "great-expectations": ("pandas", "numpy", "jinja2", "requests", "pyyaml", "jsonschema", "ruamel-yaml",
                           "scipy", "tqdm", "altair", "marshmallow", "pydantic"),
    "kedro": ("click", "pyyaml", "rich", "omegaconf", "fsspec", "cookiecutter", "dynaconf", "toml",
              "attrs", "gitpython"),
    "fire": ("termcolor",),
    "python-jose": ("ecdsa", "rsa", "pyasn1"),
}

#: Imports provided by the environment a file runs in rather than by a distribution anyone declares.
ENVIRONMENT_MODULES = frozenset({
    "google.colab", "kaggle_secrets", "kaggle_datasets", "kaggle_web_client", "js", "pyodide", "micropip",
    "__main__", "builtins", "__builtin__", "bpy", "maya", "hou", "nuke", "rospy", "rclpy", "pyspark.dbutils",
    "dbutils",
})

_ENVIRONMENT_TOPS = frozenset(name.split(".", 1)[0] for name in ENVIRONMENT_MODULES)

#: Modules removed from the standard library in recent versions (code for older Pythons still imports them)
#: and Python 2 names that code guarded by a version check imports.
_REMOVED_STDLIB = frozenset({
    "asynchat", "asyncore", "distutils", "imp", "smtpd", "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt",
    "imghdr", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau",
    "telnetlib", "uu", "xdrlib", "lib2to3", "tkinter", "_thread", "__future__", "ConfigParser", "Queue",
    "StringIO", "cStringIO", "cPickle", "urllib2", "urlparse", "httplib", "HTMLParser", "Tkinter", "tkMessageBox",
    "__builtin__", "commands", "thread", "exceptions", "cookielib", "xmlrpclib", "SocketServer", "BaseHTTPServer",
    "SimpleHTTPServer", "CGIHTTPServer", "htmlentitydefs", "md5", "sha", "sets", "dummy_threading", "_dummy_thread",
    "formatter", "parser", "symbol", "binhex", "macpath", "posix", "nt", "ntpath", "posixpath", "sre_compile",
    "sre_constants", "sre_parse", "msvcrt", "winreg", "winsound", "_winapi", "_overlapped", "pwd", "grp",
    "termios", "tty", "pty", "fcntl", "resource", "syslog", "readline", "curses", "dbm", "gdbm", "sqlite3",
    "zoneinfo", "graphlib", "tomllib", "_typeshed",
})

#: The standard library of Python 3.9, for running on 3.9 (where `sys.stdlib_module_names` does not exist).
_STDLIB_39 = frozenset("""
abc argparse array ast asyncio atexit base64 bdb binascii bisect builtins bz2 calendar cmath cmd code codecs
codeop collections colorsys compileall concurrent configparser contextlib contextvars copy copyreg cProfile csv
ctypes dataclasses datetime decimal difflib dis doctest email encodings ensurepip enum errno faulthandler
filecmp fileinput fnmatch fractions ftplib functools gc getopt getpass gettext glob gzip hashlib heapq hmac html
http idlelib imaplib importlib inspect io ipaddress itertools json keyword linecache locale logging lzma
mailbox marshal math mimetypes mmap modulefinder multiprocessing netrc numbers operator optparse os pathlib pdb
pickle pickletools pkgutil platform plistlib poplib pprint profile pstats py_compile pyclbr pydoc pydoc_data
pyexpat queue quopri random re reprlib rlcompleter runpy sched secrets select selectors shelve shlex shutil
signal site smtplib socket socketserver ssl stat statistics string stringprep struct subprocess symtable sys
sysconfig tabnanny tarfile tempfile textwrap threading time timeit token tokenize trace traceback tracemalloc
turtle turtledemo types typing unicodedata unittest urllib uuid venv warnings wave weakref webbrowser wsgiref
xml xmlrpc zipapp zipfile zipimport zlib this antigravity _abc _ast _asyncio _bisect _collections _csv _ctypes
_datetime _decimal _functools _heapq _io _json _locale _operator _pickle _random _signal _socket _sqlite3 _sre
_ssl _stat _string _struct _thread _tracemalloc _warnings _weakref _weakrefset
""".split())

STDLIB: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", _STDLIB_39)) | _STDLIB_39 | _REMOVED_STDLIB


def is_stdlib(name: str) -> bool:
    """True for a top-level module of the standard library (`os`, `tomllib`, `distutils`, `_thread`)."""
    return name.split(".", 1)[0] in STDLIB


class Import(NamedTuple):
    """One imported module: `import a.b` gives `a.b`; `from a import b, c` gives `a` with names (`b`, `c`).

    `level` counts the leading dots of a relative import (its module is then relative, never third-party);
    `line` is 1-based; `optional` says the code runs without it (see the module docstring). A named tuple: a large
    repository has tens of thousands of import statements."""

    module: str
    line: int
    level: int = 0
    names: tuple[str, ...] = ()
    optional: bool = False
    in_function: bool = False  # inside a `def`: imported when the function runs (a lazy import)

    @property
    def top(self) -> str:
        """The top-level name (`sklearn` for `sklearn.model_selection`)."""
        return self.module.split(".", 1)[0]


_OPTIONAL_HANDLERS = re.compile(r"^except\b\s*(?::|.*\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b)")
_OPTIONAL_HEADER = re.compile(
    r"\b(?:ImportError|ModuleNotFoundError)\b|^if\s+(?:not\s+)?(?:typing\.)?TYPE_CHECKING\b"
    r"|^(?:el)?if\b.*(?:find_spec|module_available|package_available|is_available|_available\b|_AVAILABLE\b|"
    r"\bHAS_[A-Z0-9_]+|\bhas_[a-z0-9_]+|\b_?USE_[A-Z0-9_]+|_INSTALLED\b|_installed\b|is_installed|importlib\.util)"
)


def scan_imports(text: str) -> list[Import]:
    """Every import statement of Python source, nested ones included, from the text (see the module docstring)."""
    # A `find` loop rather than a regex over the text: `import` is rare, and a regex tries every position.
    found: list[Import] = []
    strings: _Strings | None = None
    lines: list[str] | None = None
    find, rfind, length = text.find, text.rfind, len(text)
    line, counted = 1, 0  # the line number at `counted`, advanced as the statements go down the text
    pos = 0
    while True:
        at = find("import", pos)
        if at < 0:
            break
        start = rfind("\n", 0, at) + 1
        end = find("\n", at)
        if end < 0:
            end = length
        pos = end
        raw = text[start:end]
        stripped = raw.lstrip()
        if not stripped.startswith(("import ", "from ", "import\t", "from\t")):
            continue
        if strings is None:
            strings = _Strings(text)
        if strings.inside(start):
            continue
        statement = stripped.split("#", 1)[0].rstrip()
        if "(" in statement and ")" not in statement:  # `from x import (\n    a,\n    b,\n)`
            close = find(")", end)
            close = length if close < 0 else close
            rest = text[end:close].split("\n")
            statement += " " + " ".join(part.split("#", 1)[0].strip() for part in rest)
            pos = max(pos, close)
        while statement.endswith("\\") and pos < length:  # `import a, \` continued on the next line
            following = find("\n", pos + 1)
            following = length if following < 0 else following
            statement = statement[:-1] + " " + text[pos + 1:following].split("#", 1)[0].strip()
            pos = following
        line += text.count("\n", counted, start)
        counted = start
        indent = len(raw) - len(stripped)
        imports = _parse_statement(statement.strip(), line)
        if not imports:
            continue
        if indent:
            if lines is None:
                lines = text.split("\n")
            optional, in_function = _context(lines, line - 1, indent)
            if optional or in_function:
                imports = [Import(i.module, i.line, i.level, i.names, optional, in_function) for i in imports]
        found.extend(imports)
    return found


def _parse_statement(statement: str, line: int) -> list[Import]:
    """The imports of one `import ...` / `from ... import ...` statement (with `;` a second statement ends it)."""
    if ";" in statement:
        statement = statement.split(";", 1)[0].strip()
    if statement[0] == "i":  # import a, b.c as d
        found = []
        for part in statement[6:].split(","):
            module = part.split(" as ", 1)[0].strip()
            if module.replace(".", "_").isidentifier():
                found.append(Import(module, line))
        return found
    source, sep, names = statement[4:].partition(" import")
    if not sep:
        return []
    source = source.strip()
    module = source.lstrip(".")
    level = len(source) - len(module)
    if (module and not module.replace(".", "_").isidentifier()) or not (module or level):
        return []
    listed = []
    for part in names.replace("(", " ").replace(")", " ").split(","):
        name = part.split(" as ", 1)[0].strip()
        if name.isidentifier():
            listed.append(name)
    return [Import(module, line, level, tuple(listed))]


class _Strings:
    """The triple-quoted strings of a text, found by pairing the quotes in order, only as far into the text as
    asked (imports sit near the top; a long file's docstrings further down are never looked for). Approximate: a
    triple quote inside a one-line string or a comment is rare enough to ignore."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self.scanned = 0 if ('"""' in text or "'''" in text) else len(text)

    def inside(self, pos: int) -> bool:
        """Whether `pos` lies inside a triple-quoted string."""
        text, find = self.text, self.text.find
        while self.scanned <= pos:
            double, single = find('"""', self.scanned), find("'''", self.scanned)
            if double < 0 and single < 0:
                self.scanned = len(text) + 1
                break
            begin, quote = (double, '"""') if single < 0 or 0 <= double < single else (single, "'''")
            end = find(quote, begin + 3)
            end = len(text) if end < 0 else end + 3
            self.spans.append((begin, end))
            self.scanned = end
        if not self.spans or pos < self.spans[0][0]:
            return False
        index = bisect.bisect_right(self.spans, (pos, sys.maxsize)) - 1
        return index >= 0 and self.spans[index][0] < pos < self.spans[index][1]


def _context(lines: list[str], index: int, indent: int) -> tuple[bool, bool]:
    """Whether the import on `lines[index]` (indented by `indent`) sits in a block that makes it optional, and
    whether it sits in a function: the enclosing block headers are the nearest lines above with less
    indentation that end with `:`."""
    current = indent
    row = index - 1
    in_function = False
    while row >= 0 and current > 0:
        raw = lines[row]
        stripped = raw.lstrip()
        row -= 1
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(stripped)
        if depth >= current:
            continue
        header = stripped.split("#", 1)[0].rstrip()
        if not header.endswith(":"):
            continue  # a continuation line or a string's, not a block header
        if header.startswith((")", "]", "}")):  # `) -> Tensor:` ends a signature written over several lines
            header = _statement_start(lines, row, depth)
        if _OPTIONAL_HEADER.search(header) or header.startswith("except") and _OPTIONAL_HANDLERS.match(header):
            return True, in_function  # `if TYPE_CHECKING:`, `with suppress(ImportError):`, `except ImportError:`
        if header.startswith("try") and header[3:].strip() == ":" and _try_catches_import_errors(lines, row + 1, depth):
            return True, in_function
        if header.startswith(("def ", "async def ", "class ")):
            return False, header[0] != "c"  # a guard outside a definition does not make its body's imports optional
        current = depth
    return False, in_function


def _statement_start(lines: list[str], row: int, depth: int) -> str:
    """The first line of the statement whose last line is `lines[row + 1]`: the nearest line above at the same
    indentation that does not close a bracket."""
    for raw in reversed(lines[max(0, row - 200):row + 1]):
        stripped = raw.lstrip()
        if stripped and not stripped.startswith("#") and len(raw) - len(stripped) == depth and not stripped.startswith(
            (")", "]", "}")
        ):
            return stripped
    return ""


def _try_catches_import_errors(lines: list[str], try_row: int, depth: int) -> bool:
    """Whether the `try:` at `lines[try_row]` has a handler that catches a failed import."""
    for raw in lines[try_row + 1:]:
        stripped = raw.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        here = len(raw) - len(stripped)
        if here > depth:
            continue
        if here < depth or not stripped.startswith(("except", "else", "finally")):
            return False
        if _OPTIONAL_HANDLERS.match(stripped):
            return True
    return False


# Notebooks.

_MAGIC_PREFIXES = ("%", "!", "?")
_INSTALL = re.compile(r"^[!%]\s*(?:pip3?|python3?\s+-m\s+pip|conda|mamba|uv\s+pip)\s+install\s+(?P<args>.*)$")
#: `subprocess.run(["python", "-m", "pip", "install", "skorch", "torch_geometric"])`: the quoted words after it.
_LISTED_INSTALL = re.compile(r"""['"]pip3?['"]\s*,\s*['"]install['"]\s*,(?P<args>[^\])]*)""")
_WRITTEN_MODULE = re.compile(r"^%%(?:writefile|file)\s+(?:-a\s+)?(?P<path>\S+\.py)\s*$", re.M)


def cell_source(cell: Mapping[str, Any]) -> str:
    """The source of a notebook cell as one string (nbformat stores a string or a list of lines)."""
    source = cell.get("source", cell.get("input", ""))
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def notebook_source(cells: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(cell number, Python text) of each code cell, IPython magics and shell escapes blanked out (line
    numbers inside a cell are kept)."""
    found = []
    for number, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        if source.lstrip().startswith("%%"):
            continue  # a cell magic: not Python (%%bash, %%writefile...)
        lines = ["" if line.lstrip().startswith(_MAGIC_PREFIXES) else line for line in source.split("\n")]
        found.append((number, "\n".join(lines)))
    return found


def notebook_installs(cells: Iterable[Mapping[str, Any]]) -> list[str]:
    """What the notebook installs itself: the arguments of its `!pip install` / `%pip install` / `%conda
    install` lines (in code or raw cells) and of a `pip install` it runs through `subprocess`."""
    words = []
    for cell in cells:
        if cell.get("cell_type") not in ("code", "raw"):
            continue
        source = cell_source(cell)
        if "install" not in source:
            continue
        for line in source.split("\n"):
            match = _INSTALL.match(line.strip())
            if match:
                words += [w.strip("'\"") for w in match.group("args").split() if not w.startswith("-")]
        for match in _LISTED_INSTALL.finditer(source):
            words += [w for w in re.findall(r"""['"]([^'"]+)['"]""", match.group("args")) if not w.startswith("-")]
    return words


def notebook_modules(cells: Iterable[Mapping[str, Any]]) -> list[str]:
    """Module names the notebook writes itself (`%%writefile helpers.py`, `%%file mprun_demo.py`)."""
    return [
        match.group("path").rsplit("/", 1)[-1][:-3]
        for cell in cells if cell.get("cell_type") == "code"
        for match in _WRITTEN_MODULE.finditer(cell_source(cell))
    ]


# Which names are the repository's own, and which are third-party.


def local_names(paths: Iterable[str]) -> frozenset[str]:
    """Top-level names the repository's own files can be imported as: every Python file's stem and every folder
    that holds Python files, at any depth (a script's folder is on `sys.path` when it runs, and a folder without
    `__init__.py` is a namespace package). Generous on purpose: a third-party name shadowed by a local folder
    is left unreported rather than reported wrongly."""
    names: set[str] = set()
    for path in paths:
        if not path.endswith((".py", ".pyi", ".pyx", ".ipynb", ".so", ".pyd")):
            continue
        parts = path.split("/")
        stem = parts[-1].split(".", 1)[0]
        names.add(stem)
        names.update(parts[:-1])
    return frozenset(names)


#: Folders that are never import roots of the project's own code.
_NOT_CODE = frozenset({"docs", "doc"})


def is_project_code(path: str) -> bool:
    """A Python file of the project itself: not a test, not documentation."""
    if not path.endswith(".py") or is_test_path(path):
        return False
    return not any(part in _NOT_CODE for part in path.split("/")[:-1])


def third_party_tops(imports: Iterable[Import], local: frozenset[str] | set[str]) -> set[str]:
    """The top-level names of the imports of installed packages (see `is_third_party`), private ones left out."""
    return {i.top for i in imports if is_third_party(i.module, local, i.level) and not i.top.startswith("_")}


def is_third_party(module: str, local: frozenset[str] | set[str], level: int = 0) -> bool:
    """True for an import of something installed: not relative, not the standard library, not the repository's
    own (`local`, from `local_names` or the project model), not generated code (`*_pb2`), not provided by the
    environment (`google.colab`)."""
    if level or not module:
        return False
    top = module.split(".", 1)[0]
    if top in local or top in STDLIB or top.endswith(("_pb2", "_pb2_grpc")):
        return False
    if top not in _ENVIRONMENT_TOPS:
        return True
    return not any(module == env or module.startswith(env + ".") for env in ENVIRONMENT_MODULES)


# Import names and distributions.


@functools.lru_cache(maxsize=4096)
def distributions(module: str, names: tuple[str, ...] = ()) -> frozenset[str]:
    """PEP 503 names of the distributions that can provide `import module` (or `from module import names`)."""
    dotted = [module] + [f"{module}.{name}" for name in names]
    found: set[str] = set()
    for full in dotted:
        parts = full.split(".")
        for count in range(1, min(len(parts), 4) + 1):
            prefix = ".".join(parts[:count])
            found.add(canonical(prefix))  # `google.cloud.storage` -> google-cloud-storage
            found.update(KNOWN_DISTRIBUTIONS.get(prefix, ()))
    top = module.split(".", 1)[0]
    found.update(_installed().get(top, ()))
    return frozenset(found)


def with_dependencies(names: Iterable[str]) -> frozenset[str]:
    """The distributions together with what they always install (`BRINGS`, followed three levels deep)."""
    found = set(names)
    frontier = set(found)
    for _ in range(3):
        frontier = {dep for name in frontier for dep in BRINGS.get(name, ())} - found
        found |= frontier
    return frozenset(found)


def provided_names(distribution: str) -> frozenset[str]:
    """Import names (top level and dotted prefixes) a distribution provides: the table's, the installed
    metadata's, and its own name spelt as a module (`scikit-learn` -> `scikit_learn`)."""
    return _provided().get(distribution, frozenset()) | {distribution.replace("-", "_")}


@functools.lru_cache(maxsize=1)
def _provided() -> dict[str, frozenset[str]]:
    reverse: dict[str, set[str]] = {}
    for name, dists in KNOWN_DISTRIBUTIONS.items():
        for dist in dists:
            reverse.setdefault(dist, set()).add(name)
    for name, dists in _installed().items():
        for dist in dists:
            reverse.setdefault(dist, set()).add(name)
    return {dist: frozenset(names) for dist, names in reverse.items()}


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, frozenset[str]]:
    """Top-level import name -> PEP 503 names of the installed distributions that provide it, from their
    metadata (`top_level.txt`, else the files they installed): read once per process, nothing imported."""
    from importlib import metadata

    mapping: dict[str, set[str]] = {}
    try:
        if sys.version_info >= (3, 10):
            for name, dists in metadata.packages_distributions().items():
                mapping.setdefault(name, set()).update(canonical(d) for d in dists)
        else:  # pragma: no cover - 3.9 has no packages_distributions
            for dist in metadata.distributions():
                top = (dist.read_text("top_level.txt") or "").split()
                for name in top:
                    mapping.setdefault(name, set()).add(canonical(dist.metadata["Name"] or ""))
    except Exception:  # broken metadata of some installed distribution: the table still answers
        return {}
    return {name: frozenset(dists) for name, dists in mapping.items()}


def install_words_to_names(words: Iterable[str]) -> list[str]:
    """PEP 503 names of what `pip install WORDS` installs (requirements and URLs with `#egg=`; options, local
    paths and variables left out)."""
    names = []
    for word in words:
        if "$" in word:
            continue
        dep = requirement_dep(word, 0)
        if isinstance(dep, Dep):
            names.append(dep.name if "/" not in dep.name else url_name(dep.name))
    return names


def url_name(url: str) -> str:
    """The distribution a URL requirement without `#egg=` probably installs: its repository or archive name
    (`git+https://github.com/openai/CLIP.git` -> clip)."""
    base = url.rstrip("/").split("@", 1)[0].rsplit("/", 1)[-1]
    base = re.sub(r"\.git$|(-\d[\w.]*)?(\.tar\.gz|\.zip|\.whl|\.tgz)$", "", base)
    return canonical(base.split("-", 1)[0] if base.endswith(".whl") else base)
