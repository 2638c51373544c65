"""The cost curve of a ``seglam eval`` run as a PNG (matplotlib, imported only here and only
when asked: ``pip install 'seglam[bench]'``)."""

from __future__ import annotations

from typing import Any

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


def draw_cost_curve(series: Series, path: str, title: str) -> None:
    """Cumulative cost (top) and model calls (bottom) against requests: SEGLAM, a response
    cache keyed on the exact text, and a direct call for every request (the baselines'
    tokens are estimated, which the legend says). Raises :class:`PlotUnavailable` or
    OSError."""
    plt = require_matplotlib()
    xs = range(1, len(series.calls) + 1)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), dpi=110, sharex=True)
    try:
        lines = (
            ("seglam", series.cost, series.calls, "-", 2.0),
            ("response cache (estimated tokens)", series.cache_cost, series.cache_calls, "--", 1.5),
            ("direct call (estimated tokens)", series.direct_cost, series.direct_calls, ":", 1.5),
        )
        for name, cost, calls, style, width in lines:
            top.plot(xs, cost, linestyle=style, linewidth=width, label=f"{name} ({cost[-1] if cost else 0:.4g})")
            bottom.plot(xs, calls, linestyle=style, linewidth=width,
                        label=f"{name.split(' (')[0]} ({calls[-1] if calls else 0} calls)")
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
