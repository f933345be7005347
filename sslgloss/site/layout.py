"""The layout of the global graph page, computed once at build time.

The browser only draws: positions come from here, so the page is usable with
2,000 terms on a phone. Graphs up to a few hundred terms use networkx's spring
layout with a seed (Kamada-Kawai looked no better on our dense core graph and
took 15x longer). networkx's spring layout is quadratic and too slow past a few
hundred nodes (about 35 s for 2,000 on our 2-core machine), so large graphs use the
grid variant of Fruchterman-Reingold from the same paper: repulsion only
between nodes closer than a cutoff, found with a k-d tree. A dense graph packs
its middle so tightly that the close pairs grow faster than the nodes (the
5,000-term layout took 4.7x as long as the 2,000-term one), so once there are
more than ``PAIRS_PER_NODE`` per node, a node is pushed only by its ``NEAREST``
closest neighbours: every iteration stays linear. Positions are deterministic for a seed and are cached on
disk by graph fingerprint, so a rebuild with the same graph costs nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable

import networkx as nx
import numpy as np

from ..storage import cache_dir, try_atomic_write

MEDIUM = 250  # up to here: networkx spring layout
PAIRS_PER_NODE = 64  # more close pairs than this per node: a crowded layout, see NEAREST
NEAREST = 48  # then each node is pushed by at most this many close neighbours
LAYOUT_VERSION = "4"


def _undirected(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((u, v) for u, v in edges if u != v)
    return g


def _grid_fruchterman_reingold(g: nx.Graph, seed: int, iterations: int = 70) -> dict[str, tuple[float, float]]:
    from scipy.spatial import cKDTree

    nodes = list(g.nodes)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in g.edges], dtype=np.int64).reshape(-1, 2)
    ei, ej = edges[:, 0], edges[:, 1]
    rng = np.random.default_rng(seed)
    start = rng.random((n, 2))
    x, y = start[:, 0].copy(), start[:, 1].copy()
    k = 1.0 / np.sqrt(n)  # ideal edge length in the unit square
    cutoff = 2.0 * k
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    # x and y apart, squared distances where a square root is not needed, and bincount
    # to sum forces per node (np.add.at is ~20x slower): a dense graph has a few
    # hundred close pairs per node, so this arithmetic is most of the time
    dense = False  # once the middle is this crowded, only the NEAREST closest neighbours push
    for _ in range(iterations):
        points = np.column_stack((x, y))
        tree = cKDTree(points, balanced_tree=False, compact_nodes=False)
        if not dense:
            pairs = tree.query_pairs(cutoff, output_type="ndarray")
            dense = len(pairs) > PAIRS_PER_NODE * n
            i, j = pairs[:, 0], pairs[:, 1]
        if dense:  # each node is pushed by its NEAREST closest neighbours within the cutoff, no more
            near = tree.query(points, k=NEAREST + 1, distance_upper_bound=cutoff)[1][:, 1:]  # column 0: itself
            found = near < n  # n: fewer than NEAREST within the cutoff
            i, j = np.nonzero(found)[0], near[found]
        disp_x = (0.5 - x) * (k * 0.5)  # weak gravity keeps separate components on the canvas
        disp_y = (0.5 - y) * (k * 0.5)
        if len(i):
            dx, dy = x[i] - x[j], y[i] - y[j]
            force = (k * k) / np.maximum(dx * dx + dy * dy, 1e-8)  # repulsion k^2/d along the unit vector
            dx *= force
            dy *= force
            disp_x += np.bincount(i, dx, n)
            disp_y += np.bincount(i, dy, n)
            if not dense:  # each close pair is listed once: push both ends
                disp_x -= np.bincount(j, dx, n)
                disp_y -= np.bincount(j, dy, n)
        if len(edges):
            dx, dy = x[ei] - x[ej], y[ei] - y[ej]
            force = np.sqrt(np.maximum(dx * dx + dy * dy, 1e-8)) / k  # attraction d^2/k along the unit vector
            dx *= force
            dy *= force
            disp_x += np.bincount(ej, dx, n) - np.bincount(ei, dx, n)
            disp_y += np.bincount(ej, dy, n) - np.bincount(ei, dy, n)
        length = np.maximum(np.sqrt(disp_x * disp_x + disp_y * disp_y), 1e-9)
        step = np.minimum(length, temperature) / length
        x += disp_x * step
        y += disp_y * step
        temperature -= cooling
    return {node: (float(x[index[node]]), float(y[index[node]])) for node in nodes}


def compute_layout(nodes: list[str], edges: list[tuple[str, str]], seed: int = 42) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1] x [0, 1] for every node."""
    if not nodes:
        return {}
    g = _undirected(nodes, edges)
    n = g.number_of_nodes()
    if n == 1:
        raw = {nodes[0]: (0.5, 0.5)}
    elif n <= MEDIUM:
        raw = {k: tuple(v) for k, v in nx.spring_layout(g, seed=seed, iterations=100).items()}
    else:
        raw = _grid_fruchterman_reingold(g, seed)
    xs = np.array([p[0] for p in raw.values()])
    ys = np.array([p[1] for p in raw.values()])
    span = max(xs.max() - xs.min(), ys.max() - ys.min(), 1e-9)
    return {k: (round(float((x - xs.min()) / span), 5), round(float((y - ys.min()) / span), 5))
            for k, (x, y) in raw.items()}


class GraphLayout:
    """Computes (or loads from the disk cache) the layout of a set of nodes and edges."""

    def __init__(self, seed: int = 42, cache: Path | None = None):
        self.seed = seed
        self.cache = cache if cache is not None else cache_dir("site")

    def key(self, nodes: list[str], edges: list[tuple[str, str]]) -> str:
        digest = hashlib.sha256()
        digest.update(f"{LAYOUT_VERSION}|{self.seed}|".encode())
        digest.update("\0".join(nodes).encode())
        digest.update(b"\1")
        digest.update("\0".join(f"{u}\t{v}" for u, v in sorted(edges)).encode())
        return digest.hexdigest()[:24]

    def positions(self, nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
        path = self.cache / f"layout-{self.key(nodes, edges)}.json"
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if set(stored) == set(nodes):
                return {k: (v[0], v[1]) for k, v in stored.items()}
        except (OSError, ValueError):
            pass
        result = compute_layout(nodes, edges, self.seed)
        try_atomic_write(path, json.dumps(result))
        return result
