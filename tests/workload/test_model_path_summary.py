"""bench/model_path_summary.py: the model-path table is computed from the recorded eval reports."""

from __future__ import annotations

from pathlib import Path

from tests.bench_scripts import load_bench

summary = load_bench("model_path_summary.py")
RUN = Path(__file__).resolve().parents[2] / "bench" / "results" / "model_path"


def _request(task, tier, right=None, calls=None, reasons=(), why=""):
    return {"task": task, "tier": tier, "right": right, "calls": calls or {}, "reasons": list(reasons), "why": why}


def test_kind_rows_split_the_first_request_from_the_later_ones():
    rows = summary.kind_rows([
        _request("a", "compiled", True, {"compile": 1, "repair": 2}),
        _request("a", "hit", True), _request("a", "hit", False), _request("a", "unsolved"),
        _request("b", "unsolved", calls={"compile": 1}),
    ])
    assert rows["a"]["first"] == "compiled" and rows["a"]["repairs"] == 2
    assert dict(rows["a"]["later"]) == {"right": 1, "wrong": 1, "unsolved": 1}
    assert rows["b"]["first"] == "unsolved" and not rows["b"]["later"]


def test_held_out_counts_hits_causes_and_foreign_hits():
    own = [_request("a", "hit", True), _request("a", "hit", False),
           _request("a", "unsolved", reasons=["family x v1 refused the request (domain: F-REQUIRES)"]),
           _request("a", "unsolved", reasons=["no model is configured: set SEGLAM_MODEL"])]
    cross = own + [_request("b", "hit", False), _request("b", "unsolved"), _request("c", "hit", True)]
    h = summary.held_out(own, cross, "a", {"a", "c"})
    assert (h["right"], h["wrong"], h["n"]) == (1, 1, 4)
    assert dict(h["unanswered"]) == {"precondition": 1, "no pattern": 1}
    assert (h["foreign_hits"], h["foreign_wrong"], h["foreign_n"]) == (1, 1, 2)  # c is the stream's own


def test_the_recorded_run_gives_the_figures_in_model_path_md(capsys):
    assert summary.main([str(RUN)]) == 0
    out = capsys.readouterr().out
    assert sum(1 for line in out.splitlines() if line.startswith("| ") and not line.startswith("| kind")) == 23
    totals = dict(item.rsplit(" ", 1) for item in out.split("totals: ")[1].strip().split(", "))
    assert (totals["held_right"], totals["held_wrong"], totals["held_n"]) == ("744", "1", "990")
    assert (totals["later_right"], totals["later_wrong"]) == ("56", "1")
    text = (RUN.parent / "model_path.md").read_text(encoding="utf-8")
    assert "744 of 745 program answers right" in text and "800 of 802" in text
