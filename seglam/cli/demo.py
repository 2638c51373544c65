"""The main job, out of the box: ``python -m seglam.cli.demo`` (or ``make demo``).

1. Opens a fresh cache (a temporary directory unless ``--cache DIR``).
2. Loads the starter families (Seglam programs for real BIG-Bench Hard request kinds),
   verifying every one: nothing unverified is ever cached.
3. Sends real requests through the engine. Requests of a starter kind are hits: a cached
   program runs, no model is called. The two negative controls (they need world knowledge
   or taste) must never be served by another family's program: they are misses.
4. Prints the stats.

With a model configured (``SEGLAM_MODEL``, see ``seglam ask --help``) misses compile; without
one, a miss says exactly what to configure. Exit code: 0 when every answer given was right
and no negative control was served by a program, 1 otherwise, 2 when the language or the
cache is unavailable.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from typing import Any, Sequence

from seglam.cache import Cache, CacheError, ToolchainUnavailable
from seglam.cache.errors import VERIFICATION_FAILED
from seglam.engine import ConfigError, Engine, load_config
from seglam.engine.admission import summarise_verification
from seglam.engine.config import HOW_TO_CONFIGURE
from seglam.engine.starter import load_starter, write_bundle

# (kind, request, expected answer) — real BIG-Bench Hard requests (MIT licence), none of
# them a sample the starter families were admitted with.
REQUESTS = [
    ('word_sorting', 'Sort the following words alphabetically: List: slurp raytheon gloucester', 'gloucester raytheon slurp'),
    ('word_sorting', 'Sort the following words alphabetically: List: chlorate glidden incentive manatee spurt lavoisier judicatory', 'chlorate glidden incentive judicatory lavoisier manatee spurt'),
    ('boolean_expressions', 'True and False or ( not True ) is', 'False'),
    ('boolean_expressions', 'not not ( True ) and not False is', 'True'),
    ('dyck_languages', 'Complete the rest of the sequence, making sure that the parentheses are closed properly. Input: { ( < [ < > ]', '> ) }'),
    ('navigate', 'If you follow these instructions, do you return to the starting point? Always face forward. Take 6 steps backward. Take 6 steps forward. Take 6 steps right.\nOptions:\n- Yes\n- No', 'No'),
    ('navigate', 'If you follow these instructions, do you return to the starting point? Take 4 steps. Take 2 steps. Turn around. Take 6 steps.\nOptions:\n- Yes\n- No', 'Yes'),
    ('web_of_lies', 'Question: Raymond tells the truth. Sal says Raymond lies. Alexis says Sal lies. Helene says Alexis lies. Elanor says Helene lies. Does Elanor tell the truth?', 'Yes'),
    ('web_of_lies', 'Question: Ryan tells the truth. Sal says Ryan tells the truth. Leda says Sal tells the truth. Rashida says Leda tells the truth. Alejandro says Rashida tells the truth. Does Alejandro tell the truth?', 'Yes'),
    ('tracking_shuffled_objects_five_objects', 'Alice, Bob, Claire, Dave, and Eve are friends and avid readers who occasionally trade books. At the start of the semester, they each buy one new book: Alice gets Ulysses, Bob gets Moby Dick, Claire gets The Pearl, Dave gets The Odyssey, and Eve gets The Fellowship of the Ring.\nAs the semester proceeds, they start trading around the new books. First, Alice and Claire swap books. Then, Eve and Claire swap books. Then, Claire and Bob swap books. Then, Dave and Claire swap books. Finally, Bob and Dave swap books. At the end of the semester, Dave has\nOptions:\n(A) Ulysses\n(B) Moby Dick\n(C) The Pearl\n(D) The Odyssey\n(E) The Fellowship of the Ring', '(E)'),
    ('logical_deduction_five_objects', 'The following paragraphs each describe a set of five objects arranged in a fixed order. The statements are logically consistent within each paragraph. A fruit stand sells five fruits: watermelons, apples, mangoes, pears, and cantaloupes. The watermelons are more expensive than the cantaloupes. The mangoes are less expensive than the pears. The apples are the second-cheapest. The watermelons are less expensive than the mangoes.\nOptions:\n(A) The watermelons are the second-cheapest\n(B) The apples are the second-cheapest\n(C) The mangoes are the second-cheapest\n(D) The pears are the second-cheapest\n(E) The cantaloupes are the second-cheapest', '(B)'),
    ('object_counting', 'I have a fridge, a chair, a bed, an oven, a microwave, and a car. How many objects do I have?', '6'),
    ('object_counting', 'I have a stove, a bed, a lamp, three microwaves, a chair, a toaster, a table, two cars, a fridge, and an oven. How many objects do I have?', '13'),
    ('date_understanding', 'Jane quited her job on Mar 20, 2020. 176 days have passed since then. What is the date 24 hours later in MM/DD/YYYY?\nOptions:\n(A) 09/19/2020\n(B) 09/13/2020\n(C) 06/13/2021\n(D) 10/05/2020\n(E) 12/13/2020\n(F) 09/13/1991', '(B)'),
    ('date_understanding', 'In the UK, people usually put the day before the month when formatting the date. Therefore, today is 02/01/1987 to them. What is the date one year ago from today in MM/DD/YYYY?\nOptions:\n(A) 01/09/1986\n(B) 01/02/1986\n(C) 12/05/1985\n(D) 11/10/1985\n(E) 12/20/1985\n(F) 10/22/1985', '(B)'),
    ('sports_understanding', 'Is the following sentence plausible? "Deshaun Watson was called for the goal tend in the Eastern Conference Finals."', 'no'),
    ('snarks', 'Which statement is sarcastic?\nOptions:\n(A) You are mistaken when you say that he should have just let them get away for assaulting him\n(B) You are right when you say that he should have just let them get away for assaulting him', '(B)'),
]

NEGATIVE = ("sports_understanding", "snarks")

#: The starter families the demo loads by default (verifying all nine takes minutes).
DEMO_FAMILIES = (
    "word_sorting", "boolean_expressions", "dyck_languages", "navigate", "web_of_lies",
    "tracking_shuffled_objects_five_objects", "logical_deduction_five_objects", "object_counting",
    "date_understanding",
)


def main(argv: Sequence[str] | None = None, *, toolchain: Any = None) -> int:
    """Run the demo; ``toolchain`` replaces the language toolchain (tests)."""
    parser = argparse.ArgumentParser(prog="python -m seglam.cli.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", metavar="DIR", help="use (and keep) this cache directory instead of a fresh one")
    parser.add_argument("--starter", metavar="DIR", help="a starter bundle or families directory to load")
    parser.add_argument("--write-bundle", metavar="DIR", help="after loading, export the cache as a starter bundle")
    parser.add_argument("--all-families", action="store_true", help="load every starter family, not just the demo's nine")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    args = parser.parse_args(argv)

    out = _Printer(args.quiet)
    scratch = None
    if args.cache is None:
        scratch = tempfile.mkdtemp(prefix="seglam-demo-")
        path = scratch
    else:
        path = args.cache
    try:
        return _run(args, path, out, fresh=scratch is not None, toolchain=toolchain)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(args: argparse.Namespace, path: str, out: "_Printer", fresh: bool, toolchain: Any = None) -> int:
    out.always("SEGLAM demo: a reasoning cache that stores programs, not answers")
    out.always(f"cache:   {path}{' (fresh)' if fresh else ''}")
    try:
        config = load_config()
    except ConfigError as err:
        out.always(f"configuration error: {err}")
        return 2
    out.always(f"model:   {config.model + ' at ' + (config.base_url or 'the OpenAI API') if config.configured else 'none configured (misses stay misses)'}")
    try:
        cache = Cache(path, toolchain=toolchain)
    except CacheError as err:
        out.always(f"cannot open the cache: {err}")
        return 2
    try:
        out.always("")
        out.always("1. Loading the starter families (each one verified before it is cached: type check,")
        out.always("   examples, Hypothesis and Z3; this takes about ten seconds per family)")

        clock = [time.perf_counter()]

        def progress(name: str, what: str, why: str) -> None:
            if VERIFICATION_FAILED in why:
                head, _, summary = why.partition(VERIFICATION_FAILED)
                why = head + VERIFICATION_FAILED + summarise_verification(summary).replace("\n", " ")
            now = time.perf_counter()
            out.say(f"   {what:<9} {name} ({now - clock[0]:.1f} s)" + (f": {why[:300]}" if why else ""))
            clock[0] = now

        try:
            only = None if args.all_families else DEMO_FAMILIES
            report = load_starter(cache, args.starter, only=only, progress=progress)
        except (ToolchainUnavailable, NotImplementedError, ImportError) as err:
            out.always(f"the language toolchain is unavailable ({type(err).__name__}: {err}); nothing can be verified, so nothing is cached")
            return 2
        out.always(f"   {len(report.imported)} imported, {len(report.unchanged)} already there, "
                   f"{len(report.refused)} refused, from {report.source} in {report.seconds:.1f} s")
        if args.write_bundle:
            ids = write_bundle(cache, args.write_bundle)
            out.always(f"   wrote a starter bundle of {len(ids)} families to {args.write_bundle}")

        out.always("")
        out.always("2. Answering real requests")
        wrong = served_negative = answered = 0
        with Engine(cache=cache, compiler=config) as engine:
            for kind, request, expected in REQUESTS:
                start = time.perf_counter()
                answer = engine.solve(request)
                ms = (time.perf_counter() - start) * 1000
                short = " ".join(request.split())
                short = short if len(short) <= 70 else short[:67] + "..."
                if answer.tier == "unsolved":
                    verdict = "miss"
                else:
                    answered += 1
                    ok = str(answer.value) == expected
                    verdict = "right" if ok else f"WRONG (expected {expected!r})"
                    wrong += 0 if ok else 1
                    if kind in NEGATIVE and answer.cached:
                        served_negative += 1
                        verdict += " SERVED A NEGATIVE CONTROL"
                value = "-" if answer.value is None else repr(answer.value)
                out.say(f"   [{kind}] {short}")
                entry = f" entry {answer.trace.entry_id}" if answer.trace.entry_id else ""
                out.say(f"      -> {value}  {answer.tier}{entry}  {ms:.2f} ms  {verdict}")
                if answer.tier == "unsolved" and kind in NEGATIVE:
                    out.say("         (a negative control: it needs world knowledge or taste, so no program may answer it)")
            stats = engine.stats()

        out.always("")
        out.always("3. Stats")
        tiers = stats["tiers"]
        out.always("   requests: {}  ".format(stats["requests"]) + "  ".join(f"{t} {n}" for t, n in tiers.items()))
        usage = stats["usage_total"]
        out.always(f"   model calls: {usage['calls']}  tokens: {usage['tokens_in']} in + {usage['tokens_out']} out")
        c = stats["cache"]
        if "entries" in c:
            out.always(f"   cache: {c['entries']['active']} active families, {c['hits']} hits in total")
        out.always(f"   answers given: {answered}, wrong: {wrong}, negative controls served by a program: {served_negative}")
        if not config.configured and tiers.get("unsolved"):
            out.always(f"   to compile misses: {HOW_TO_CONFIGURE}")
        if fresh:
            out.always("   this cache was temporary; to keep the families for `seglam ask`, run "
                       "`seglam cache import seglam/engine/starter` (or this demo with --cache DIR)")
        return 0 if wrong == 0 and served_negative == 0 else 1
    finally:
        cache.close()


class _Printer:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def always(self, text: str) -> None:
        print(text, flush=True)

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)


if __name__ == "__main__":
    sys.exit(main())
