"""The small graph on a term page: the term in the middle, its neighbours around it.

Drawn at build time (no JavaScript needed to see it): one spoke per
neighbour, coloured by relation type, in inline SVG; every neighbour's name is
an HTML link over the picture (with the hover preview, through ``data-term``). Neighbours beyond ``MAX_NODES`` are
left out of the picture (they are all listed under "Related terms"). This module
places the spokes; ``sslgloss/local-graph.html`` draws them (SVG links are ignored by
instant navigation and trip up mkdocs-material's link rewriting, hence HTML labels).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

MAX_NODES = 14
WIDTH, HEIGHT = 640, 330
LABEL_CHARS = 24


@dataclass(frozen=True)
class Spoke:
    term_id: str
    title: str
    label: str  # relation label as seen from the centre ("is a", "kinds")
    color: str
    weight: int = 0  # degree: the best connected neighbours are drawn when there are too many


@dataclass(frozen=True)
class Place:
    """Where a spoke ends: SVG units for the line and dot, percent of the figure for the HTML label."""

    x: str
    y: str
    left: str
    top: str
    side: str  # where the label sits: "top", "bottom", "left" or "right" of the dot


class DrawnSpoke(NamedTuple):  # a tuple: a page draws up to MAX_NODES of them
    term_id: str
    title: str
    short: str  # the title cut to LABEL_CHARS
    label: str
    color: str
    href: str
    x: str
    y: str
    left: str
    top: str
    side: str


@dataclass(frozen=True)
class LocalGraph:
    """What ``sslgloss/local-graph.html`` draws."""

    label: str  # for screen readers: "<title> and <n> related terms"
    center: str  # the term's title, cut to LABEL_CHARS
    spokes: list[DrawnSpoke]
    hidden: int  # neighbours left out of the picture
    width: int = WIDTH
    height: int = HEIGHT
    cx: str = f"{WIDTH / 2:.1f}"
    cy: str = f"{HEIGHT / 2:.1f}"
    center_top: str = f"{100 * (HEIGHT / 2 + 14) / HEIGHT:.2f}"


def _short(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


@functools.lru_cache(maxsize=MAX_NODES + 1)
def _geometry(n: int) -> list[Place]:
    """For ``n`` spokes, evenly around an ellipse starting at the top: where each ends."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    rx, ry = WIDTH / 2 - 150, HEIGHT / 2 - 42
    out = []
    for i in range(n):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + rx * cos, cy + ry * sin
        side = "top" if (abs(cos) < 0.3 and sin < 0) else "bottom" if abs(cos) < 0.3 else ("right" if cos > 0 else "left")
        out.append(Place(f"{x:.1f}", f"{y:.1f}", f"{100 * x / WIDTH:.2f}", f"{100 * y / HEIGHT:.2f}", side))
    return out


def local_graph(center_title: str, spokes: Sequence[Spoke], url_for: Callable[[str], str]) -> LocalGraph | None:
    """What the figure shows; None when the term has no neighbours.

    A neighbour reached by several relations is drawn once (its first spoke). Beyond
    ``MAX_NODES`` neighbours, the best connected are drawn and the rest counted.
    """
    if not spokes:
        return None
    seen: dict[str, Spoke] = {}
    for spoke in spokes:
        seen.setdefault(spoke.term_id, spoke)
    shown = list(seen.values())
    hidden = 0
    if len(shown) > MAX_NODES:
        keep = {s.term_id for s in sorted(shown, key=lambda s: -s.weight)[:MAX_NODES]}
        hidden = len(shown) - MAX_NODES
        shown = [s for s in shown if s.term_id in keep]
    drawn = [DrawnSpoke(s.term_id, s.title, _short(s.title), s.label, s.color, url_for(s.term_id),
                        place.x, place.y, place.left, place.top, place.side)
             for place, s in zip(_geometry(len(shown)), shown)]
    return LocalGraph(f"{center_title} and {len(seen)} related terms", _short(center_title), drawn, hidden)

