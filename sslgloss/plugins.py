"""Discovering term plugins and collecting what they register, so that no plugin can hide another.

Plugins are found through the ``sslgloss`` entry-point group and driven with
pluggy. Loading is lazy and happens once per process: ``plugin_manager()``
is cached. Each plugin is loaded, checked and registered on its own: one that
fails to import, has a hook with a wrong signature (pluggy's
``PluginValidationError``), implements a hook that does not exist
(``check_pending``) or forgot ``@hookimpl`` is reported as a problem naming
the plugin, the hook and the line, and the others still load. Two plugins
with the same name, and a plugin calling itself ``core``, are errors naming
the distributions. Each hook implementation is called on its own so that
everything it registers is attributed to its plugin (for messages such as
"defined by both `core` and `my-plugin`").
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.metadata as md
import inspect
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginLoadError, Problem
from .hookspecs import DemoPage
from .relations import RelationType

CORE_PLUGIN = "core"
CORE_DISTRIBUTION = "sslgloss"
ENTRY_POINT_GROUP = "sslgloss"
HOOK_NAMES = tuple(name for name in dir(hookspecs) if name.startswith("register_"))


@dataclass
class PluginInfo:
    """A loaded plugin: where it came from and what it contributed."""

    name: str
    module: str
    version: str = ""
    distribution: str = ""
    term_files: list[Path] = field(default_factory=list)
    term_count: int = 0
    hooks: list[str] = field(default_factory=list)
    relation_types: list[str] = field(default_factory=list)
    demos: list[str] = field(default_factory=list)
    folder: str = ""  # a plain folder of term files (``--terms-dir``, mkdocs.yml ``term_dirs``): its path


@dataclass
class Contributions:
    """Everything the plugins registered, before validation."""

    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    term_sources: list[tuple[str, Path]] = field(default_factory=list)  # (plugin, file)
    relation_types: list[tuple[str, RelationType]] = field(default_factory=list)
    demos: list[DemoPage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Loaded:
    """What ``plugin_manager()`` found: the manager plus the problems and distributions of each plugin."""

    pm: pluggy.PluginManager
    problems: list[Problem] = field(default_factory=list)
    dists: dict[str, tuple[str, str]] = field(default_factory=dict)  # plugin -> (distribution, version)


def _dist_of(ep: md.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "", ""
    return dist.metadata["Name"], dist.version


def _own_version() -> str:
    from . import __version__

    return __version__


def _shown_path(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:
        return path


def _where(obj: Any) -> tuple[str | None, int | None]:
    """The file and line where a function (or module) is defined, as a reader would open it."""
    try:
        obj = inspect.unwrap(obj)
        file = inspect.getsourcefile(obj)
        line = obj.__code__.co_firstlineno if hasattr(obj, "__code__") else None
    except (TypeError, OSError):
        return None, None
    return _shown_path(file), line


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


def _import_problem(ep: md.EntryPoint, exc: BaseException) -> Problem:
    """A plugin that failed to import, located at the line that raised (in the plugin's own files if we can)."""
    file = line = None
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        own = [f for f in frames if "importlib" not in f.filename and "/sslgloss/plugins.py" not in f.filename]
        if own:
            file, line = own[-1].filename, own[-1].lineno
    return Problem("error", "plugin-import", f"plugin `{ep.name}` ({ep.value}) failed to import: "
                   f"{type(exc).__name__}: {exc}", _shown_path(file), line,
                   "fix the error, or uninstall the plugin to build without it")


def _hook_problems(name: str, plugin: Any, error: Exception | None, pm: pluggy.PluginManager) -> list[Problem]:
    """Hooks of one plugin that pluggy refuses or would never call, each with its line."""
    problems = []
    if error is not None:  # PluginValidationError from register(): a hook's arguments do not match its spec
        for hook in HOOK_NAMES:
            impl = getattr(plugin, hook, None)
            if impl is None or not callable(impl):
                continue
            expected = list(inspect.signature(getattr(hookspecs, hook)).parameters)
            got = list(inspect.signature(impl).parameters)
            if not set(got) <= set(expected):
                file, line = _where(impl)
                problems.append(Problem("error", "plugin-hook", f"plugin `{name}`: hook `{hook}({', '.join(got)})` "
                                        f"takes arguments sslgloss does not pass", file, line,
                                        f"write `def {hook}({', '.join(expected)}):`"))
        if not problems:
            problems.append(Problem("error", "plugin-hook", f"plugin `{name}` was refused by pluggy: {error}"))
        return problems
    marked = set()
    for caller in pm.get_hookcallers(plugin) or []:
        marked.add(caller.name)
        if caller.spec is None:
            impl = next(i.function for i in caller.get_hookimpls() if i.plugin is plugin)
            file, line = _where(impl)
            close = difflib.get_close_matches(caller.name, HOOK_NAMES, n=1)
            problems.append(Problem("error", "plugin-hook", f"plugin `{name}` implements `{caller.name}`, "
                                    f"which is not an sslgloss hook, so it is never called", file, line,
                                    f"did you mean `{close[0]}`?" if close else f"hooks: {', '.join(HOOK_NAMES)}"))
    for attr, value in vars(plugin).items() if inspect.ismodule(plugin) else ():
        if attr in marked or not inspect.isfunction(value) or value.__module__ != plugin.__name__:
            continue
        close = difflib.get_close_matches(attr, HOOK_NAMES, n=1, cutoff=0.85)
        if close:
            file, line = _where(value)
            problems.append(Problem("error", "plugin-hook", f"plugin `{name}`: `{attr}` is not marked `@hookimpl`, "
                                    f"so sslgloss never calls it", file, line,
                                    f"put `@hookimpl` on the line above it (and name it `{close[0]}`)"
                                    if close[0] != attr else "put `@hookimpl` on the line above it"))
    return problems


def _entry_points(disabled: set[str], loaded: Loaded) -> list[md.EntryPoint]:
    """The entry points to load: one per name, `core` only from sslgloss itself; clashes are problems."""
    by_name: dict[str, list[md.EntryPoint]] = {}
    for ep in md.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in disabled:
            by_name.setdefault(ep.name, []).append(ep)
    chosen = []
    for name in sorted(by_name, key=lambda n: (n != CORE_PLUGIN, n)):
        eps = sorted(by_name[name], key=lambda e: _dist_of(e)[0])
        if name == CORE_PLUGIN:
            impostors = [e for e in eps if _dist_of(e)[0] not in (CORE_DISTRIBUTION, "")]
            for ep in impostors:
                loaded.problems.append(Problem(
                    "error", "plugin-name", f"`{_dist_of(ep)[0]}` declares a plugin named `core`, which is reserved "
                    "for sslgloss's own glossary; it was not loaded", None, None,
                    "rename its entry point in its pyproject.toml ([project.entry-points.sslgloss])"))
            eps = [e for e in eps if e not in impostors]
            if not eps:
                continue
        if len({_dist_of(e) for e in eps}) > 1 or len(eps) > 1:
            owners = " and ".join(f"`{_dist_of(e)[0] or e.value}`" for e in eps)
            loaded.problems.append(Problem(
                "error", "plugin-name", f"two plugins are named `{name}`: {owners}; only the first was loaded, "
                "so the other's terms are missing", None, None, "uninstall one, or rename its entry point"))
        chosen.append(eps[0])
    return chosen


@functools.cache
def plugin_manager() -> Loaded:
    """The process-wide plugin manager with every installed plugin registered, and the problems found."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    loaded = Loaded(pm)
    disabled = {n.strip() for n in os.environ.get("SSLGLOSS_DISABLE_PLUGINS", "").split(",") if n.strip()}
    seen_core = False
    candidates: list[tuple[str, Any, tuple[str, str]]] = []
    for ep in _entry_points(disabled, loaded):
        try:
            candidates.append((ep.name, ep.load(), _dist_of(ep)))
        except Exception as exc:  # a broken plugin must not hide the others
            loaded.problems.append(_import_problem(ep, exc))
    if CORE_PLUGIN not in disabled and not any(name == CORE_PLUGIN for name, _o, _d in candidates):
        # running from a source tree that was never pip-installed: the core still goes through the hook
        candidates.insert(0, (CORE_PLUGIN, importlib.import_module("sslgloss.core"), (CORE_DISTRIBUTION, "")))
    for name, obj, dist in candidates:
        needed = _unmet_requirement(obj)
        if needed:
            loaded.problems.append(Problem(
                "error", "plugin-version", f"plugin `{name}` needs sslgloss {needed}, but {_own_version()} is "
                f"installed; upgrade with `pip install -U 'sslgloss{needed}'`"))
            continue
        try:
            pm.register(obj, name=name)
        except pluggy.PluginValidationError as exc:
            loaded.problems.extend(_hook_problems(name, obj, exc, pm))
            continue
        loaded.dists[name] = dist
        seen_core |= name == CORE_PLUGIN
    found = [p for name, plugin in pm.list_name_plugin() for p in _hook_problems(name, plugin, None, pm)]
    try:
        pm.check_pending()  # pluggy's own check: every @hookimpl names a hook that exists
    except pluggy.PluginValidationError as exc:
        if not found:  # our scan names the plugin, the hook and its line; this is the fallback
            found.append(Problem("error", "plugin-hook", f"a plugin implements an unknown hook: {exc}"))
    loaded.problems.extend(found)
    return loaded


def _plugin_version(loaded: Loaded, name: str) -> tuple[str, str]:
    found = loaded.dists.get(name)
    if found and found[0] and found[1]:
        return found
    if name == CORE_PLUGIN:
        return CORE_DISTRIBUTION, _own_version()
    return found or ("", "")


def _term_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.md") if p.is_file() and not p.name.startswith((".", "_")))
    return [path]


def folder_plugin_name(folder: str | os.PathLike, taken: set[str] | dict) -> str:
    """A readable name for a plain folder of term files: its own name, never its path.

    >>> folder_plugin_name("/home/me/speech-terms", {"core"}), folder_plugin_name("x/core", {"core"})
    ('speech-terms', 'core-2')
    """
    base = Path(folder).resolve().name or "terms"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def collect(term_dirs: list[str | os.PathLike] | tuple = (), entry_points: bool = True) -> Contributions:
    """Call every plugin's hooks, plus one folder plugin per ``term_dirs`` folder."""
    out = Contributions()
    if entry_points:
        loaded = plugin_manager()
        out.problems.extend(loaded.problems)
        for name, plugin in loaded.pm.list_name_plugin():
            info = PluginInfo(name=name, module=getattr(plugin, "__name__", repr(plugin)))
            info.distribution, info.version = _plugin_version(loaded, name)
            out.plugins[name] = info
            _call_hooks(loaded.pm, name, plugin, info, out)
    for folder in term_dirs:
        path = Path(folder)
        name = folder_plugin_name(folder, out.plugins)
        info = PluginInfo(name=name, module="", folder=str(folder))
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
        info.relation_types.append(rtype.name)
        out.relation_types.append((name, rtype))

    def register_demo(page: DemoPage) -> None:
        if not isinstance(page, DemoPage):
            raise PluginLoadError(f"plugin `{name}` registered {page!r}; expected sslgloss.DemoPage")
        other = next((d for d in out.demos if d.id == page.id), None)
        if other is not None:
            raise PluginLoadError(f"demo id `{page.id}` is registered by both plugin `{other.plugin}` and plugin "
                                  f"`{name}`; demo ids are shared by all plugins, so the second was not loaded")
        page.plugin = name
        page.script = Path(page.script)
        info.demos.append(page.id)
        out.demos.append(page)

    hooks = (("register_terms", register_terms), ("register_relation_types", register_relation_type),
             ("register_demos", register_demo))
    for hook_name, callback in hooks:
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.plugin is not plugin:
                continue
            info.hooks.append(hook_name)
            file, line = _where(impl.function)
            try:
                impl.function(register=callback)
            except PluginLoadError as exc:
                out.problems.append(Problem("error", "plugin-hook", str(exc), file, line))
            except Exception as exc:
                out.problems.append(Problem("error", "plugin-hook",
                                            f"plugin `{name}`: hook {hook_name} failed: {type(exc).__name__}: {exc}",
                                            file, line))
    if not (info.term_files or info.relation_types or info.demos):
        file, _line = _where(plugin) if inspect.ismodule(plugin) else (None, None)
        out.problems.append(Problem("warning", "plugin-empty", f"plugin `{name}` registered no terms, relation types "
                                    "or demos", file, None,
                                    "does its module have `@hookimpl def register_terms(register): ...`?"))


def iter_demos(entry_points: bool = True) -> list[DemoPage]:
    """Every demo page the installed plugins register, core first."""
    return collect((), entry_points=entry_points).demos
