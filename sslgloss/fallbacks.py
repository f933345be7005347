"""Static results for term pages when the demo server is down: one function per core demo.

The site calls ``fn(spec)`` with the term's :class:`~sslgloss.DemoSpec` at build
time (and caches the result on disk); each function runs the same model the
live demo runs on ``spec.input`` and returns a small, self-contained HTML
fragment: a ``<div class="sslgloss-fallback" data-demo="...">`` holding plain
tables the site's CSS styles. Every piece of input and model output goes
through ``html.escape``: term files come from plugins anyone can publish, and a
model can produce any string its vocabulary allows.

An input the model cannot use (no ``[MASK]``, empty...) gives a fragment that
says what is wrong (class ``sslgloss-fallback-error``) instead of failing the
build; a missing model (:class:`~sslgloss.errors.ModelError`) propagates, so
the site can tell the builder how to get one.

>>> bar(0.25)
'<meter min="0" max="1" value="0.2500"></meter> 25.0%'
>>> esc('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
"""

from __future__ import annotations

import html
import logging
from typing import Any, Callable, Iterable, Sequence

from .errors import InputError

log = logging.getLogger(__name__)

#: what each demo shows when a term names no input (the pages use the same defaults)
DEFAULT_INPUTS = {
    "masking": "Self-supervised learning needs no [MASK] data.",
    "next-word": "Self-supervised learning is a way to",
    "semantic-search": "how can a model learn from data nobody labelled",
    "few-label-sentiment": "The demo was clear and the model surprisingly good.",
}
TOP = 5  # rows per table: enough to see the model's doubt, small enough for a term page


def default_input(demo_id: str, spec: Any = None) -> str:
    """``spec.input`` if the term set one, else the demo's default input."""
    given = getattr(spec, "input", None)
    return given if given is not None else DEFAULT_INPUTS.get(demo_id, "")


