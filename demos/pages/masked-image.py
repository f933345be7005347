"""Hide patches of a handwritten digit and watch a masked autoencoder fill them in."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # demos/: `import common` however the page is run
import common  # noqa: E402

from sslgloss.scenarios import masked_image as mi  # noqa: E402
from sslgloss.scenarios import runtime  # noqa: E402

TERMS = ["masked-image-modeling", "mae", "autoencoder", "self-supervised-learning", "linear-probing"]
SIDE = 4  # patches per row
DEFAULT_MASK = mi.format_patches(mi.random_hidden(mi.EXAMPLE_SEED)[0])


@st.cache_resource(show_spinner=False)
def load_model(budget: str, _progress=None) -> mi.TrainedMAE:
    """One trained MAE per process, shared by every session (trained on first use, then read from the cache)."""
    return mi.load_or_train(mi.MaskedImageConfig.for_budget(budget), progress=_progress)


def canonical_mask(text: str) -> str:
    return mi.format_patches(mi.parse_patches(text))


def cell_key(i: int) -> str:
    return f"patch-{i}"


def set_mask(text: str) -> None:
    """Make ``text`` the current mask: URL, session state and the 16 checkboxes."""
    common.set_param("mask", text, DEFAULT_MASK)
    hidden = mi.parse_patches(text)
    for i in range(mi.NUM_PATCHES):
        st.session_state[cell_key(i)] = bool(hidden[i])


def cells_changed() -> None:
    hidden = np.array([st.session_state.get(cell_key(i), False) for i in range(mi.NUM_PATCHES)])
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
hidden = mi.parse_patches(mask_text)
for i in range(mi.NUM_PATCHES):  # checkboxes follow the mask (from the URL on the first run)
    st.session_state.setdefault(cell_key(i), bool(hidden[i]))

with common.guard():
    with common.progress_bar("Preparing the masked autoencoder (first use only)") as progress:
        trained = load_model(runtime.training_budget(), progress)

    controls, pictures = st.columns([2, 5], gap="medium")
    with controls:
        st.number_input("Held-out digit", min_value=0, max_value=n_images - 1, step=1, key="image",
                        on_change=common.sync_param, args=("image", mi.EXAMPLE_IMAGE),
                        help=f"One of the {n_images} digits the model never saw while training.")
        st.markdown("**Patches to hide**")
        for r in range(SIDE):
            cols = st.columns(SIDE, gap="small")
            for c in range(SIDE):
                i = r * SIDE + c
                cols[c].checkbox(f"{i}", key=cell_key(i), on_change=cells_changed,
                                 help=f"patch {i}: row {r + 1}, column {c + 1}")
        b1, b2 = st.columns(2)
        b1.button("Random half", on_click=random_mask, icon=":material/casino:", width="stretch")
        b2.button("Show all", on_click=set_mask, args=("",), icon=":material/visibility:", width="stretch")

    image_index = int(st.session_state["image"])
    hidden = mi.parse_patches(st.session_state["mask"])
    views = mi.example_images(trained, image_index, hidden, scale=16)
    with pictures:
        cols = st.columns(4)
        for col, (name, caption) in zip(cols, (("original", "Original"), ("masked", "What the model sees"),
                                               ("reconstruction", "MAE reconstruction"),
                                               ("mean_fill", "Mean-fill baseline"))):
            col.image(views[name], caption=caption, width="stretch")
        image = mi.load_split().test_x[image_index]
        if hidden.any():
            mae_err = mi.hidden_error(image[None], trained.reconstruct(image, hidden)[None], hidden[None])
            base_err = mi.hidden_error(image[None], trained.mean_fill(image, hidden)[None], hidden[None])
            m1, m2 = st.columns(2)
            m1.metric("MAE error on hidden pixels", f"{mae_err:.3f}", delta=f"{mae_err - base_err:+.3f} vs mean-fill",
                      delta_color="inverse")
            m2.metric("Mean-fill error", f"{base_err:.3f}")
        else:
            st.info("Nothing is hidden: tick some patches (or press **Random half**) to see the model guess them.")
        st.caption(f"{int(hidden.sum())} of {mi.NUM_PATCHES} patches hidden. Orange frames mark the patches "
                   "that were filled in.")

    m = trained.metrics
    st.subheader("How good is it, on every held-out digit?")
    st.write(f"With half of the patches hidden at random, over {m['held_out_images']} held-out digits, the mean "
             f"squared error on the hidden pixels is **{m['mae_reconstruction_error']:.4f}** for the masked "
             f"autoencoder and **{m['mean_fill_reconstruction_error']:.4f}** for painting in the average digit.")
    probe = m["probe"]
    st.write("**Are the learned features useful?** A logistic regression gets a few labelled digits, either as "
             "the frozen encoder's features or as raw pixels, and is scored on the held-out digits:")
    st.bar_chart(
        {"labels": [f"{p['labels']} labels ({p['fraction_of_labels']:.0%})" for p in probe] * 2,
         "accuracy": [p["mae_features_accuracy"] for p in probe] + [p["raw_pixels_accuracy"] for p in probe],
         "features": ["MAE encoder"] * len(probe) + ["raw pixels"] * len(probe)},
        x="labels", y="accuracy", color="features", stack=False, height=260)
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
