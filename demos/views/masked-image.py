"""Hide patches of a handwritten digit and watch a masked autoencoder fill them in."""

from __future__ import annotations


import numpy as np
import streamlit as st

from sslgloss.demos import checks, page  # noqa: E402

state = page.PageState("masked-image")

from sslgloss.scenarios import images as img  # noqa: E402
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
    with page.progress_bar("Preparing the masked autoencoder (first use only)") as progress:
        mi.load_or_train(mi.MaskedImageConfig.for_budget(budget), progress=progress)
    return load_model(budget)


@st.cache_data(max_entries=256, show_spinner=False)
def pictures(budget: str, image_index: int, mask: str) -> tuple[dict[str, bytes], float | None, float | None]:
    """The four pictures (PNG bytes) of one held-out digit with ``mask`` hidden, and both methods' errors on
    the hidden pixels; cached per digit and mask, so a page run that shows them again computes nothing."""
    trained = load_model(budget)
    hidden = mi.parse_patches(mask)
    views = mi.example_images(trained, image_index, hidden, scale=16)
    pngs = {name: img.png_bytes(rgb) for name, rgb in views.items()}
    if not hidden.any():
        return pngs, None, None
    image = mi.load_split().test_x[image_index]
    mae_err = mi.hidden_error(image[None], trained.reconstruct(image, hidden)[None], hidden[None])
    base_err = mi.hidden_error(image[None], trained.mean_fill(image, hidden)[None], hidden[None])
    return pngs, float(mae_err), float(base_err)


def probe_lesson(probe: list[dict]) -> str:
    """Two or three sentences on where the encoder's features help, worded from this model's own figures."""
    ahead = [p for p in probe if p["mae_features_accuracy"] > p["raw_pixels_accuracy"]]
    behind = [p for p in probe if p["mae_features_accuracy"] <= p["raw_pixels_accuracy"]]
    fewest, most = probe[0], probe[-1]

    def at(p: dict) -> str:
        return (f"with {p['labels']:,} labels ({p['fraction_of_labels']:.0%}) the encoder's features reach "
                f"{p['mae_features_accuracy']:.0%} against {p['raw_pixels_accuracy']:.0%} for raw pixels")

    if ahead and behind:
        return (f"Self-supervised features help most when labels are few: {at(max(ahead, key=lambda p: p['mae_features_accuracy'] - p['raw_pixels_accuracy']))}. "
                f"With many labels raw pixels catch up or win ({at(most)}): on 8x8 digits, 64 pixels are already an easy "
                "input for a linear classifier once it sees enough examples. That is the lesson, not a failure: "
                "pretraining pays when labels are scarce.")
    if ahead:
        return (f"The encoder's features beat raw pixels at every label count, by most when labels are few "
                f"({at(fewest)}; {at(most)}): pretraining pays when labels are scarce.")
    return (f"On this tiny dataset raw pixels win at every label count ({at(fewest)}; {at(most)}): 64 pixels are "
            "already an easy input for a linear classifier. Self-supervised features pay off with scarcer labels "
            "and larger images than these.")


def canonical_mask(text: str) -> str:
    return mi.format_patches(mi.parse_patches(text))


def row_key(r: int) -> str:
    return f"patch-row-{r}"


def rows_of(hidden: np.ndarray) -> list[list[int]]:
    """The hidden patch numbers of each grid row (what each row's toggle buttons show as selected)."""
    return [[i for i in range(r * SIDE, (r + 1) * SIDE) if hidden[i]] for r in range(SIDE)]


def set_mask(text: str) -> None:
    """Make ``text`` the current mask: URL, session state and the patch grid."""
    state.set("mask", text, DEFAULT_MASK)
    for r, selected in enumerate(rows_of(mi.parse_patches(text))):
        st.session_state[row_key(r)] = selected


def grid_changed() -> None:
    hidden = np.zeros(mi.NUM_PATCHES, dtype=bool)
    for r in range(SIDE):
        hidden[list(st.session_state.get(row_key(r)) or [])] = True
    state.set("mask", mi.format_patches(hidden), DEFAULT_MASK)


def random_mask() -> None:
    st.session_state[state.key("draw")] = st.session_state.get(state.key("draw"), 0) + 1
    set_mask(mi.format_patches(mi.random_hidden(st.session_state[state.key("draw")])[0]))


page.setup_page("The missing part of an image", ":material/image:")
st.title("The missing part of an image")
page.bootstrap_note()

n_images = len(mi.load_split().test_x)
mask_text = state.param("mask", DEFAULT_MASK, canonical_mask)
state.param("image", mi.EXAMPLE_IMAGE, checks.parse_int(0, n_images - 1))
for r, selected in enumerate(rows_of(mi.parse_patches(mask_text))):  # the grid follows the mask (URL first)
    st.session_state.setdefault(row_key(r), selected)

with page.guard():
    trained = prepared_model()
    image_index = int(st.session_state[state.key("image")])
    hidden = mi.parse_patches(st.session_state[state.key("mask")])
    views, mae_err, base_err = pictures(runtime.training_budget(), image_index, mi.format_patches(hidden))
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
        st.number_input("Held-out digit", min_value=0, max_value=n_images - 1, step=1, key=state.key("image"),
                        on_change=state.sync, args=("image", mi.EXAMPLE_IMAGE),
                        help=f"One of the {n_images} digits the model never saw while training.")
        st.button("Hide a random half", on_click=random_mask, icon=":material/casino:", width="stretch")
        st.button("Show everything", on_click=set_mask, args=("",), icon=":material/visibility:", width="stretch")

    if mae_err is not None:
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
    rows = [{"labels": p["labels"], "accuracy": p[key], "features": label} for p in probe
            for key, label in (("mae_features_accuracy", "MAE encoder (self-supervised)"),
                               ("raw_pixels_accuracy", "raw pixels"))]
    st.vega_lite_chart(spec={
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "labels", "type": "quantitative", "scale": {"type": "log"},
                  "axis": {"values": [p["labels"] for p in probe], "title": "labelled training digits (log scale)"}},
            "y": {"field": "accuracy", "type": "quantitative", "scale": {"zero": False},
                  "axis": {"format": ".0%", "title": "held-out accuracy"}},
            "color": {"field": "features", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
        },
        "height": 220,
    }, width="stretch")
    st.markdown(probe_lesson(probe))

page.explain(
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
