"""Group synthetic songs by style from audio alone: contrastive learning, no genre labels."""

from __future__ import annotations

import io
import wave

import numpy as np
import pyarrow as pa
import streamlit as st

from sslgloss.demos import checks, page  # noqa: E402

state = page.PageState("song-styles")

from sslgloss.scenarios import runtime, songs  # noqa: E402
from sslgloss.scenarios import song_styles as ss  # noqa: E402

TERMS = ["audio-representation-learning", "contrastive-learning", "self-supervised-learning", "simclr",
         "data-augmentation", "clustering"]
COLOURINGS = ("style", "cluster")
NEIGHBOURS = 3


@st.cache_resource(show_spinner=False)
def load_model(budget: str) -> ss.TrainedSongs:
    """One trained encoder per process, shared by every session."""
    return ss.load_or_train(ss.SongStylesConfig.for_budget(budget))


def prepared_model() -> ss.TrainedSongs:
    """Train (or read from the cache dir) with a progress bar, then hand out the shared model.

    The bar is drawn here, not in ``load_model``: Streamlit replays what a
    cached function draws, so a cached function must not draw.
    """
    budget = runtime.training_budget()
    with page.progress_bar("Preparing the contrastive encoder (first use only)") as progress:
        ss.load_or_train(ss.SongStylesConfig.for_budget(budget), progress=progress)
    return load_model(budget)


@st.cache_data(max_entries=512, show_spinner=False)
def clip_wav(budget: str, clip: int) -> bytes:
    """One held-out clip as a WAV file (16-bit, peak-normalised as st.audio does with an array), made once."""
    samples = np.asarray(load_model(budget).eval_clips.audio[clip], dtype=np.float64)
    peak = float(np.max(np.abs(samples))) or 1.0
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(songs.SAMPLE_RATE)
        out.writeframes((samples / peak * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


@st.cache_data(max_entries=512, show_spinner=False)
def song_map(budget: str, colour: str, selected: int) -> tuple[pa.Table, dict]:
    """The map's points (Arrow) and Vega-Lite spec for one colouring and one selected clip."""
    trained = load_model(budget)
    styles = trained.eval_clips.style
    groups = ([songs.STYLE_NAMES[s] for s in styles] if colour == "style"
              else [f"cluster {c + 1}" for c in trained.clusters])
    points = pa.table({"x": [float(v) for v in trained.map_2d[:, 0]], "y": [float(v) for v in trained.map_2d[:, 1]],
                       "group": groups, "clip": list(range(len(groups))),
                       "selected": [i == selected for i in range(len(groups))]})
    spec = {
        "mark": {"type": "circle", "tooltip": True, "opacity": 0.85},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": "first principal component"},
            "y": {"field": "y", "type": "quantitative", "title": "second principal component"},
            "color": {"field": "group", "type": "nominal", "title": None, "scale": {"scheme": "category10"}},
            "size": {"field": "selected", "type": "nominal", "scale": {"domain": [False, True], "range": [45, 320]},
                     "legend": None},
            "tooltip": [{"field": "clip"}, {"field": "group"}],
        },
        "height": 340,
    }
    return points, spec


page.setup_page("Songs grouped by style", ":material/music_note:")
st.title("Songs grouped by style")
page.bootstrap_note()
st.caption("The clips are synthetic caricatures of " + ", ".join(songs.STYLE_NAMES) + ", made by our own "
           "numpy synthesiser so that everything here can be generated offline; they are not real recordings.")

with page.guard():
    trained = prepared_model()
    clips = trained.eval_clips
    n = len(clips.style)
    state.param("clip", 0, checks.parse_int(0, n - 1))
    state.param("colour", "style", checks.parse_choice(COLOURINGS))

    m = trained.metrics
    st.subheader("Do the clusters match the styles?")
    c1, c2, c3 = st.columns(3)
    c1.metric("Contrastive embeddings", f"{m['ari_contrastive']:.2f}", help="adjusted Rand index of KMeans")
    c2.metric("Raw spectrogram", f"{m['ari_raw_spectrogram']:.2f}", help="the encoder's input, flattened")
    c3.metric("Spectrogram band statistics", f"{m['ari_raw_band_stats']:.2f}",
              help="mean and spread of each frequency band over time")
    st.caption(f"KMeans with {len(songs.STYLES)} clusters on {n} clips the encoder never heard. The adjusted Rand "
               "index is 1 when the clusters are exactly the styles and about 0 when they are no better than "
               "chance. The styles were hidden during training and are revealed here only to score and colour.")

    st.subheader("The map of the learned embeddings")
    st.radio("Colour the clips by", COLOURINGS, key=state.key("colour"), horizontal=True,
             format_func=lambda c: "hidden style (revealed)" if c == "style" else "KMeans cluster (found without labels)",
             on_change=state.sync, args=("colour", "style"))
    selected = int(st.session_state[state.key("clip")])
    colour = st.session_state[state.key("colour")]
    budget = runtime.training_budget()
    points, spec = song_map(budget, colour, selected)
    st.vega_lite_chart(points, spec, width="stretch")
    st.caption(f"Each dot is a clip; the big dot is clip {selected}. Nearby clips have similar embeddings.")

    st.subheader("Listen")
    st.number_input("Clip", min_value=0, max_value=n - 1, step=1, key=state.key("clip"),
                    on_change=state.sync, args=("clip", 0), help=f"One of the {n} held-out clips.")
    st.audio(clip_wav(budget, selected), format="audio/wav")
    st.write(f"Clip {selected} is **{songs.STYLE_NAMES[clips.style[selected]]}** and landed in "
             f"**cluster {trained.clusters[selected] + 1}**. The clips closest to it in the embedding space:")
    similarity = trained.embeddings @ trained.embeddings[selected]
    order = [i for i in np.argsort(-similarity) if i != selected][:NEIGHBOURS]
    for col, i in zip(st.columns(NEIGHBOURS), order):
        col.audio(clip_wav(budget, int(i)), format="audio/wav")
        col.caption(f"clip {i}: {songs.STYLE_NAMES[clips.style[i]]} (similarity {similarity[i]:.2f})")

    styles = st.expander("One clip of each style, and what makes the style", key=state.key("styles"),
                         on_change="rerun")
    if styles.open:  # five more clips, sent only when the learner opens it
        with styles:
            for k, style in enumerate(songs.STYLES):
                first = int(np.flatnonzero(clips.style == k)[0])
                st.markdown(f"**{style.name}** (clip {first}): {style.about}.")
                st.audio(clip_wav(budget, first), format="audio/wav")

page.explain(
    "No clip came with a genre label. The encoder, a small convolutional network over log-mel spectrograms, was "
    "trained with **contrastive learning** in the style of SimCLR: two random *views* of the same clip (a "
    "different 2-second crop, a small pitch shift, another tone colour, gain and hiss) must get similar "
    "embeddings, and views of different clips dissimilar ones.\n\n"
    "Whatever the augmentations change (when in the bar the crop starts, the key, the recording's tone colour, "
    "the noise) the encoder learns to ignore; what survives is what the views share: tempo, drum pattern, "
    "phrasing and scale, the things that make a style. Clustering the embeddings then finds the styles, while "
    "clustering the raw spectrograms mostly finds recordings that happen to sound alike.\n\n"
    "This is **audio representation learning** by **self-supervised learning**: the data supervise themselves.",
    TERMS)
