"""What ``seglam cache ls`` and ``seglam cache show`` say about a family's earned trust
(seglam/cache/trust.py), ``seglam cache open`` (declare a hole open), and the record an
operator's ``seglam cache reject`` leaves (a dispute settled by the operator)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from seglam.cache.entry import Entry
from seglam.cache.envelope import render
from seglam.cache.trust import TrustRecord


def record_of(cache: Any, entry: Entry) -> TrustRecord | None:
    """The stored record of ``entry``'s current version, or None (nothing earned yet)."""
    record = cache.trust.get(entry.id)
    return record if record is not None and record.version == entry.version else None


def cell(cache: Any, entry: Entry) -> str:
    """The TRUST column of ``seglam cache ls``: state, observations, open disputes."""
    record = record_of(cache, entry)
    if record is None:
        return "new"
    out = f"{record.state()} {record.observations}"
    if record.needed and record.observations < record.needed:
        out += f"/{record.needed}"
    opened = len(record.open_disputes())
    return out + (f" {opened} disputed" if opened else "")


def summary(cache: Any, entry: Entry) -> dict[str, Any]:
    """The trust fields of ``seglam cache ls --json``."""
    record = record_of(cache, entry)
    stored = cache.trust.get(entry.id)
    return {
        "trust": record.state() if record else "new",
        "observations": record.observations if record else 0,
        "disputes": len(stored.disputes) if stored else 0,
        "open_disputes": len(stored.open_disputes()) if stored else 0,
        "refusals": stored.refusals if stored else 0,
    }


def lines(cache: Any, entry: Entry) -> list[str]:
    """The trust part of ``seglam cache show``."""
    stored = cache.trust.get(entry.id)
    record = record_of(cache, entry)
    if stored is None:
        return ["  trust        new: no request checked yet"]
    out = []
    if record is None:
        out.append(f"  trust        new for v{entry.version} (the record is of v{stored.version})")
    else:
        out.append(f"  trust        {record.state()}: {record.observations} observation(s) on v{record.version}"
                   + (f" (probation asks {record.needed})" if record.needed else ""))
        out += [f"  envelope     {hole}: {render(h)}" for hole, h in sorted(record.envelope.items())]
        if record.open_holes:
            out.append(f"  open holes   {', '.join(record.open_holes)}")
        out += novelty_lines(record)
    opened = stored.open_disputes()
    out.append(f"  disputes     {len(stored.disputes)} ({len(opened)} open), refusals {stored.refusals}")
    out += [f"    {d.id} v{d.version} {d.origin:8} {d.render()}" for d in stored.disputes[-10:]]
    return out


def novelty_lines(record: TrustRecord) -> list[str]:
    """The trust novelty inputs of ``seglam cache show``: the confirmed inputs kept, what
    the replay of earlier versions' observations gave, and the words the program knows."""
    earlier = sum(1 for o in record.observed if o.version < record.version)
    out = [f"  observed     {len(record.observed)} confirmed input(s) kept"
           + (f", {earlier} of earlier versions not replayed yet" if earlier else "")]
    replays = [e for e in record.history if e.kind == "replayed" and e.version == record.version]
    if replays:
        out.append(f"  replayed     v{record.version}: {replays[-1].detail}")
    elif record.version > 1:
        out.append(f"  replayed     not yet on v{record.version}")
    words = ", ".join(record.known[:20]) + (f", ... ({len(record.known)} in all)" if len(record.known) > 20 else "")
    out.append(f"  known words  {words or 'none'} (from the program's literals; a value among them is not novel)")
    return out


def open_hole(args: argparse.Namespace, cache: Any) -> int:
    """``seglam cache open ID HOLE``."""
    entry = cache.get(args.id)
    record = cache.trust.declare_open(entry, args.hole)
    data = {"ok": True, "id": entry.id, "open_holes": list(record.open_holes)}
    print(json.dumps(data, indent=2) if args.json else
          f"family {entry.id}: hole {args.hole} is open (the novelty gate no longer checks it)")
    return 0
