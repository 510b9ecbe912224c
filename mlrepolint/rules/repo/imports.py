"""What a repository imports, and which installable distributions can provide it.

One place for the questions every dependency rule asks:

- `notebook_source(cells)` gives a notebook's code cells as Python text, with IPython magics and shell escapes
  left out, and `notebook_installs(cells)` what its `!pip install` / `%pip install` lines install (the import
  statements themselves: `mlrepolint.importscan`).
- `is_stdlib(name)`: part of the standard library of any supported Python (`sys.stdlib_module_names` on 3.10+,
  a list for 3.9, plus modules removed in recent versions, which code for older Pythons still imports).
- `is_third_party(module, local)`: neither standard library nor the repository's own (`local`: the project
  model's `first_party`), nor `__future__`.
- `read_python(repo, path)`: a Python file's text for a repository rule, within the size limit.
- `distributions(module, names)`: the PEP 503 names of the distributions that can provide an import: the name
  itself, the maintained table of names that differ (`sklearn` -> scikit-learn, `cv2` -> opencv-python and its
  variants, `PIL` -> pillow, `yaml` -> pyyaml), namespace packages spelt out (`google.cloud.storage` ->
  google-cloud-storage), and what the installed distributions' metadata says (`importlib.metadata`, read, never
  importing anything).
- `provided_names(distribution)`: the reverse, for telling whether a declared distribution is ever imported.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any, Iterable, Mapping

from mlrepolint.api import Import, RepoView, is_test_path, lazy
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


#: A repository rule reads at most this much of a Python file (larger ones are generated or data).
PYTHON_LIMIT = 2_000_000


def read_python(repo: RepoView, path: str) -> str | None:
    """The Python file's text, or None when it is unreadable or larger than `PYTHON_LIMIT`."""
    size = repo.size(path)
    return repo.read_text(path) if size is not None and size <= PYTHON_LIMIT else None


# Notebooks.

_MAGIC_PREFIXES = ("%", "!", "?")
_INSTALL = lazy(r"^[!%]\s*(?:pip3?|python3?\s+-m\s+pip|conda|mamba|uv\s+pip)\s+install\s+(?P<args>.*)$")
#: `subprocess.run(["python", "-m", "pip", "install", "skorch", "torch_geometric"])`: the quoted words after it.
_LISTED_INSTALL = lazy(r"""['"]pip3?['"]\s*,\s*['"]install['"]\s*,(?P<args>[^\])]*)""")
_WRITTEN_MODULE = lazy(r"^%%(?:writefile|file)\s+(?:-a\s+)?(?P<path>\S+\.py)\s*$", re.M)


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
    own (`local`: the project model's `first_party`), not generated code (`*_pb2`), not provided by the
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


def installed_table() -> dict[str, list[str]]:
    """What `distributions` reads from the installed distributions' metadata, as JSON for a run to record:
    top-level import name -> the PEP 503 names of the distributions providing it."""
    return {name: sorted(dists) for name, dists in sorted(_installed().items())}


def use_installed_table(table: Any) -> None:
    """Read the installed distributions from `table` (what `installed_table` gave a run in this environment)
    instead of their metadata, which costs more than the rest of a one-file edit's dependency rules; unless this
    process read the metadata already. The result cache records it under a key that names every installed
    distribution and its version (`mlrepolint.cache.lint_key`), so a table from another environment never
    comes back."""
    global _recorded
    if _installed.cache_info().currsize == 0 and isinstance(table, dict) and all(
            type(name) is str and type(dists) is list and all(type(d) is str for d in dists)
            for name, dists in table.items()):
        _recorded = {name: frozenset(dists) for name, dists in table.items()}


_recorded: dict[str, frozenset[str]] | None = None


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, frozenset[str]]:
    """Top-level import name -> PEP 503 names of the installed distributions that provide it, from their
    metadata (`top_level.txt`, else the files they installed): read once per process, nothing imported."""
    if _recorded is not None:
        return _recorded
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
