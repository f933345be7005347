"""Hide patches of a handwritten digit and watch a masked autoencoder fill them in."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # demos/: `import common` however the page is run
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import common  # noqa: E402

from sslgloss.scenarios import masked_image as mi  # noqa: E402
from sslgloss.scenarios import runtime  # noqa: E402

TERMS = ["masked-image-modeling", "mae", "autoencoder", "self-supervised-learning", "linear-probing"]
SIDE = 4  # patches per row
DEFAULT_MASK = mi.format_patches(mi.random_hidden(mi.EXAMPLE_SEED)[0])


@st.cache_resource(show_spinner=False)
def load_model(budget: str) -> mi.TrainedMAE:
    """One trained MAE per process, shared by every session."""
    return mi.load_or_train(mi.MaskedImageConfig.for_budget(budget))


def prepared_model() -> mi.TrainedMAE:
    """Train (or read from the cache dir) with a progress bar, then hand out the shared model.

    The bar is drawn here, not in ``load_model``: Streamlit replays what a
    cached function draws, so a cached function must not draw. After the first
    time in a process ``load_or_train`` returns at once and no bar appears.
    """
    budget = runtime.training_budget()
    with common.progress_bar("Preparing the masked autoencoder (first use only)") as progress:
        mi.load_or_train(mi.MaskedImageConfig.for_budget(budget), progress=progress)
    return load_model(budget)


def canonical_mask(text: str) -> str:
    return mi.format_patches(mi.parse_patches(text))


def row_key(r: int) -> str:
    return f"patch-row-{r}"


def rows_of(hidden: np.ndarray) -> list[list[int]]:
    """The hidden patch numbers of each grid row (what each row's toggle buttons show as selected)."""
    return [[i for i in range(r * SIDE, (r + 1) * SIDE) if hidden[i]] for r in range(SIDE)]


def set_mask(text: str) -> None:
    """Make ``text`` the current mask: URL, session state and the patch grid."""
    common.set_param("mask", text, DEFAULT_MASK)
    for r, selected in enumerate(rows_of(mi.parse_patches(text))):
        st.session_state[row_key(r)] = selected


def grid_changed() -> None:
    hidden = np.zeros(mi.NUM_PATCHES, dtype=bool)
    for r in range(SIDE):
        hidden[list(st.session_state.get(row_key(r)) or [])] = True
    common.set_param("mask", mi.format_patches(hidden), DEFAULT_MASK)


def random_mask() -> None:
    st.session_state["draw"] = st.session_state.get("draw", 0) + 1
    set_mask(mi.format_patches(mi.random_hidden(st.session_state["draw"])[0]))


common.setup_page("The missing part of an image", ":material/image:")
st.title("The missing part of an image")
common.bootstrap_note()

n_images = len(mi.load_split().test_x)
mask_text = common.param("mask", DEFAULT_MASK, canonical_mask)
common.param("image", mi.EXAMPLE_IMAGE, common.parse_int(0, n_images - 1))
for r, selected in enumerate(rows_of(mi.parse_patches(mask_text))):  # the grid follows the mask (URL first)
    st.session_state.setdefault(row_key(r), selected)

with common.guard():
    trained = prepared_model()
    image_index = int(st.session_state["image"])
    hidden = mi.parse_patches(st.session_state["mask"])
    views = mi.example_images(trained, image_index, hidden, scale=16)
    for col, (name, caption) in zip(st.columns(4), (("original", "Original"), ("masked", "What the model sees"),
                                                     ("reconstruction", "MAE reconstruction"),
                                                     ("mean_fill", "Mean-fill baseline"))):
        col.image(views[name], caption=caption, width="stretch")
    st.caption(f"{int(hidden.sum())} of {mi.NUM_PATCHES} patches hidden (blue). Orange frames mark the patches "
               "each method filled in.")

    grid, side = st.columns([3, 2], gap="large")
    with grid:
        st.markdown("**Patches to hide** (click to toggle; numbered row by row)")
        for r in range(SIDE):
            st.segmented_control(f"Row {r + 1}", list(range(r * SIDE, (r + 1) * SIDE)), selection_mode="multi",
                                 key=row_key(r), on_change=grid_changed, label_visibility="collapsed",
                                 width="stretch")
    with side:
        st.number_input("Held-out digit", min_value=0, max_value=n_images - 1, step=1, key="image",
                        on_change=common.sync_param, args=("image", mi.EXAMPLE_IMAGE),
                        help=f"One of the {n_images} digits the model never saw while training.")
        st.button("Hide a random half", on_click=random_mask, icon=":material/casino:", width="stretch")
        st.button("Show everything", on_click=set_mask, args=("",), icon=":material/visibility:", width="stretch")

    image = mi.load_split().test_x[image_index]
    if hidden.any():
        mae_err = mi.hidden_error(image[None], trained.reconstruct(image, hidden)[None], hidden[None])
        base_err = mi.hidden_error(image[None], trained.mean_fill(image, hidden)[None], hidden[None])
        m1, m2 = st.columns(2)
        m1.metric("MAE error on hidden pixels", f"{mae_err:.3f}", delta=f"{mae_err - base_err:+.3f} vs mean-fill",
                  delta_color="inverse")
        m2.metric("Mean-fill error", f"{base_err:.3f}")
    else:
        st.info("Nothing is hidden: pick some patches (or **Hide a random half**) to see the model guess them.")

    m = trained.metrics
    st.subheader("How good is it, on every held-out digit?")
    st.write(f"With half of the patches hidden at random, over {m['held_out_images']} held-out digits, the mean "
             f"squared error on the hidden pixels is **{m['mae_reconstruction_error']:.4f}** for the masked "
             f"autoencoder and **{m['mean_fill_reconstruction_error']:.4f}** for painting in the average digit.")
    probe = m["probe"]
    st.write("**Are the learned features useful?** A logistic regression gets a few labelled digits, either as "
             "the frozen encoder's features or as raw pixels, and is scored on the held-out digits:")
    names = [f"{p['labels']} ({p['fraction_of_labels']:.0%})" for p in probe]
    rows = [{"labels": name, "accuracy": p[key], "features": label} for name, p in zip(names, probe)
            for key, label in (("mae_features_accuracy", "MAE encoder"), ("raw_pixels_accuracy", "raw pixels"))]
    st.vega_lite_chart(spec={
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "labels", "type": "ordinal", "sort": names,
                  "axis": {"labelAngle": 0, "title": "labelled training digits"}},
            "xOffset": {"field": "features"},
            "y": {"field": "accuracy", "type": "quantitative", "scale": {"domain": [0, 1]},
                  "axis": {"format": ".0%", "title": "held-out accuracy"}},
            "color": {"field": "features", "type": "nominal", "title": None},
        },
        "height": 220,
    }, width="stretch")
    best = max(probe, key=lambda p: p["mae_features_accuracy"] - p["raw_pixels_accuracy"])
    if best["mae_features_accuracy"] > best["raw_pixels_accuracy"]:
        st.caption(f"The encoder's features help most with {best['labels']} labels; with many labels, 64 raw "
                   "pixels are already an easy input for a linear classifier on digits this small.")
    else:
        st.caption("On digits this small, raw pixels are a hard baseline: here the encoder's features do not beat "
                   "them at any label budget. Pretraining pays off on larger images and scarcer labels.")

common.explain(
    "The model is a **masked autoencoder**. During pretraining it was shown thousands of digits with a random "
    "quarter to three quarters of their 2x2-pixel patches hidden, and learned to predict the hidden pixels from "
    "the visible ones. It never saw a label: the image itself is the supervision, which is what makes this "
    "**self-supervised**.\n\n"
    "To fill in a patch well, the model has to know what digits look like: strokes continue, loops close, a 7 "
    "has no bottom bar. That knowledge is in its encoder, which is why we can test it with a **linear probe**: "
    "freeze the encoder and train only a logistic regression on its output with a handful of labels.\n\n"
    "The mean-fill baseline paints each hidden pixel with its average over the training digits: a fair guess "
    "that knows nothing about the visible part of *this* digit.",
    TERMS)
