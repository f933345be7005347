"""Static results for term pages when the demo server is down: one function per core demo.

The site calls ``fn(spec)`` with the term's :class:`~sslgloss.DemoSpec` at build
time (and caches the result on disk); each function runs the same model the
live demo runs on ``spec.input`` and returns a small, self-contained HTML
fragment, ``<div class="sslgloss-fallback" data-demo="...">``, that reads like
the live page: its headings and words, metric cards where it shows metrics, bar
charts where it shows probabilities or a learning curve, images where it shows
images or a map.

Python computes the data; the markup comes from the Jinja templates
``sslgloss/demo-static-<demo id>.html`` (with ``demo-static.html`` around them
and the chart pieces in ``demo-macros.html``), which a site overrides from its
theme's ``custom_dir`` like every other sslgloss template (see
:mod:`sslgloss.site.templating`). The templates escape every value: term files
come from plugins anyone can publish, and a model can produce any string its
vocabulary allows.

An input the model cannot use (no ``[MASK]``, empty...) gives a fragment that
says what is wrong (class ``sslgloss-fallback-error``) instead of failing the
build; a missing model (:class:`~sslgloss.errors.ModelError`) propagates, so
the site can tell the builder how to get one.

>>> percent(0.25), percent(0.00004), width(0.3, top=0.6)
('25.0%', '<0.1%', '50.0%')
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import io
import logging
import re
from typing import Any, Callable, Iterator

from ..errors import InputError
from .catalog import default_input

log = logging.getLogger(__name__)

TOP = 5  # rows per ranking: enough to see the model's doubt, small enough for a term page

#: Vega's "category10" scheme, the colours of the live song map (``"scale": {"scheme": "category10"}``)
CATEGORY10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
              "#17becf")

# ---------------------------------------------------------------------- templates

_custom_dir: contextvars.ContextVar[str | None] = contextvars.ContextVar("sslgloss_static_custom_dir", default=None)


@contextlib.contextmanager
def templates_from(custom_dir: str | None) -> Iterator[None]:
    """Render the static results made inside this block with ``custom_dir``'s template overrides first.

    The site sets it around each fallback it computes (in the build-time worker
    process, from the request); a context variable, so threads computing
    fallbacks side by side do not see each other's setting.
    """
    token = _custom_dir.set(str(custom_dir) if custom_dir else None)
    try:
        yield
    finally:
        _custom_dir.reset(token)


def render(name: str, demo_id: str, input_text: str | None = None, input_label: str = "Input", **data: Any) -> str:
    """The template ``sslgloss/demo-static-<name>.html`` rendered with ``data`` (no blank lines, so the
    fragment stays one HTML block wherever Markdown meets it)."""
    from ..site.templating import environment

    template = environment(_custom_dir.get()).get_template(f"sslgloss/demo-static-{name}.html")
    shown = None if input_text is None else _clip(input_text)
    html = template.render(demo_id=demo_id, input_text=shown, input_label=input_label, **data)
    return "\n".join(line for line in html.splitlines() if line.strip())


# ---------------------------------------------------------------------- numbers for people

def percent(p: float) -> str:
    p = float(p)
    if 0 < p < 0.0005:
        return "<0.1%"
    return f"{100 * p:.1f}%"


def width(value: float, top: float = 1.0) -> str:
    """A bar's CSS width: ``value`` as a share of ``top``, clamped to 0-100%."""
    share = float(value) / top if top > 0 else 0.0
    return f"{100 * min(max(share, 0.0), 1.0):.1f}%"


def bar(label: str, value: float, top: float = 1.0, text: str | None = None, series: str = "a",
        href: str | None = None) -> dict:
    """One bar of a chart: what the template needs (label, CSS width, the figure as text)."""
    return {"label": label, "width": width(value, top), "text": text if text is not None else percent(value),
            "series": series, "href": href}


