"""Small images for the demos: numpy arrays upscaled with nearest-neighbour and encoded as PNG.

An 8x8 digit drawn at a size a person can see, with its hidden patches marked,
in Streamlit or in the site's static result (as a ``data:`` URI).
"""

from __future__ import annotations

import base64

import numpy as np

PAPER = np.array([250, 250, 247], dtype=np.float64)
INK = np.array([20, 24, 36], dtype=np.float64)
HIDDEN = np.array([176, 196, 222], dtype=np.uint8)  # light steel blue: "this patch is hidden"
FILLED = np.array([230, 120, 20], dtype=np.uint8)  # orange outline: "the model filled this in"
GRID = np.array([215, 215, 215], dtype=np.uint8)


def upscale(image: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour upscaling of (H, W) or (H, W, C): every pixel becomes a scale x scale block."""
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def render_digit(image: np.ndarray, patch_size: int = 2, hidden: np.ndarray | None = None,
                 outline: np.ndarray | None = None, scale: int = 24) -> np.ndarray:
    """An (H, W) image with ink in [0, 1] -> (H*scale, W*scale, 3) uint8 RGB with a patch grid.

    ``hidden`` (bool per patch, row-major) paints those patches in a flat
    colour; ``outline`` (bool per patch) draws an orange frame around them.
    """
    ink = np.clip(image, 0.0, 1.0)[..., None]
    rgb = upscale((PAPER * (1 - ink) + INK * ink).astype(np.uint8), scale)
    side = image.shape[0] // patch_size
    cell = patch_size * scale
    for index in range(side * side):
        r, c = divmod(index, side)
        block = rgb[r * cell:(r + 1) * cell, c * cell:(c + 1) * cell]
        if hidden is not None and hidden[index]:
            block[:] = HIDDEN
        if outline is not None and outline[index]:
            block[:2], block[-2:], block[:, :2], block[:, -2:] = FILLED, FILLED, FILLED, FILLED
    for k in range(1, side):  # thin grid lines between patches, drawn over everything
        rgb[k * cell, :] = np.where(rgb[k * cell, :] == FILLED, FILLED, GRID)
        rgb[:, k * cell] = np.where(rgb[:, k * cell] == FILLED, FILLED, GRID)
    return rgb


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an (H, W, 3) uint8 array as a PNG file (Pillow, which Streamlit already depends on)."""
    import io

    from PIL import Image

    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) uint8 array, got {rgb.dtype} {rgb.shape}")
    out = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
