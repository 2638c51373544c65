"""A cache refusal as a person reads it on the terminal.

An admission the verifier refused carries the verifier's whole JSON report after
``verification failed: `` (the engine decodes it into repair feedback; ``--json`` prints it
as it is). On the terminal that was up to 20 KB on one line, the refuted obligation hard to
find (V-14). Here the report becomes the obligations that block admission, refuted ones and
open ones without targeted evidence, in the verifier's own text form (``seglam verify``'s
lines: location, verdict, counterexample, expected and actual, reason, notes), and a line
counting them.
"""

from __future__ import annotations

import json

from seglam.cache.errors import VERIFICATION_FAILED
from seglam.engine.feedback import decode_report  # the engine's repair feedback reads the same JSON
from seglam.verifier.report import REFUTED, Report, Result


def readable(reason: str) -> str:
    """``reason`` with each verifier report in it (the JSON object after ``verification
    failed: ``) replaced by :func:`render_blocking` of it; other text as it is."""
    out, at = [], 0
    while (found := reason.find(VERIFICATION_FAILED, at)) >= 0:
        start = found + len(VERIFICATION_FAILED)
        try:
            data, end = json.JSONDecoder().raw_decode(reason, start)
        except ValueError:  # not a report (cut, or another text): left as it is
            break
        text = render_blocking(data) if isinstance(data, dict) else None
        if text is None:
            out.append(reason[at:end])
        else:
            out.append(reason[at:start].rstrip() + "\n" + text)
        at = end
    out.append(reason[at:])
    return "".join(out)


def render_blocking(report: dict) -> str | None:
    """The obligations of a verifier report (its JSON form) that block admission, rendered as
    ``seglam verify`` renders them, and a line counting them; None if ``report`` is not one."""
    decoded = decode_report(json.dumps(report))
    if decoded is None:
        return None
    filename, error, results, omitted = decoded
    if error is not None:
        return f"{filename}:\n{error}"
    blocking = tuple(r for r in results if blocks(r))
    refuted = sum(1 for r in blocking if r.verdict == REFUTED)
    total = len(results) + omitted
    lines = Report(filename, blocking).render().splitlines()[:-1] if blocking else [f"{filename}:"]
    lines.append(f"  {len(blocking)} of {total} obligations block admission: {refuted} refuted, "
                 f"{len(blocking) - refuted} left open without targeted evidence"
                 + (f" ({omitted} not in the stored report)" if omitted else "")
                 + "; `seglam verify FILE` shows every obligation, `--json` this report whole")
    return "\n".join(lines)


def blocks(result: Result) -> bool:
    """Does this obligation keep the program out of the cache (``Report.admissible``)?"""
    return result.failed or (result.open and result.evidence is None)
