"""``seglam cache ls --negative``, ``seglam cache show neg-ID``, ``seglam cache forget neg-ID``:
the kinds of request the cache learned the model cannot program (seglam/cache/negative.py)."""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any


def ls(args: argparse.Namespace, cache: Any) -> int:
    kinds = cache.negatives.list()
    if args.json:
        print(json.dumps([k.to_json() for k in kinds], indent=2))
        return 0
    if not kinds:
        print(f"no negative families in {cache.path}")
        return 0
    print(f"{'ID':<15} {'STATUS':<10} {'EVIDENCE':>8} {'APPLIED':>7} {'PROBES':>6}  SIGNATURE / PATTERNS")
    for k in sorted(kinds, key=lambda k: (k.status != "active", -k.applied, k.id)):
        what = " ".join(k.signature) + (f"  | {len(k.patterns)} pattern(s)" if k.patterns else "")
        print(f"{k.id:<15} {k.status:<10} {k.evidence:>8} {k.applied:>7} {k.probes:>6}  {_cut(what, 70)}")
    return 0


def show(args: argparse.Namespace, cache: Any) -> int:
    k = cache.negatives.get(args.id)
    if args.json:
        print(json.dumps(k.to_json(), indent=2))
        return 0
    out = [
        f"negative family {k.id}  {k.status}",
        f"  evidence     {k.evidence} declines or failed compiles; applied {k.applied} times ({k.probes} probes)",
        f"  signature    {' '.join(k.signature) or '-'}",
        "  patterns", *[f"    {p}" for p in k.patterns],
        "  samples", *[f"    {_cut(s, 110)}" for s in k.samples],
        "  history", *[f"    {_when(e.time)}  {e.kind:<9} {_cut(e.detail, 90)}" for e in k.history],
    ]
    print("\n".join(out))
    return 0


def forget(args: argparse.Namespace, cache: Any) -> int:
    k = cache.negatives.forget(args.id)
    if args.json:
        print(json.dumps({"ok": True, "forgotten": k.id}))
    else:
        print(f"forgot negative family {k.id}: requests of its kind compile again")
    return 0


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(t: float) -> str:
    return datetime.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S") if t else "-"
