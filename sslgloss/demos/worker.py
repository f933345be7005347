"""Compute one demo's static result in a separate process: ``python -m sslgloss.demos.worker``.

The site build runs demo fallbacks here so that a slow or broken demo plugin
(a model that loads for minutes, a crash in native code) can be given a time
limit and cannot take the build down with it. Reads ``{"fallback":
"module:function", "spec": {...}, "custom_dir": "overrides" or null}`` on stdin
and writes ``{"ok": true, "html": ...}`` or ``{"ok": false, "error": ...}`` on
stdout. ``custom_dir`` is the theme's folder of template overrides: the static
results render their ``sslgloss/demo-static-*.html`` from there first, as the
site's pages do.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    request = json.loads(sys.stdin.read())
    try:
        from sslgloss.demos.static import templates_from
        from sslgloss.schema import DemoSpec

        module, _, attr = request["fallback"].partition(":")
        function = getattr(importlib.import_module(module), attr)
        spec = DemoSpec.model_validate(request["spec"])
        # keep stray prints out of our answer
        with contextlib.redirect_stdout(io.StringIO()), templates_from(request.get("custom_dir")):
            html = str(function(spec))
        answer = {"ok": True, "html": html}
    except Exception as exc:  # reported to the build as a warning, with the type and message
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
