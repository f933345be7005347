"""The search model loads from the installed package with the hub switched off and no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sslgloss.search.cache import cache_root


def test_search_runs_offline_in_a_fresh_process(engine, tmp_path):
    hub_home = tmp_path / "hf-home"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(hub_home),  # an empty hub cache: nothing to fall back on
        "HTTPS_PROXY": "http://127.0.0.1:9",  # any download attempt would fail at once
        "HTTP_PROXY": "http://127.0.0.1:9",
        "SSLGLOSS_CACHE": str(cache_root()),  # the session engine has filled it: no re-encoding
    }
    done = subprocess.run(
        [sys.executable, "-c", "from sslgloss.cli import main; main()",
         "search", "which word comes next", "--mode", "semantic", "--k", "2", "--json"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    results = json.loads(done.stdout)["results"]
    assert results[0]["term_id"] in {"next-word-prediction", "language-model", "gpt"}
    assert not hub_home.exists() or not any(hub_home.rglob("*.safetensors"))
