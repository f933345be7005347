"""The "Test yourself" block of a term page: its blanks, the masked model's guesses for them, and the markup.

The blanks come from :mod:`sslgloss.site.cloze`. The masked model's guesses for each
blank are the masking demo's (:func:`sslgloss.ml.fill_mask.fill_mask`, the same model
and the same top 5), computed at build time and written into the page, so the block
works on a static host and offline. A site build never waits on the model for a blank
it has seen:

- guesses are stored by the sentence with its blank marked (:attr:`Blank.key`), not by
  glossary, so an edit elsewhere in a term keeps them;
- the core glossary's ship with the package (``cloze-guesses.json`` beside this
  module; ``sslgloss site cloze`` refreshes it); others are kept in the cache folder;
- a build computes missing ones in a worker process with a time limit (``mkdocs serve``
  in the background, for the next rebuild); without the ``demos`` extra, or with
  ``demo_fallbacks: false``, nothing is computed and the block shows no model column.

The markup is ``sslgloss/term-cloze.html``; the page's script is ``assets/cloze.js``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..extras import INSTALL_DEMOS, demos_installed
from ..storage import try_atomic_write
from .cloze import Blank, ClozeIndex, answer_key, close_answers

SHIPPED_GUESSES = Path(__file__).parent / "cloze-guesses.json"
TOP = 5  # as the masking demo
_ORDINALS = {2: "2nd", 3: "3rd"}


def read_guesses(path: Path | None) -> dict[str, dict]:
    """The guesses a file holds (none if it is missing or not ours)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    found = data.get("guesses") if isinstance(data, dict) else None
    return {k: v for k, v in found.items() if isinstance(v, dict)} if isinstance(found, dict) else {}


def write_guesses(path: Path, guesses: dict[str, dict]) -> bool:
    """Write ``guesses`` as the file :func:`read_guesses` reads, one blank a line (readable diffs)."""
    lines = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(guesses[k], ensure_ascii=False)}"
             for k in sorted(guesses)]
    body = ",\n".join(lines)
    return try_atomic_write(path, '{"version": 1, "top": %d, "guesses": {\n%s\n}}\n' % (TOP, body))


class GuessStore:
    """The model's guesses by blank key: the shipped file's, then the cache folder's."""

    def __init__(self, local: Path | None, shipped: Path | None = SHIPPED_GUESSES):
        self.local = local
        self._found = {**read_guesses(shipped), **read_guesses(local)}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        return self._found.get(key)

    def add(self, guesses: dict[str, dict]) -> None:
        """Keep ``guesses`` here and in the local file (other builds may have added to it meanwhile)."""
        with self._lock:
            self._found.update(guesses)
            if self.local is not None:
                write_guesses(self.local, {**read_guesses(self.local), **guesses})


# ---------------------------------------------------------------------- computing guesses


def compute_guesses(items: Iterable[tuple[str, str, str]]) -> dict[str, dict]:
    """(key, masked sentence, answer) -> the model's top words with probabilities, and how many word pieces
    its vocabulary needs for the answer (one [MASK] holds one piece). Needs the ``demos`` extra."""
    from ..ml import registry
    from ..ml.fill_mask import fill_mask

    model = registry.get_model("masked")
    out = {}
    for key, masked, answer in items:
        found = fill_mask(masked, k=TOP)
        out[key] = {"guesses": [[p.word, round(p.prob, 4)] for p in (found[0] if found else [])],
                    "pieces": len(model.encode(answer.lower()))}
    return out


def run_worker(blanks: list[Blank], timeout: float) -> dict[str, dict]:
    """:func:`compute_guesses` in a separate process (``python -m sslgloss.site.cloze_block``) with a time limit."""
    from ..demos.embed import run_worker as run

    request = [[b.key, b.masked, b.answer] for b in blanks]
    return run("sslgloss.site.cloze_block", request, timeout, "the masked model")["guesses"]


def main() -> int:
    """The worker: a JSON list of [key, masked, answer] on stdin, ``{"ok": ..., "guesses": ...}`` on stdout."""
    import contextlib
    import io

    try:
        import torch

        torch.set_num_threads(int(os.environ.get("SSLGLOSS_THREADS", "2")))  # as the model commands (ml/cli.py)
        with contextlib.redirect_stdout(io.StringIO()):  # keep stray prints out of the answer
            answer = {"ok": True, "guesses": compute_guesses(json.loads(sys.stdin.read()))}
    except Exception as exc:  # reported to the build as one line
        answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(answer))
    return 0


def core_blanks(glossary) -> dict[str, Blank]:
    """Every blank of every term of ``glossary``, by key."""
    index = ClozeIndex.of(glossary)
    return {b.key: b for term_id in glossary.terms for b in index.blanks(term_id)}