def _param(spec: Any, name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter from ``spec.params``, clamped to [low, high]; bad values give the default."""
    raw = (getattr(spec, "params", None) or {}).get(name)
    try:
        value = int(str(raw).strip()) if raw is not None else default
    except ValueError:
        return default
    return min(max(value, low), high)


# ---------------------------------------------------------------------- HTML pieces

def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def percent(p: float) -> str:
    return f"{100 * float(p):.1f}%"


def bar(p: float) -> str:
    """A probability as a meter plus its figure (meters survive the site's sanitiser; scripts would not)."""
    p = min(max(float(p), 0.0), 1.0)
    return f'<meter min="0" max="1" value="{p:.4f}"></meter> {percent(p)}'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str | None = None) -> str:
    """A plain table; ``rows`` hold HTML that callers have already escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def side_by_side(*blocks: str) -> str:
    return '<div class="sslgloss-fallback-columns">' + "".join(
        f'<div class="sslgloss-fallback-column">{b}</div>' for b in blocks) + "</div>"


def wrap(demo_id: str, body: str, spec_input: str | None = None) -> str:
    shown = ""
    if spec_input is not None:
        shown = f'<p class="sslgloss-fallback-input">Input: <code>{esc(_clip(spec_input))}</code></p>'
    return f'<div class="sslgloss-fallback" data-demo="{esc(demo_id)}">{shown}{body}</div>'


def error_fragment(demo_id: str, message: str, spec_input: str | None = None) -> str:
    return wrap(demo_id, f'<p class="sslgloss-fallback-error">{esc(message)}</p>', spec_input)


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _guarded(demo_id: str, text: str | None, build: Callable[[], str]) -> str:
    """``build()``, or an error fragment naming the problem when the input is unusable."""
    try:
        return build()
    except InputError as err:
        log.warning("demo `%s`: static result for %r: %s", demo_id, _clip(text or "", 80), err)
        return error_fragment(demo_id, str(err), text)


# ---------------------------------------------------------------------- text demos

def masking(spec: Any = None) -> str:
    """Top-5 words for every ``[MASK]`` of ``spec.input``, the masked model next to the unigram baseline."""
    from .ml import infer

    text = default_input("masking", spec)
    k = _param(spec, "k", TOP, 1, 10)

    def build() -> str:
        model = infer.fill_mask(text, k=k)
        base = infer.unigram_fill_mask(text, k=k)
        parts = []
        for n, (slot, base_slot) in enumerate(zip(model, base), start=1):
            heading = f"[MASK] {n} of {len(model)}" if len(model) > 1 else "[MASK]"
            rows = []
            for i in range(k):
                cells = []
                for cands in (slot, base_slot):
                    if i < len(cands):
                        cells += [esc(cands[i].word), bar(cands[i].prob)]
                    else:
                        cells += ["", ""]
                rows.append([str(i + 1)] + cells)
            parts.append(table(["#", "masked model", "probability", "unigram baseline", "probability"],
                               rows, caption=heading))
        note = ('<p class="sslgloss-fallback-note">The masked language model reads the words on both sides of '
                "each gap; the unigram baseline always guesses the most frequent words of the training text.</p>")
        return wrap("masking", "".join(parts) + note, text)

    return _guarded("masking", text, build)


def next_word(spec: Any = None) -> str:
    """Top-5 next words for ``spec.input``: the causal model next to the Kneser-Ney n-gram baseline."""
    from .ml import infer

    text = default_input("next-word", spec)
    k = _param(spec, "k", TOP, 1, 10)

    def build() -> str:
        model = infer.next_word_distribution(text, k=k)
        base = infer.ngram_next_word_distribution(text, k=k)
        rows = []
        for i in range(k):
            cells = [str(i + 1)]
            for cands in (model, base):
                if i < len(cands):
                    cells += [esc(cands[i].word), bar(cands[i].prob)]
                else:
                    cells += ["", ""]
            rows.append(cells)
        body = table(["#", "causal language model", "probability", "n-gram (Kneser–Ney)", "probability"], rows,
                     caption="The most likely next words")
        note = ('<p class="sslgloss-fallback-note">The transformer reads the whole prompt; the n-gram baseline '
                "only its last two tokens.</p>")
        return wrap("next-word", body + note, text)

    return _guarded("next-word", text, build)


def semantic_search(spec: Any = None) -> str:
    """Top-5 glossary terms for the query ``spec.input``: by meaning next to by keywords (BM25)."""
    from .search import get_engine

    text = default_input("semantic-search", spec)
    k = _param(spec, "k", TOP, 1, 10)

    def build() -> str:
        engine = get_engine()
        columns = []
        for mode, label in (("semantic", "by meaning (MiniLM cosine)"), ("keyword", "by keywords (BM25)")):
            results = engine.search(text, k=k, mode=mode)
            rows = [[str(i + 1), f'<a href="../{esc(r.term_id)}/">{esc(r.title)}</a>', f"{r.score:.3f}"]
                    for i, r in enumerate(results)]
            if not rows:
                rows = [["", "no term shares a word with the query", ""]]
            columns.append(table(["#", "term", "score"], rows, caption=label))
        return wrap("semantic-search", side_by_side(*columns), text)

    return _guarded("semantic-search", text, build)


# ---------------------------------------------------------------------- the article's scenarios

def _figures_table(figures: dict) -> str:
    """The scalar figures of a scenario summary as a two-column table (lists and dicts are shown elsewhere)."""
    rows = []
    for key, value in figures.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        rows.append([esc(str(key).replace("_", " ")), esc(shown)])
    return table(["figure", "value"], rows) if rows else ""


def _records_table(records: list, caption: str | None = None) -> str:
    """A list of flat dicts (e.g. accuracy per label count) as a table."""
    records = [r for r in records if isinstance(r, dict)]
    if not records:
        return ""
    headers = list(records[0])

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return esc(f"{v:.1%}" if 0 <= v <= 1 else f"{v:.4g}")
        return esc(v)

    return table([h.replace("_", " ") for h in headers], [[cell(r.get(h, "")) for h in headers] for r in records],
                 caption=caption)


def _images(pngs: dict) -> str:
    figures = "".join(
        f'<figure><img src="{esc(_data_uri(png))}" alt="{esc(name)}" width="96" height="96" '
        f'style="image-rendering: pixelated"><figcaption>{esc(str(name).replace("_", " "))}</figcaption></figure>'
        for name, png in pngs.items() if isinstance(png, (bytes, bytearray)))
    return f'<div class="sslgloss-fallback-images">{figures}</div>' if figures else ""


def _summary_html(summary: dict) -> str:
    """Headline, pictures, scalar figures and any tables of a scenario's ``static_summary()``."""
    parts = []
    if summary.get("headline"):
        parts.append(f"<p>{esc(summary['headline'])}</p>")
    parts.append(_images(summary.get("png") or {}))
    figures = summary.get("figures") or {}
    parts.append(_figures_table(figures))
    for key, value in figures.items():
        if isinstance(value, list):
            parts.append(_records_table(value, caption=str(key).replace("_", " ")))
    return "".join(p for p in parts if p)


def _scenario_summary(demo_id: str) -> dict:
    from . import scenarios

    return scenarios.static_summary(demo_id)


def masked_image(spec: Any = None) -> str:
    """The masked autoencoder's reconstruction of a held-out digit (inline PNGs) and its error vs the mean image."""
    return wrap("masked-image", _summary_html(_scenario_summary("masked-image")))


PALETTE = ((30, 136, 229), (229, 57, 53), (67, 160, 71), (251, 140, 0), (142, 36, 170), (0, 137, 123))


def scatter_png(points: list[dict], group: str = "style", size: int = 220, dot: int = 7) -> tuple[bytes, dict]:
    """A tiny scatter plot of ``[{x, y, <group>}]`` as PNG bytes (numpy only), and the colour of each group.

    The site cannot run scripts or embed SVG in a fallback, but it can show an image.
    """
    import numpy as np

    from .scenarios.images import png_bytes

    groups = list(dict.fromkeys(str(p[group]) for p in points))
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    canvas = np.full((size, size, 3), 250, dtype=np.uint8)
    xs = np.array([float(p["x"]) for p in points])
    ys = np.array([float(p["y"]) for p in points])
    span = lambda v: (v - v.min()) / (np.ptp(v) or 1.0)  # noqa: E731
    margin = dot
    cols = (margin + span(xs) * (size - 2 * margin - dot)).astype(int)
    rows = (margin + (1 - span(ys)) * (size - 2 * margin - dot)).astype(int)  # y grows upwards on a map
    for r, c, p in zip(rows, cols, points):
        canvas[r:r + dot, c:c + dot] = colours[str(p[group])]
    return png_bytes(canvas), colours


def song_styles(spec: Any = None) -> str:
    """How well unheard songs group by style from audio alone (no genre labels): key figures and the 2-D map."""
    summary = _scenario_summary("song-styles")
    parts = [_summary_html(summary)]
    points = [p for p in summary.get("map") or [] if isinstance(p, dict) and {"x", "y", "style"} <= set(p)]
    if points:
        png, colours = scatter_png(points)
        legend = " ".join(
            f'<span class="sslgloss-fallback-swatch" style="display: inline-block; width: 0.8em; height: 0.8em; '
            f'background-color: rgb{colour}"></span> {esc(style)}' for style, colour in colours.items())
        parts.append(f'<figure><img src="{esc(_data_uri(png))}" alt="map of the held-out clips, coloured by style" '
                     f'width="220" height="220"><figcaption>Held-out clips placed by their learned embeddings '
                     f"(PCA), coloured by the style the model was never told: {legend}</figcaption></figure>")
    return wrap("song-styles", "".join(parts))


def _data_uri(png: bytes) -> str:
    from .scenarios.images import data_uri

    return data_uri(png)


def few_label_sentiment(spec: Any = None) -> str:
    """Both classifiers' predictions for ``spec.input``, their accuracy with 16 labels, and the learning curve."""
    from . import scenarios

    module = scenarios.scenario("few-label-sentiment")
    text = default_input("few-label-sentiment", spec)
    summary = module.static_summary()
    labels = getattr(module, "DEMO_LABELS", 16)
    parts = [f"<p>{esc(summary['headline'])}</p>"] if summary.get("headline") else []
    try:
        predictions = module.predict(text, labels)
        rows = [[esc(p.get("classifier", "")), esc(p.get("label", "")), bar(p.get("confidence", 0.0))]
                for p in predictions]
        parts.append(table(["classifier", "prediction", "confidence"], rows,
                           caption=f"Both classifiers on this sentence, trained on {labels} labelled sentences"))
    except InputError as err:
        log.warning("demo `few-label-sentiment`: static result for %r: %s", _clip(text, 80), err)
        parts.append(f'<p class="sslgloss-fallback-error">{esc(err)}</p>')
    curve = (summary.get("figures") or {}).get("learning_curve") or []
    at = next((row for row in curve if isinstance(row, dict) and row.get("labels") == labels), None)
    if at:
        parts.append(table(["features", f"held-out accuracy with {labels} labels"], [
            ["sentence embeddings (self-supervised)", esc(percent(at.get("sentence_embeddings_accuracy", 0.0)))],
            ["bag of words", esc(percent(at.get("bag_of_words_accuracy", 0.0)))],
        ]))
    parts.append(_summary_html({**summary, "headline": None}))
    return wrap("few-label-sentiment", "".join(parts), text)


FALLBACKS: dict[str, Callable[[Any], str]] = {
    "masking": masking,
    "next-word": next_word,
    "semantic-search": semantic_search,
    "masked-image": masked_image,
    "song-styles": song_styles,
    "few-label-sentiment": few_label_sentiment,
}