def _param(spec: Any, name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter from ``spec.params``, clamped to [low, high]; bad values give the default."""
    raw = (getattr(spec, "params", None) or {}).get(name)
    try:
        value = int(str(raw).strip()) if raw is not None else default
    except ValueError:
        return default
    return min(max(value, low), high)


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def error_fragment(demo_id: str, message: str, spec_input: str | None = None, input_label: str = "Input") -> str:
    return render("error", demo_id, spec_input, input_label, message=message)


def _guarded(demo_id: str, text: str | None, build: Callable[[], str], input_label: str = "Input") -> str:
    """``build()``, or an error fragment naming the problem when the input is unusable."""
    try:
        return build()
    except InputError as err:
        log.warning("demo `%s`: static result for %r: %s", demo_id, _clip(text or "", 80), err)
        return error_fragment(demo_id, str(err), text, input_label)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")


# ---------------------------------------------------------------------- text demos

_MASK_RE = re.compile(r"(\[\s*mask\s*\])", re.IGNORECASE)


def _best_guess(text: str, slots: list) -> list[dict]:
    """``text`` in pieces, each [MASK] replaced by the model's first choice (``filled``), as the live page shows it."""
    pieces, n = [], 0
    for piece in _MASK_RE.split(text):
        if _MASK_RE.fullmatch(piece) and n < len(slots) and slots[n]:
            pieces.append({"text": slots[n][0].word, "filled": True})
            n += 1
        elif piece:
            pieces.append({"text": piece, "filled": False})
    return pieces


def masking(spec: Any = None) -> str:
    """Top-5 words for every ``[MASK]`` of ``spec.input``: the pretrained-start and from-scratch masked models and the
    unigram baseline."""
    from ..ml.fill_mask import fill_mask, unigram_fill_mask

    text = default_input("masking", spec)
    k = _param(spec, "k", TOP, 1, 10)
    label = "Text with one or more [MASK]"

    def build() -> str:
        from ..ml import pretrained_masked

        model = fill_mask(text, k=k)
        base = unigram_fill_mask(text, k=k)
        started = pretrained_masked.fill_mask(text, k=k) if pretrained_masked.available() else None
        blanks = [{"title": f"Blank {n} of {len(model)}" if len(model) > 1 else None,
                   "pretrained": [bar(c.word, c.prob) for c in ahead[:k]] if ahead else None,
                   "model": [bar(c.word, c.prob, series="b" if ahead else "a") for c in mine[:k]],
                   "baseline": [bar(c.word, c.prob, series="b") for c in theirs[:k]]}
                  for n, (ahead, mine, theirs) in enumerate(zip(started or [None] * len(model), model, base), start=1)]
        scratch = _best_guess(text, list(model))
        guesses = ([{"label": "Pretrained start's best guess", "pieces": _best_guess(text, list(started))},
                    {"label": "From scratch's best guess", "pieces": scratch}] if started is not None
                   else [{"label": "The model's best guess", "pieces": scratch}])
        return render("masking", "masking", text, label, guesses=guesses, blanks=blanks)

    return _guarded("masking", text, build, label)


def next_word(spec: Any = None) -> str:
    """Top-5 next words for ``spec.input``: the causal model next to the Kneser-Ney n-gram baseline."""
    from ..ml.next_word import next_word_distribution, ngram_next_word_distribution

    text = default_input("next-word", spec)
    k = _param(spec, "k", TOP, 1, 10)

    def build() -> str:
        model = next_word_distribution(text, k=k)
        base = ngram_next_word_distribution(text, k=k)
        return render("next-word", "next-word", text, "Prompt",
                      model=[bar(c.word, c.prob) for c in list(model)[:k]],
                      baseline=[bar(c.word, c.prob, series="b") for c in list(base)[:k]])

    return _guarded("next-word", text, build, "Prompt")


SEARCH_MODES = (("semantic", "By meaning (semantic)"), ("keyword", "By keywords (BM25)"))


def semantic_search(spec: Any = None) -> str:
    """Top-5 glossary terms for the query ``spec.input``: by meaning next to by keywords (BM25)."""
    from ..search import get_engine

    text = default_input("semantic-search", spec)
    k = _param(spec, "k", TOP, 1, 10)
    label = "Search the glossary"

    def build() -> str:
        engine = get_engine()
        rankings = []
        for mode, title in SEARCH_MODES:
            results = list(engine.search(text, k=k, mode=mode))
            top = 1.0 if mode == "semantic" else max([r.score for r in results] + [1e-9])
            rankings.append({"mode": mode, "title": title, "results": results,
                             "rows": [bar(r.title, r.score, top, text=f"{r.score:.2f}", href=f"../{r.term_id}/",
                                          series="a" if mode == "semantic" else "b") for r in results]})
        meaning, keywords = (r["results"] for r in rankings)
        only_meaning = [r.title for r in meaning if r.term_id not in {x.term_id for x in keywords}]
        only_keywords = [r.title for r in keywords if r.term_id not in {x.term_id for x in meaning}]
        passages = [{"title": r.title, "href": f"../{r.term_id}/", "section": r.section,
                     "passage": r.passage if len(r.passage) <= 320 else r.passage[:320].rsplit(" ", 1)[0] + " …"}
                    for r in meaning]
        return render("semantic-search", "semantic-search", text, label, rankings=rankings,
                      only_meaning=only_meaning if keywords else [], only_keywords=only_keywords,
                      passages=passages)

    return _guarded("semantic-search", text, build, label)


# ---------------------------------------------------------------------- the article's scenarios

def _scenario_summary(demo_id: str) -> dict:
    from .. import scenarios

    return scenarios.static_summary(demo_id)


#: the live page's caption under each picture, by the name ``static_summary()["png"]`` uses
IMAGE_CAPTIONS = {"original": "Original", "masked": "What the model sees", "reconstruction": "MAE reconstruction",
                  "mean_fill": "Mean-fill baseline"}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def masked_image(spec: Any = None) -> str:
    """The masked autoencoder's reconstruction of a held-out digit (inline PNGs), its error, and the probe."""
    summary = _scenario_summary("masked-image")
    figures = summary.get("figures") or {}
    pngs = summary.get("png") or {}
    images = [{"src": data_uri(png), "caption": IMAGE_CAPTIONS.get(str(name), str(name).replace("_", " ").capitalize())}
              for name, png in pngs.items() if isinstance(png, (bytes, bytearray))]
    example = summary.get("example") or {}
    hidden = [p for p in str(example.get("hidden_patches", "")).split(",") if p.strip()]
    try:
        from ..scenarios.masked_image import NUM_PATCHES as patches
    except ImportError:  # pragma: no cover - the scenario ships with the package
        patches = None
    mae, mean_fill = _number(figures.get("mae_reconstruction_error")), _number(figures.get("mean_fill_reconstruction_error"))
    cards = []
    if mae is not None:
        cards.append({"label": "MAE error on hidden pixels", "value": f"{mae:.4f}", "lead": True,
                      "note": f"{mae - mean_fill:+.4f} vs mean-fill" if mean_fill is not None else None})
    if mean_fill is not None:
        cards.append({"label": "Mean-fill error", "value": f"{mean_fill:.4f}", "lead": False, "note": None})
    probe = [p for p in figures.get("probe") or [] if isinstance(p, dict) and "labels" in p]
    groups = []
    for p in probe:
        fraction = _number(p.get("fraction_of_labels", p.get("fraction")))
        rows = [bar(name, acc, series=series) for key, name, series in
                (("mae_features_accuracy", "MAE encoder", "a"), ("raw_pixels_accuracy", "raw pixels", "b"))
                if (acc := _number(p.get(key))) is not None]
        if rows:
            groups.append({"label": f"{p['labels']}" + (f" ({fraction:.0%})" if fraction is not None else ""),
                           "rows": rows, "current": False})
    gains = [(_number(p.get("mae_features_accuracy")) or 0) - (_number(p.get("raw_pixels_accuracy")) or 0)
             for p in probe]
    best = probe[gains.index(max(gains))] if probe and max(gains) > 0 else None
    return render("masked-image", "masked-image", images=images,
                  hidden=len(hidden) if example else None, patches=patches, image_index=example.get("image"),
                  cards=cards, held_out=figures.get("held_out_images"), groups=groups,
                  best_labels=best["labels"] if best else None)


def map_png(points: list[dict], group: str, order: list[str], size: tuple[int, int] = (480, 360),
            radius: float = 6.5) -> bytes:
    """A scatter plot of ``[{x, y, <group>}]`` drawn with Pillow on a transparent background, as PNG bytes.

    Groups take Vega's category10 colours in ``order`` (the live chart's legend
    order); the axes are a faint grey that reads on the light and the dark page.
    The site cannot run scripts or embed SVG in a fallback, but it can show an image.
    """
    from PIL import Image, ImageDraw

    scale = 3  # draw large, then shrink: smooth dots without an anti-aliasing library
    w, h = size[0] * scale, size[1] * scale
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image, "RGBA")
    pad = int(radius * scale * 2.6)  # dots stay inside the frame
    frame = scale * 2
    draw.rectangle([frame, frame, w - frame, h - frame], outline=(128, 128, 128, 110), width=scale)
    xs = [float(p["x"]) for p in points]
    ys = [float(p["y"]) for p in points]
    x0, y0 = min(xs), min(ys)
    xspan, yspan = (max(xs) - x0) or 1.0, (max(ys) - y0) or 1.0
    colours = {g: _rgb(CATEGORY10[i % len(CATEGORY10)]) for i, g in enumerate(order)}
    r = radius * scale
    for p, x, y in zip(points, xs, ys):
        cx = pad + (x - x0) / xspan * (w - 2 * pad)
        cy = h - pad - (y - y0) / yspan * (h - 2 * pad)  # y grows upwards on a map
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colours[str(p[group])] + (217,))  # opacity 0.85
    image = image.resize(size, Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def legend_order(groups: list[str]) -> list[str]:
    """The order Vega-Lite gives a nominal colour legend by default: ascending, as JavaScript compares strings.

    >>> legend_order(["Highlife-like", "Afrobeats-like", "Afro-fusion-like"])
    ['Afro-fusion-like', 'Afrobeats-like', 'Highlife-like']
    """
    return sorted(set(groups), key=lambda s: s.encode("utf-16-be"))


def song_map(points: list[dict], group: str, title: str, alt: str) -> dict:
    """One map of the held-out clips coloured by ``group``: the PNG and its legend (name, colour), in legend order."""
    order = legend_order([str(p[group]) for p in points])
    return {"title": title, "alt": alt, "src": data_uri(map_png(points, group, order)),
            "legend": [{"name": g, "colour": CATEGORY10[i % len(CATEGORY10)]} for i, g in enumerate(order)]}


def song_styles(spec: Any = None) -> str:
    """How well unheard songs group by style from audio alone (no genre labels): the three scores and the map."""
    summary = _scenario_summary("song-styles")
    figures = summary.get("figures") or {}
    cards = [{"label": label, "value": f"{value:.2f}", "note": note, "lead": key == "ari_contrastive"}
             for key, label, note in (
                 ("ari_contrastive", "Contrastive embeddings", "what the encoder learned, with no labels"),
                 ("ari_raw_spectrogram", "Raw spectrogram", "the encoder's input, flattened"),
                 ("ari_raw_band_stats", "Spectrogram band statistics",
                  "mean and spread of each frequency band over time"))
             if (value := _number(figures.get(key))) is not None]
    styles = [str(s) for s in figures.get("styles") or []]
    points = [p for p in summary.get("map") or [] if isinstance(p, dict) and {"x", "y", "style"} <= set(p)]
    maps = []
    if points:
        maps.append(song_map(points, "style", "Coloured by hidden style (revealed)",
                             "Map of the held-out clips, coloured by their style"))
        if all("cluster" in p for p in points):
            clustered = [{**p, "group": f"cluster {int(p['cluster']) + 1}"} for p in points]
            maps.append(song_map(clustered, "group", "Coloured by KMeans cluster (found without labels)",
                                 "Map of the held-out clips, coloured by the cluster KMeans put them in"))
    clusters = len(styles) or len({str(p["style"]) for p in points}) or None
    return render("song-styles", "song-styles", cards=cards, clusters=clusters,
                  clips=figures.get("held_out_clips") or (len(points) or None), maps=maps)


def few_label_sentiment(spec: Any = None) -> str:
    """Both classifiers' P(positive) for ``spec.input`` with 16 labels, and accuracy as labels are added."""
    from .. import scenarios

    module = scenarios.scenario("few-label-sentiment")
    text = default_input("few-label-sentiment", spec)
    summary = module.static_summary()
    labels = getattr(module, "DEMO_LABELS", 16)
    predictions, error = [], None
    try:
        for p in module.predict(text, labels):
            positive = _number(p.get("positive"))
            if positive is None:  # older scenario code: confidence of the predicted label
                confidence = _number(p.get("confidence")) or 0.0
                positive = confidence if p.get("label") == "positive" else 1 - confidence
            predictions.append({"classifier": str(p.get("classifier", "")), "label": str(p.get("label", "")),
                                "positive": bar("P(positive)", positive, text=f"{positive:.2f}")})
    except InputError as err:
        log.warning("demo `few-label-sentiment`: static result for %r: %s", _clip(text, 80), err)
        error = str(err)
    figures = summary.get("figures") or {}
    curve = [row for row in figures.get("learning_curve") or [] if isinstance(row, dict) and "labels" in row]
    groups = [{"label": str(row["labels"]), "current": row["labels"] == labels,
               "rows": [bar(name, acc, series=series) for key, name, series in
                        (("sentence_embeddings_accuracy", "sentence embeddings", "a"),
                         ("bag_of_words_accuracy", "bag of words", "b"))
                        if (acc := _number(row.get(key))) is not None]}
              for row in curve]
    return render("few-label-sentiment", "few-label-sentiment", text, "Your sentence", labels=labels,
                  predictions=predictions, error=error, groups=[g for g in groups if g["rows"]],
                  held_out=figures.get("held_out_sentences"), seeds=getattr(module, "SEEDS", None),
                  tuned_seeds=figures.get("tuned_draws"))


FALLBACKS: dict[str, Callable[[Any], str]] = {
    "masking": masking,
    "next-word": next_word,
    "semantic-search": semantic_search,
    "masked-image": masked_image,
    "song-styles": song_styles,
    "few-label-sentiment": few_label_sentiment,
}
