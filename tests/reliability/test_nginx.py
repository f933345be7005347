"""Two demo replicas behind nginx, configured from docs/deploy/nginx.conf, driven by headless Chromium.

Checks what docs/deploy.md promises: the health check answers through the
proxy, a demo page loads and answers through it (WebSocket upgrade included),
and when the replica serving a learner dies the learner is served by the other
one after reconnecting. Everything binds 127.0.0.1; nginx runs as this user
with its pid, logs and temp files in a temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request

import pytest

from benchmarks.load import BY_ID, demo_url, run_protocol, wait_answer

from sslgloss.demos.server import DemoServer, free_port, wait_http

from .conftest import NGINX, REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TEMPLATE = REPO / "docs" / "deploy" / "nginx.conf"


def render(template: str, values: dict[str, str]) -> str:
    text = template
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    left = re.findall(r"\$\{[A-Z_0-9]+\}", text)
    assert not left, f"placeholders left unfilled: {left}"
    return text


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not os.access(NGINX, os.X_OK):
        pytest.skip(f"{NGINX} is missing (Debian package nginx-light; `make setup` installs it)")
    root = tmp_path_factory.mktemp("nginx")
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>sslgloss</h1>")
    replicas = [DemoServer(base_path="demos", log_path=root / f"replica-{i}.log") for i in (1, 2)]
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(render(TEMPLATE.read_text(), {
        "LISTEN": f"127.0.0.1:{port}", "SITE_ROOT": str(site), "RUNTIME_DIR": str(root),
        "REPLICA_1": f"127.0.0.1:{replicas[0].port}", "REPLICA_2": f"127.0.0.1:{replicas[1].port}",
    }) + "\ndaemon off;\n"
        # as root, workers would drop to `nobody`, who cannot read pytest's private temp folders
        + ("user root;\n" if os.geteuid() == 0 else ""))
    check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(root)], capture_output=True, text=True)
    assert check.returncode == 0, f"the template does not pass `nginx -t`:\n{check.stderr}"
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(root)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.wait_ready(180)
        wait_http(f"http://127.0.0.1:{port}/", 20, nginx)
        yield {"url": f"http://127.0.0.1:{port}", "replicas": replicas, "root": root, "nginx": nginx}
    finally:
        for replica in replicas:
            replica.stop()
        nginx.terminate()
        try:
            nginx.wait(10)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait(5)


def test_the_health_check_answers_through_the_proxy(deployment):
    with urllib.request.urlopen(deployment["url"] + "/demos/_stcore/health", timeout=10) as answer:
        assert answer.status == 200 and answer.read().strip() == b"ok"
        assert answer.headers["Cache-Control"] == "no-store"


def test_the_static_site_is_served_with_cache_headers(deployment):
    with urllib.request.urlopen(deployment["url"] + "/", timeout=10) as answer:
        assert b"sslgloss" in answer.read()
        assert answer.headers["Cache-Control"] == "no-cache"


def replica_that_served(deployment, demo: str, since: int = 0) -> DemoServer:
    """The replica nginx sent the last request for the page ``/demos/<demo>?...`` to (after byte ``since``).

    Websockets are logged only when they close, so the page request is what tells.
    """
    log = (deployment["root"] / "access.log").read_text()[since:]
    # upstream= lists every replica tried ("dead:port, live:port"): the last one answered
    hits = re.findall(r'"GET /demos/' + re.escape(demo) + r'\?[^"]*" \d+ \d+ upstream=([\d.:, ]+) rt=', log)
    assert hits, f"no request for the {demo} page in nginx's access log:\n{log[-2000:]}"
    port = int(hits[-1].split(",")[-1].strip().rsplit(":", 1)[1])
    return next(r for r in deployment["replicas"] if r.port == port)


def test_many_sessions_are_served_through_the_proxy(deployment):
    """Concurrent learners over the WebSocket upgrade, through nginx (before a replica is lost below)."""
    demos = [BY_ID["masking"], BY_ID["next-word"], BY_ID["semantic-search"]]
    results = run_protocol(deployment["url"] + "/demos", sessions=8, seconds=30, demos=demos, timeout_s=240)
    assert not results.errors, results.errors[:3]
    assert results.sessions >= 8
    assert not results.nondeterministic()


def test_a_demo_answers_through_the_proxy_and_survives_losing_its_replica(deployment, browser):
    scenario = BY_ID["masking"]
    page = browser.new_page()
    try:
        page.goto(demo_url(deployment["url"] + "/demos", scenario))
        first = wait_answer(page, scenario, 240_000)
        assert "best guess" in first
        log = deployment["root"] / "access.log"
        # the websocket is logged when it closes: note where the log is, kill the replica, reconnect
        mark = log.stat().st_size if log.exists() else 0
        served = [r for r in deployment["replicas"] if r.proc.poll() is None]
        # which replica holds this learner? the one nginx logged for this page's requests
        victim = replica_that_served(deployment, scenario.demo)
        victim.kill()
        survivor = next(r for r in served if r is not victim)
        assert survivor.proc.poll() is None
        page.reload()
        again = wait_answer(page, scenario, 240_000)
        assert again == first  # same input, same model, another replica: the same answer
        assert replica_that_served(deployment, scenario.demo, mark) is survivor
        with urllib.request.urlopen(deployment["url"] + "/demos/_stcore/health", timeout=10) as answer:
            assert answer.status == 200
    finally:
        page.close()
