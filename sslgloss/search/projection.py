"""A deterministic 2-D map of embeddings (scikit-learn's PCA), onto which a query can be placed later.

The demo draws every term as a point and then drops the learner's query onto
the same plane, so the projection is fitted once and kept: ``transform``
places new vectors with the same axes. Signs of the principal axes are fixed
(largest loading positive) so the map does not flip between runs or machines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError


@dataclass(frozen=True)
class Projection2D:
    """Fitted 2-D PCA: ``coords`` for the fitted vectors, ``transform`` for new ones."""

    mean: np.ndarray  # (D,)
    axes: np.ndarray  # (2, D), orthonormal rows
    coords: np.ndarray  # (N, 2)
    explained_variance_ratio: np.ndarray  # (2,)

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        """Place vectors ((D,) or (M, D)) on the map: returns (2,) or (M, 2)."""
        vectors = np.asarray(vectors, dtype=np.float64)
        return (vectors - self.mean) @ self.axes.T


def project_2d(embeddings: np.ndarray) -> Projection2D:
    """Fit a 2-D PCA to ``embeddings`` (N, D) with N >= 2.

    >>> p = project_2d(np.array([[0.0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]]))
    >>> p.coords.round(3).tolist()
    [[-1.0, -0.5], [1.0, -0.5], [-1.0, 0.5], [1.0, 0.5]]
    >>> p.transform(np.array([1.0, 0.5, 7.0])).round(3).tolist()
    [0.0, 0.0]
    """
    x = np.asarray(embeddings, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise InputError(f"a 2-D map needs at least 2 vectors of dimension >= 2, got shape {x.shape}")
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, svd_solver="full").fit(x)
    axes = pca.components_.astype(np.float64)
    for row in axes:  # fix each axis' sign so the picture is reproducible
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    ratio = np.nan_to_num(np.asarray(pca.explained_variance_ratio_, dtype=np.float64))
    return Projection2D(mean=pca.mean_, axes=axes, coords=(x - pca.mean_) @ axes.T, explained_variance_ratio=ratio)
