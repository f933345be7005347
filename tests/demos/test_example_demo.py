"""The example plugin's own demo (examples/sslgloss-speech): word error rate, registered like a core demo.

What a plugin author or a reader would notice: the alignment miscounts an
edit, the term page's static result does not show the worked example's
figure, the term's ``input`` and ``params`` do not reach the live page's
URL, a misspelt parameter passes ``validate``, a hostile input injects
markup, or the Streamlit page fails on its defaults, on a shared link or on
an empty box. The plugin is installed into a temporary folder and used by
processes of their own, so this process's glossary stays the core one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from sslgloss import DemoSpec
from sslgloss.site.sanitize import FallbackSanitizer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sslgloss-speech"
PACKAGE = EXAMPLE / "sslgloss_speech"
SAID, HEARD = "turn the kitchen lights off", "turn on the kitchen light of"  # speech-recognition.md's example


def _load_wer():
    spec = importlib.util.spec_from_file_location("example_wer", PACKAGE / "wer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


wer = _load_wer()


@pytest.mark.parametrize("reference, hypothesis, edits, rate", [
    ("the cat sat", "the cat sat", (0, 0, 0), 0.0),
    (SAID, HEARD, (2, 0, 1), 0.6),                      # the worked example of the Speech Recognition page
    ("please stop here", "", (0, 3, 0), 1.0),
    ("yes", "yes yes yes", (0, 0, 2), 2.0),             # insertions count: the rate can pass 100%
    ("Hello, World!", "hello world", (0, 0, 0), 0.0),   # case and punctuation are not errors
    ("a b c d", "a x c", (1, 1, 0), 0.5),
])
def test_word_error_rate_counts_each_kind_of_edit(reference, hypothesis, edits, rate):
    score = wer.word_error_rate(reference, hypothesis)
    assert (score.substitutions, score.deletions, score.insertions) == edits
    assert score.rate == pytest.approx(rate)
    # the alignment spells out both texts in order
    assert [s.reference for s in score.steps if s.reference] == wer.words(reference)
    assert [s.hypothesis for s in score.steps if s.hypothesis] == wer.words(hypothesis)


def test_the_static_result_shows_the_score_and_escapes_the_input():
    html = wer.static_result(DemoSpec(id="word-error-rate", input=HEARD, params={"reference": SAID}))
    assert "60.0%" in html and '<ins title="never said">on</ins>' in html
    assert '<del title="said">lights</del> <ins title="heard instead">light</ins>' in html
    assert FallbackSanitizer().clean(html) == html  # nothing in it the site would strip
    hostile = wer.static_result(DemoSpec(id="word-error-rate", input='<script>alert("x")</script> off'))
    assert "<script" not in hostile and "&lt;script&gt;" in hostile
    too_long = wer.static_result(DemoSpec(id="word-error-rate", input="word " * (wer.MAX_WORDS + 1)))
    assert "sslgloss-fallback-error" in too_long and f"at most {wer.MAX_WORDS} words" in too_long


# ---------------------------------------------------------------------- installed, as a user installs it


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a process that sees the example plugin (installed into a temporary folder)."""
    disabled = [name for name in os.environ.get("SSLGLOSS_DISABLE_PLUGINS", "").split(",") if name and name != "speech"]
    env = {**os.environ, "SSLGLOSS_DISABLE_PLUGINS": ",".join(disabled)}
    if any(ep.name == "speech" for ep in metadata.entry_points(group="sslgloss")):
        return env  # a developer installed it into this environment already
    source = tmp_path_factory.mktemp("speech-src") / "sslgloss-speech"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path_factory.mktemp("speech-installed")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target",
                    str(target), str(source)], check=True, capture_output=True)
    return {**env, "PYTHONPATH": str(target)}


SLOT_PROBE = """
import json
from sslgloss import load_glossary
from sslgloss.demos.embed import DemoSlots

g = load_glossary()
demo = next(d for d in g.demos if d.id == "word-error-rate")
term = g.terms["speech-recognition"]
slot = DemoSlots(g.demos, "http://127.0.0.1:8501", cache=None, warn=print).render(term, "speech-recognition.md")
print(json.dumps({"plugin": demo.plugin, "params": list(demo.params or ()), "slot": slot,
                  "problems": [str(p) for p in g.problems if "sslgloss_speech" in str(p.file)]}))
"""


def test_the_speech_recognition_page_embeds_the_demo_with_its_input_and_static_result(plugin_env, tmp_path):
    done = subprocess.run([sys.executable, "-c", SLOT_PROBE], env=plugin_env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["plugin"] == "speech" and found["params"] == ["reference"]
    assert found["problems"] == []
    slot = found["slot"]
    # the live page gets the term's input and params in its URL, in embed mode
    assert ('data-src="http://127.0.0.1:8501/word-error-rate?embed=true&amp;input=turn+on+the+kitchen+light+of'
            '&amp;reference=turn+the+kitchen+lights+off"') in slot
    # the static result, computed at build time by the plugin's function in a worker process
    assert "60.0%" in slot and "sslgloss-fallback-metric--lead" in slot


def test_a_misspelt_demo_parameter_is_refused_with_its_line(plugin_env, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "call-transcripts.md").write_text(
        "---\nid: call-transcripts\ntitle: Call Transcripts\nsummary: Written records of phone calls.\n"
        "relations: {requires: [speech-recognition]}\n"
        "demos:\n  - id: word-error-rate\n    input: hello there\n    params: {referense: hello their}\n"
        "---\n## Definition\n\nWritten records of what was said on a call.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sslgloss.cli", "validate", "--terms-dir", str(folder)],
                          env=plugin_env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 1
    line = next(line for line in out.splitlines() if "referense" in line)
    assert "call-transcripts.md:9:" in line and "reference" in line.split("referense", 1)[1]


# ---------------------------------------------------------------------- the Streamlit page


@pytest.fixture
def page_script(tmp_path, monkeypatch) -> Path:
    """The page, with the plugin's package importable (a bare copy: no metadata, so no plugin is registered)."""
    pytest.importorskip("streamlit")
    shutil.copytree(PACKAGE, tmp_path / "sslgloss_speech", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path / "sslgloss_speech" / "word_error_rate_page.py"


def run_page(script: Path, params: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_page_scores_a_shared_link(page_script):
    at = run_page(page_script, {"input": HEARD, "reference": SAID})
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric} == {"Word error rate": "60.0%", "Substitutions": "2",
                                                     "Deletions": "0", "Insertions": "1"}
    assert [t.value for t in at.text_input] == [SAID, HEARD]


def test_the_page_explains_an_empty_reference_instead_of_failing(page_script):
    at = run_page(page_script, {"reference": "  "})
    assert not at.exception
    assert len(at.error) == 1 and "what was said" in at.error[0].value
