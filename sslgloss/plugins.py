"""Discovering term plugins and collecting what they register.

Plugins are found through the ``sslgloss`` entry-point group and driven with
pluggy. Loading is lazy and happens once per process: ``plugin_manager()``
is cached. Each hook implementation is called on its own so that everything
it registers is attributed to its plugin (for messages such as "defined by
both `core` and `my-plugin`").
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata as md
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from . import hookspecs
from .hookspecs import DemoPage
from .errors import PluginLoadError, Problem
from .relations import RelationType

CORE_PLUGIN = "core"
ENTRY_POINT_GROUP = "sslgloss"


@dataclass
class PluginInfo:
    """A loaded plugin: where it came from and what it contributed."""

    name: str
    module: str
    version: str = ""
    distribution: str = ""
    term_files: list[Path] = field(default_factory=list)
    term_count: int = 0


@dataclass
class Contributions:
    """Everything the plugins registered, before validation."""

    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    term_sources: list[tuple[str, Path]] = field(default_factory=list)  # (plugin, file)
    relation_types: list[tuple[str, RelationType]] = field(default_factory=list)
    demos: list[DemoPage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _dist_of(ep: md.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "", ""
    return dist.metadata["Name"], dist.version


def _own_version() -> str:
    from . import __version__

    return __version__


def _unmet_requirement(plugin: Any) -> str | None:
    """The plugin's ``SSLGLOSS_REQUIRES`` specifier (e.g. ">=0.2") if this sslgloss does not satisfy it."""
    spec = getattr(plugin, "SSLGLOSS_REQUIRES", None)
    if not spec:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        ok = SpecifierSet(spec).contains(_own_version(), prereleases=True)
    except InvalidSpecifier:
        return f"{spec} (not a valid version specifier)"
    return None if ok else spec


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager with every installed plugin registered."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    failures: list[str] = []
    dists: dict[str, tuple[str, str]] = {}
    seen_core = False
    disabled = {n.strip() for n in os.environ.get("SSLGLOSS_DISABLE_PLUGINS", "").split(",") if n.strip()}
    for ep in sorted(md.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name != CORE_PLUGIN, e.name)):
        if ep.name in disabled or pm.has_plugin(ep.name):
            continue
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not hide the others
            failures.append(f"plugin `{ep.name}` ({ep.value}) failed to import: {type(exc).__name__}: {exc}")
            continue
        needed = _unmet_requirement(obj)
        if needed:
            failures.append(f"plugin `{ep.name}` needs sslgloss {needed}, but {_own_version()} is installed; "
                            f"upgrade with `pip install -U 'sslgloss{needed}'`")
            continue
        pm.register(obj, name=ep.name)
        dists[ep.name] = _dist_of(ep)
        seen_core |= ep.name == CORE_PLUGIN
    if not seen_core and CORE_PLUGIN not in disabled:
        # running from a source tree that was never pip-installed: the core still goes through the hook
        pm.register(importlib.import_module("sslgloss.core"), name=CORE_PLUGIN)
    pm._sslgloss_failures = failures  # type: ignore[attr-defined]
    pm._sslgloss_dists = dists  # type: ignore[attr-defined]
    return pm


def _plugin_version(pm: pluggy.PluginManager, name: str) -> tuple[str, str]:
    found = getattr(pm, "_sslgloss_dists", {}).get(name)
    if found and found[0]:
        return found
    if name == CORE_PLUGIN:
        from . import __version__

        return "sslgloss", __version__
    return "", ""


def _term_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.md") if p.is_file() and not p.name.startswith((".", "_")))
    return [path]


def collect(term_dirs: list[str | os.PathLike] | tuple = (), entry_points: bool = True) -> Contributions:
    """Call every plugin's hooks, plus one directory plugin per ``term_dirs`` folder."""
    out = Contributions()
    if entry_points:
        pm = plugin_manager()
        for message in getattr(pm, "_sslgloss_failures", []):
            out.problems.append(Problem("error", "plugin-import", message))
        for name, plugin in pm.list_name_plugin():
            info = PluginInfo(name=name, module=getattr(plugin, "__name__", repr(plugin)))
            info.distribution, info.version = _plugin_version(pm, name)
            out.plugins[name] = info
            _call_hooks(pm, name, plugin, info, out)
    for folder in term_dirs:
        path = Path(folder)
        name = f"dir:{folder}"
        info = PluginInfo(name=name, module="", version="", distribution="")
        out.plugins[name] = info
        if not path.exists():
            out.problems.append(Problem("error", "missing-dir", f"term folder `{folder}` does not exist", str(folder)))
            continue
        for file in _term_files(path):
            info.term_files.append(file)
            out.term_sources.append((name, file))
    return out


def _call_hooks(pm: pluggy.PluginManager, name: str, plugin: Any, info: PluginInfo, out: Contributions) -> None:
    def register_terms(path: str | os.PathLike) -> None:
        p = Path(str(path))
        if not p.exists():
            raise PluginLoadError(f"plugin `{name}` registered `{p}`, which does not exist")
        for file in _term_files(p):
            info.term_files.append(file)
            out.term_sources.append((name, file))

    def register_relation_type(rtype: RelationType) -> None:
        if not isinstance(rtype, RelationType):
            raise PluginLoadError(f"plugin `{name}` registered {rtype!r}; expected sslgloss.RelationType")
        out.relation_types.append((name, rtype))

    def register_demo(page: DemoPage) -> None:
        if not isinstance(page, DemoPage):
            raise PluginLoadError(f"plugin `{name}` registered {page!r}; expected sslgloss.DemoPage")
        page.plugin = name
        page.script = Path(page.script)
        out.demos.append(page)

    hooks = (("register_terms", register_terms), ("register_relation_types", register_relation_type),
             ("register_demos", register_demo))
    for hook_name, callback in hooks:
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.plugin is not plugin:
                continue
            try:
                impl.function(register=callback)
            except PluginLoadError as exc:
                out.problems.append(Problem("error", "plugin-hook", str(exc)))
            except Exception as exc:
                out.problems.append(Problem("error", "plugin-hook",
                                            f"plugin `{name}`: hook {hook_name} failed: {type(exc).__name__}: {exc}"))


def iter_demos(entry_points: bool = True) -> list[DemoPage]:
    """Every demo page the installed plugins register, core first."""
    return collect((), entry_points=entry_points).demos
