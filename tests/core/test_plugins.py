"""Plugin discovery: a real package installed by pip, and broken or hostile plugins that must not hide others.

The hostile cases are distributions written straight into a folder on ``sys.path``
(a ``*.dist-info`` with its entry points beside the module), which is what pip
leaves behind, without the cost of building a wheel for each case.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sslgloss.cli import main
from tests.conftest import FIXTURES, NO_PLUGINS, ONLY_CORE, REPO, term_text

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory):
    """`pip install` the fixture plugin (no deps, offline) into a folder put on PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    src = build / "plugin_pkg"
    subprocess.run(["cp", "-r", str(FIXTURES / "plugin_pkg"), str(src)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(src)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    return env


def sslgloss(env, *args):
    return subprocess.run([str(BIN / "sslgloss"), *args], env=env, capture_output=True, text=True, cwd=REPO)


def test_installed_plugin_is_listed_with_version_hooks_and_terms(installed_plugin):
    result = sslgloss(installed_plugin, "plugins")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "testplugin (sslgloss-testplugin 1.2.3): 1 terms" in result.stdout
    assert "  hooks: register_terms, register_relation_types" in result.stdout
    assert "  relation types: inspired_by" in result.stdout
    assert "core (sslgloss" in result.stdout and "  demos: masking, next-word" in result.stdout


def test_plugin_terms_and_relation_types_join_the_graph(installed_plugin):
    result = sslgloss(installed_plugin, "graph", "neighbours", "rotation-angle-prediction")
    assert result.returncode == 0, result.stderr
    assert "inspired by: Data Augmentation (data-augmentation)" in result.stdout
    assert "is a: Pretext Task (pretext-task)" in result.stdout


def test_core_terms_are_loaded_once_per_process():
    from sslgloss.plugins import plugin_manager

    assert plugin_manager() is plugin_manager()


# ------------------------------------------------------------------------- broken and hostile plugins

@pytest.fixture
def fake_site(tmp_path, monkeypatch):
    """install(dist, entry name, module source, terms={id: text}) writes an installed distribution on sys.path."""
    from sslgloss.plugins import plugin_manager

    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("SSLGLOSS_DISABLE_PLUGINS", NO_PLUGINS)  # the core's 60+ terms are not what these tests look at
    modules: list[str] = []

    def install(dist: str, entry: str, source: str, terms: dict[str, str] | None = None) -> Path:
        module = f"fake_{dist.replace('-', '_')}_{len(modules)}"
        modules.append(module)
        package = site / module
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for term_id, text in (terms or {}).items():
            (package / "terms").mkdir(exist_ok=True)
            (package / "terms" / f"{term_id}.md").write_text(text, encoding="utf-8")
        info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(f"[sslgloss]\n{entry} = {module}\n", encoding="utf-8")
        importlib.invalidate_caches()
        plugin_manager.cache_clear()
        return package / "__init__.py"

    yield install
    plugin_manager.cache_clear()
    for module in modules:
        sys.modules.pop(module, None)


GOOD = '''
from pathlib import Path
from sslgloss import hookimpl

@hookimpl
def register_terms(register):
    register(Path(__file__).parent / "terms")
'''


def load():
    from sslgloss.glossary import load_glossary

    return load_glossary()


def plugins_command():
    return CliRunner().invoke(main, ["plugins"], catch_exceptions=False)


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_two_plugins_with_the_same_name_are_an_error_naming_both(fake_site):
    fake_site("sslgloss-speech-one", "speechy", GOOD, {"alpha-one": term_text("alpha-one")})
    fake_site("sslgloss-speech-two", "speechy", GOOD, {"alpha-two": term_text("alpha-two")})
    problem = only(load().problems, "plugin-name")
    assert problem.level == "error"
    assert ("two plugins are named `speechy`: `sslgloss-speech-one` and `sslgloss-speech-two`; only the first "
            "was loaded") in problem.message
    result = plugins_command()
    assert result.exit_code == 1 and "two plugins are named `speechy`" in result.output


def test_a_plugin_named_core_is_refused_and_the_core_glossary_stays(fake_site, monkeypatch):
    fake_site("sslgloss-hijack", "core", GOOD, {"hijacked": term_text("hijacked")})
    monkeypatch.setenv("SSLGLOSS_DISABLE_PLUGINS", ONLY_CORE)
    glossary = load()
    problem = only(glossary.problems, "plugin-name")
    assert "`sslgloss-hijack` declares a plugin named `core`, which is reserved" in problem.message
    assert glossary.plugins["core"].distribution == "sslgloss"
    assert "self-supervised-learning" in glossary.terms and "hijacked" not in glossary.terms


def test_a_hook_with_a_wrong_parameter_is_reported_with_its_line_and_others_load(fake_site):
    bad = fake_site("sslgloss-badsig", "badsig", '''
        from sslgloss import hookimpl

        @hookimpl
        def register_terms(reg):
            reg("nowhere")
    ''')
    fake_site("sslgloss-fine", "fine", GOOD, {"fine-term": term_text("fine-term")})
    glossary = load()
    problem = only(glossary.problems, "plugin-hook")
    assert str(problem).endswith("error: plugin `badsig`: hook `register_terms(reg)` takes arguments sslgloss "
                                 "does not pass (write `def register_terms(register):`)")
    assert Path(problem.file).resolve() == bad.resolve() and problem.line == 4
    assert glossary.terms["fine-term"].plugin == "fine"
    result = plugins_command()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "fine (sslgloss-fine 1.0): 1 terms" in result.output


def test_an_unknown_hook_name_is_reported_with_a_suggestion(fake_site):
    bad = fake_site("sslgloss-typo", "typo", '''
        from sslgloss import hookimpl

        @hookimpl
        def register_term(register):
            pass
    ''')
    problem = only(load().problems, "plugin-hook")
    assert problem.message == ("plugin `typo` implements `register_term`, which is not an sslgloss hook, "
                               "so it is never called")
    assert problem.hint == "did you mean `register_terms`?"
    assert Path(problem.file).resolve() == bad.resolve() and problem.line == 4
    assert plugins_command().exit_code == 1


def test_a_hook_without_hookimpl_is_reported(fake_site):
    fake_site("sslgloss-unmarked", "unmarked", '''
        from pathlib import Path

        def register_terms(register):
            register(Path(__file__).parent / "terms")
    ''', {"lost-term": term_text("lost-term")})
    glossary = load()
    problem = only(glossary.problems, "plugin-hook")
    assert problem.message == "plugin `unmarked`: `register_terms` is not marked `@hookimpl`, so sslgloss never calls it"
    assert problem.line == 4  # the `def` line (the source starts with an empty line)
    assert only(glossary.problems, "plugin-empty").level == "warning"


def test_a_plugin_that_fails_to_import_is_reported_and_the_others_still_load(fake_site):
    bad = fake_site("sslgloss-broken", "broken", "import os\nimport sslgloss_no_such_module\n")
    fake_site("sslgloss-fine", "fine", GOOD, {"fine-term": term_text("fine-term")})
    glossary = load()
    problem = only(glossary.problems, "plugin-import")
    assert "plugin `broken`" in problem.message
    assert "ModuleNotFoundError: No module named 'sslgloss_no_such_module'" in problem.message
    assert Path(problem.file).resolve() == bad.resolve() and problem.line == 2
    assert "fine-term" in glossary.terms
    result = plugins_command()
    assert result.exit_code == 1
    assert "1 plugin problem(s); the other plugins loaded" in result.output


def test_a_plugin_that_registers_nothing_gets_a_warning(fake_site):
    fake_site("sslgloss-empty", "empty", "from sslgloss import hookimpl\n")
    problem = only(load().problems, "plugin-empty")
    assert problem.level == "warning"
    assert problem.message == "plugin `empty` registered no terms, relation types or demos"
    assert plugins_command().exit_code == 0


def test_demo_ids_and_relation_types_are_unique_across_plugins(fake_site):
    source = '''
        from pathlib import Path
        from sslgloss import DemoPage, RelationType, hookimpl

        @hookimpl
        def register_demos(register):
            register(DemoPage(id="rotation", title="Rotation", script=Path(__file__)))

        @hookimpl
        def register_relation_types(register):
            register(RelationType("evaluated_on", "evaluated on", "benchmark_for", "benchmark for"))
    '''
    fake_site("sslgloss-first", "first", source)
    fake_site("sslgloss-second", "second", source)
    glossary = load()
    messages = [str(p) for p in glossary.errors]
    assert any("demo id `rotation` is registered by both plugin `first` and plugin `second`" in m for m in messages)
    assert any("relation type `evaluated_on` from plugin `second` is already defined by plugin `first`" in m
               for m in messages), messages
    assert [d.plugin for d in glossary.demos] == ["first"]
    listing = plugins_command()
    assert "  demos: rotation" in listing.output and "  relation types: evaluated_on" in listing.output
    assert listing.exit_code == 1
