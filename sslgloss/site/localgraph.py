"""The small graph on a term page: the term in the middle, its neighbours around it.

Drawn at build time (no JavaScript needed to see it): one spoke per
neighbour, coloured by relation type, in inline SVG; every neighbour's name is
an HTML link over the picture (with the hover preview, through ``data-term``). Neighbours beyond ``MAX_NODES`` are
left out of the picture (they are all listed under "Related terms").
"""

from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass
from typing import Callable, Sequence

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


def _short(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


@functools.lru_cache(maxsize=MAX_NODES + 1)
def _geometry(n: int) -> list[tuple[str, str, str]]:
    """For ``n`` spokes: the start of each line and dot element, and each label's class and position."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    rx, ry = WIDTH / 2 - 150, HEIGHT / 2 - 42
    out = []
    for i in range(n):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + rx * cos, cy + ry * sin
        side = "top" if (abs(cos) < 0.3 and sin < 0) else "bottom" if abs(cos) < 0.3 else ("right" if cos > 0 else "left")
        out.append((f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}"',
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6"',
                    f'sslgloss-lg-{side}" style="left:{100 * x / WIDTH:.2f}%;top:{100 * y / HEIGHT:.2f}%'))
    return out


def local_graph_svg(center_title: str, spokes: Sequence[Spoke], url_for: Callable[[str], str]) -> str:
    """The figure's HTML; an empty string when the term has no neighbours.

    Lines and dots are SVG; the labels are ordinary HTML links laid over it (SVG links
    are ignored by instant navigation and trip up mkdocs-material's link rewriting).
    """
    if not spokes:
        return ""
    seen: dict[str, Spoke] = {}
    for spoke in spokes:
        seen.setdefault(spoke.term_id, spoke)
    shown = list(seen.values())
    hidden = 0
    if len(shown) > MAX_NODES:
        keep = set(s.term_id for s in sorted(shown, key=lambda s: -s.weight)[:MAX_NODES])
        hidden = len(shown) - MAX_NODES
        shown = [s for s in shown if s.term_id in keep]
    cx, cy = WIDTH / 2, HEIGHT / 2
    esc = html.escape
    edges, dots, labels = [], [], []
    for (line, dot, place), spoke in zip(_geometry(len(shown)), shown):
        color = esc(spoke.color)
        edges.append(f'{line} stroke="{color}"/>')
        dots.append(f'{dot} fill="{color}"/>')
        labels.append(
            f'<a class="sslgloss-lg-label {place}" '
            f'href="{esc(url_for(spoke.term_id))}" data-term="{esc(spoke.term_id)}" '
            f'title="{esc(spoke.label)}: {esc(spoke.title)}">{esc(_short(spoke.title))}</a>'
        )
    more = f'<span class="sslgloss-lg-more">+{hidden} more, listed here</span>' if hidden else ""
    center = (f'<span class="sslgloss-lg-center" style="left:50%;top:{100 * (cy + 14) / HEIGHT:.2f}%">'
              f"{esc(_short(center_title))}</span>")
    svg = (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" focusable="false">'
           f'<g class="sslgloss-lg-edges">{"".join(edges)}</g><g class="sslgloss-lg-dots">{"".join(dots)}</g>'
           f'<circle class="sslgloss-lg-hub" cx="{cx:.1f}" cy="{cy:.1f}" r="10"/></svg>')
    label = f"{center_title} and {len(seen)} related terms"
    return (f'<div class="sslgloss-local-graph" role="group" aria-label="{esc(label)}" '
            f'style="aspect-ratio:{WIDTH}/{HEIGHT}">{svg}{center}{"".join(labels)}{more}</div>')
