"""The cost curve of a ``seglam eval`` run as a PNG (matplotlib, imported only here and only
when asked: ``pip install 'seglam[bench]'``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

from seglam.engine.evaluation import Series

INSTALL = "drawing --png needs matplotlib: pip install 'seglam[bench]' (or pip install matplotlib)"


class PlotUnavailable(Exception):
    """matplotlib is not installed; the message says how to install it."""


def require_matplotlib() -> Any:
    """The ``pyplot`` module on the Agg backend; :class:`PlotUnavailable` without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotUnavailable(INSTALL) from None
    return plt


@dataclass(frozen=True)
class Curve:
    """One line on both panels: cumulative cost and cumulative model calls per request."""

    label: str
    cost: Sequence[float]
    calls: Sequence[float]
    style: Any = "-"
    width: float = 1.5


def draw_curves(curves: Sequence[Curve], path: str | os.PathLike[str], title: str) -> None:
    """Cumulative cost (top) and model calls (bottom) against requests, one line per curve,
    each labelled with its final figure. Raises :class:`PlotUnavailable` or OSError."""
    plt = require_matplotlib()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), dpi=110, sharex=True)
    try:
        for c in curves:
            xs = range(1, len(c.calls) + 1)
            top.plot(xs, c.cost, linestyle=c.style, linewidth=c.width,
                     label=f"{c.label} ({c.cost[-1] if c.cost else 0:.4g})")
            bottom.plot(xs, c.calls, linestyle=c.style, linewidth=c.width,
                        label=f"{c.label.split(' (')[0]} ({int(c.calls[-1]) if c.calls else 0} calls)")
        top.set_ylabel("cumulative cost (price-table units)")
        top.set_title(title)
        bottom.set_ylabel("cumulative model calls")
        bottom.set_xlabel("requests")
        for ax in (top, bottom):
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)


def draw_cost_curve(series: Series, path: str, title: str) -> None:
    """The curve of a ``seglam eval`` run: SEGLAM, a response cache keyed on the exact text,
    and a direct call for every request (the baselines' tokens are estimated, which the
    legend says). Raises :class:`PlotUnavailable` or OSError."""
    draw_curves((
        Curve("seglam", series.cost, series.calls, "-", 2.0),
        Curve("response cache (estimated tokens)", series.cache_cost, series.cache_calls, "--"),
        Curve("direct call (estimated tokens)", series.direct_cost, series.direct_calls, ":"),
    ), path, title)