def refresh(glossary, path: Path, everything: bool = False, timeout: float = 1800.0) -> tuple[int, int, int]:
    """Make ``path`` hold the guesses for exactly the blanks of ``glossary``: (computed, kept, removed).

    Computes the missing ones (all of them with ``everything``, e.g. after the model was retrained).
    """
    wanted = core_blanks(glossary)
    before = read_guesses(path)
    found = {} if everything else before
    todo = [b for key, b in wanted.items() if key not in found]
    fresh = run_worker(todo, timeout) if todo else {}
    kept = {key: found[key] for key in wanted if key in found}
    if not write_guesses(path, {**kept, **fresh}):
        raise OSError(f"cannot write {path}")
    return len(fresh), len(kept), len([key for key in before if key not in wanted])


# ---------------------------------------------------------------------- the block


def model_note(blank: Blank, guesses: list[list], pieces: int, close: set[str]) -> str:
    """One sentence on how the model did on this blank.

    >>> model_note(Blank("a ", "cat", "."), [["dog", 0.3], ["cat", 0.2]], 1, set())
    'The hidden word is its 2nd guess.'
    """
    keys = [answer_key(word) for word, _ in guesses]
    right = answer_key(blank.answer)
    if right in keys:
        rank = keys.index(right) + 1
        said = "Its first guess is the hidden word." if rank == 1 else \
            f"The hidden word is its {_ORDINALS.get(rank, f'{rank}th')} guess."
    elif close & set(keys):
        said = "It did not guess the hidden word itself, but one of its guesses is close."
    else:
        said = f"The hidden word is not among its {len(guesses)} guesses."
    if pieces > 1 and right not in keys:
        said += (f" Its vocabulary holds “{blank.answer.lower()}” only as {pieces} word pieces, and one blank holds one"
                 " piece, so it could not have guessed it exactly.")
    return said


class ClozeBlocks:
    """What ``sslgloss/term-cloze.html`` shows for each term, and the guesses it needs (see the module docstring)."""

    def __init__(self, glossary, demos_url: str, store: GuessStore | None, fallbacks: bool = True,
                 warn: Callable[[str], None] | None = None, note: Callable[[str], None] | None = None,
                 timeout: float = 180.0):
        self.glossary = glossary
        self.index = ClozeIndex.of(glossary)
        self.demos_url = demos_url.rstrip("/")
        self.live = any(getattr(d, "id", None) == "masking" for d in glossary.demos)
        self.store = store
        self.fallbacks = fallbacks
        self.timeout = timeout
        self.warn = warn or logging.getLogger("mkdocs.plugins.sslgloss").warning
        self.note = note or logging.getLogger("mkdocs.plugins.sslgloss").info

    def blanks(self, term) -> list[Blank]:
        return self.index.blanks(term.id)

    def missing(self, terms: Iterable) -> list[Blank]:
        """The blanks of ``terms`` the store has no guesses for (each once)."""
        found: dict[str, Blank] = {}
        for term in terms:
            for blank in self.blanks(term):
                if self.store is not None and self.store.get(blank.key) is None:
                    found.setdefault(blank.key, blank)
        return list(found.values())

    def prepare(self, terms: Iterable, background: bool = False) -> None:
        """Compute the guesses the pages lack, now or (``background``) for the next rebuild."""
        todo = self.missing(terms) if self.fallbacks else []
        if not todo:
            return
        if not demos_installed():
            self.note(f"{len(todo)} blank(s) of the \"Test yourself\" blocks show no model guesses: the masked model "
                      f"is not installed here (`{INSTALL_DEMOS}`)")
            return
        if background:
            self.note(f"computing the masked model's guesses for {len(todo)} blank(s) in the background")
            threading.Thread(target=self._compute, args=(todo,), name="sslgloss-cloze", daemon=True).start()
        else:
            self._compute(todo)

    def _compute(self, todo: list[Blank]) -> None:
        try:
            self.store.add(run_worker(todo, self.timeout))
        except Exception as exc:  # a missing model must not stop the site: the blocks show no model column
            self.warn(f"the masked model's guesses for {len(todo)} \"Test yourself\" blank(s) could not be computed "
                      f"({exc}); those blocks show no model column")

    def context(self, term) -> dict:
        """What the template shows: every blank with its answers, the model's guesses and the live link."""
        from ..demos.embed import demo_url
        from ..demos.static import percent, width

        blanks = []
        for blank in self.blanks(term):
            close = close_answers(blank)
            found = self.store.get(blank.key) if self.store is not None else None
            guesses = found.get("guesses", []) if found else []
            close_keys = {answer_key(form) for form, _ in close}
            top = max((p for _, p in guesses), default=0.0)
            rows = [{"label": word, "width": width(p, top), "text": percent(p),
                     "hit": "right" if answer_key(word) == answer_key(blank.answer) else
                     "close" if answer_key(word) in close_keys else None} for word, p in guesses]
            blanks.append({
                "before": blank.before, "answer": blank.answer, "after": blank.after,
                "close": json.dumps(close, ensure_ascii=False),
                "guesses": rows,
                "note": model_note(blank, guesses, int(found.get("pieces", 1)), close_keys) if guesses else "",
                "live_url": demo_url(self.demos_url, "masking", blank.masked, embed=False) if self.live else None,
            })
        return {"term_id": term.id, "title": term.title, "blanks": blanks,
                "health_url": f"{self.demos_url}/_stcore/health" if self.live else ""}


if __name__ == "__main__":
    sys.exit(main())
