"""Mutation run on the code whose mistakes would serve wrong answers (`make mutation`).

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) mutates the files listed there;
this script runs only the mutants of the functions in :data:`SCOPE` and prints the score
and every mutant that no test killed. The record is bench/results/mutation.md.

    .venv/bin/python bench/mutation.py            # run, then report
    .venv/bin/python bench/mutation.py run [--only FILE]... [--unchecked] [NAME ...]
                                                  # run only the named mutants (names or
                                                  # globs, in each FILE one a line, # comments),
                                                  # with --unchecked only those of them with no
                                                  # verdict in mutants/ yet (to resume a stopped
                                                  # run), then report
    .venv/bin/python bench/mutation.py report [ARGS]  # report the last run (mutants/); with
                                                  # ARGS (as for run), on those mutants only
    .venv/bin/python bench/mutation.py verify [ARGS]  # run NEW_TESTS against every mutant
                                                  # the run did not kill (MUTANT_UNDER_TEST),
                                                  # each in a forked child; with ARGS (as for
                                                  # run), against those mutants instead

A run that was stopped and resumed on the unfinished mutants keeps the earlier verdicts in
mutants/earlier-verdicts.json (mutmut forgets them when its configuration changes).
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (module, function globs): the functions that decide an answer. Names are mutmut's:
#: ``x_name`` for a function, ``xǁClassǁname`` for a method.
SCOPE: tuple[tuple[str, tuple[str, ...]], ...] = (
    # the hit gate: which outcome a gated run is, and that only a clean run is a hit
    ("seglam.cache.gate", ("x_classify", "x_run_gated")),
    # pattern matching: what a pattern matches and what each hole binds
    ("seglam.cache.holes", ("x__parse_bool", "x__parse_float", "x__parse_date", "x_hole_regex", "x_hole_fits")),
    ("seglam.cache.pattern", (
        "xǁPatternǁ_groups", "xǁPatternǁcaptures", "xǁPatternǁmatch", "x_parse_pattern", "x__split",
        "x__normalise", "x__regex", "x__escape",
    )),
    # the checker's type rules: assignability, joins, element types, operator typing
    ("seglam.check.typeops", (
        "x_is_bottom", "x_as_dict", "x_assignable", "x_join", "x__join_option",
        "x__join_same_shape", "x_iter_elem", "x_sized", "x_hashable",
    )),
    ("seglam.check.operators", ("x_*",)),
    # the runtime's arithmetic: operators, comparisons and the numeric builtins
    ("seglam.run.stdlib", (
        "x__seq_cap", "x_op_*", "x__count", "x__range_contains", "x_compare", "x_b_abs",
        "x_b_divmod", "x_b_int", "x__to_int_from_decimal", "x_b_float", "x_b_sum", "x_b_pow",
        "x_b_round",
    )),
    # the runtime's limits: fuel, depth and size caps, and which sums skip the int cap
    ("seglam.run.context", ("x*",)),
    ("seglam.run.limits", ("x*",)),
    ("seglam.run.intcap", ("x*",)),
)

#: Test files written to kill survivors, by the module they exercise: ``verify`` runs them
#: against each mutant mutmut left alive and records the first test that fails.
NEW_TESTS: dict[str, tuple[str, ...]] = {
    # (the quickest, most focused files first: a run stops at the first failing test)
    "seglam.cache": ("tests/cache/test_pattern_rules.py", "tests/cache/test_gate_outcomes.py",
                     "tests/cache/test_pattern_holes.py"),
    "seglam.check": ("tests/check/test_order_rules.py", "tests/check/test_type_rules.py",
                     "tests/check/test_operator_types_vs_cpython.py"),
    "seglam.run": ("tests/run/test_compare_rules.py", "tests/run/test_operator_fuel_and_size_reports.py",
                   "tests/run/test_limit_rules.py", "tests/conformance/test_conformance.py",
                   "-k", "numeric_edges or test_operator or test_limit or test_compare_rules"),
}

#: Mutants no test can kill, and why (checked by reading the code; see bench/results/mutation.md).
_LAST_HOLE = ("the last hole's extent is fixed by the anchored suffix after it (earlier holes are "
              "lazy and take priority in RE2's leftmost-first match), so lazy and greedy bind the "
              "same text; 200,000 random requests over 9 patterns bound the same")
EQUIVALENT: dict[str, str] = {
    **{f"seglam.cache.holes.x__parse_float__mutmut_{i}": "the ValueError text is never shown: "
       "Pattern.match catches it and the request just does not match" for i in (5, 6, 7)},
    **{f"seglam.cache.pattern.x__regex__mutmut_{i}": _LAST_HOLE for i in (1, 3, 4, 16, 20, 21)},
    **{f"seglam.cache.pattern.x__regex__mutmut_{i}": "last_hole is only read when the pattern has a "
       "hole; with none, any value is unused" for i in (8, 9)},
    "seglam.cache.pattern.x__regex__mutmut_34": "(?i:...) around a whitespace-only literal changes "
        "nothing: whitespace has no case",
    **{f"seglam.cache.pattern.xǁPatternǁ_groups__mutmut_{i}": "'UTF-8' and 'utf-8' name the same codec"
       for i in (10, 30)},
    "seglam.cache.pattern.xǁPatternǁ_groups__mutmut_24": "RE2 reports no match as the span (-1, -1) and "
        "a match as 0 <= start <= end: the start is negative exactly when the end is",
    "seglam.cache.pattern.x__split__mutmut_11": "piece is '{{' or '}}': piece[1] == piece[0]",
    "seglam.check.typeops.x__join_option__mutmut_2": "placed is only read as `not placed`: None and "
        "False are both false",
    "seglam.check.typeops.x__join_same_shape__mutmut_72": "the next test needs both in (bool, int, "
        "float), which only PrimTypes are",
    "seglam.check.typeops.x__join_same_shape__mutmut_81": "equal ranks mean a == b, returned at the top",
    "seglam.run.stdlib.x_op_lshift__mutmut_3": "a shift by 0 returns its operand, an int the run "
        "already checked; differs only for an oversized argument, which no operation produced",
    "seglam.run.stdlib.x_op_pow__mutmut_28": "b == 0: both branches give a ** 0 == 1 and charge nothing "
        "(cost.power(size, 0, 0) is 0)",
    "seglam.run.stdlib.x_op_pow__mutmut_61": "an int ** Decimal or Decimal ** int reaches the general "
        "branch, which computes the same a ** b; a Decimal power is never complex",
    **{f"seglam.run.stdlib.x__count__mutmut_{i}": "the checker admits only int or bool repeat counts "
       "(operators.arith), for which the condition already holds" for i in (2, 4)},
    "seglam.run.stdlib.x_op_pow__mutmut_33": "a base of one bit (1 or -1) gives an estimate of 0 bits "
        "either way",
    "seglam.run.stdlib.x_b_round__mutmut_6": "rounding=None uses the decimal context in force, which "
        "during a run is Seglam's own (half-even, whatever the host set; checked with the host "
        "context at ROUND_UP)",
    "seglam.check.operators.x_comparable_order__mutmut_11": "{left, right} has at most two members and "
        "{Decimal, int, bool} three: a subset of it is always a proper one",
    **{f"seglam.check.operators.x_comparable_order__mutmut_{i}": "a variadic tuple's elems is its one "
       "element type, and t.union of one type is that type (only t.union builds a UnionType, already "
       "flattened)" for i in (26, 31)},
    "seglam.check.operators.x_arith__mutmut_182": "two Counters under | are answered by the rule just "
        "above it (any two dict-likes: op == '|'), so '|' never reaches this test (an imprecision, not a "
        "wrong answer: Counter | Counter is typed dict, so a Counter method on it is refused)",
    "seglam.check.typeops.x_assignable__mutmut_16": "with a primitive on one side only both answer False: "
        "the primitive rule needs an int or bool source for a float or int destination, and every later "
        "rule needs a collection, iterator or callable destination with a source of that kind (or a range)",
    "seglam.run.intcap.x__consumed__mutmut_9": "exempt_sums keeps only the children that are +/- BinOps; "
        "the Slice a slicing subscript would return is never one",
    **{f"seglam.run.stdlib.x_compare__mutmut_{i}": "_range_contains never reads ctx (membership in a "
       "range costs nothing)" for i in (33, 53)},
    **{f"seglam.run.stdlib.{fn}__mutmut_{i}": "the small-result test only skips a charge that would be "
       "0: cost.linear is 0 below LINEAR_BITS (1024) bits, and a result within 2**512 either way has at "
       "most 513" for fn, ids in (("x_op_add", (11, 12, 13)), ("x_op_sub", (13, 14, 15))) for i in ids},
    "seglam.run.stdlib.x_op_sum_unchecked__mutmut_1": "with one operand an exact int and the other not, "
        "op_add and op_sub neither check nor charge (they check two ints, and charge a sequence or set "
        "on the left, which the checker never adds to an int): both compute the plain a + b or a - b",
    "seglam.run.context.xǁRunContextǁ__init____mutmut_14": "resume is read as `ctx.resume is not None` "
        "before a comprehension's counting rest (codegen.fuel): with '' that rest iterates '' (no items, "
        "no steps), join_rest adds nothing, and Runtime.resumed sets None; the compiled fuel and size "
        "tests (tests/compiled/test_faults_and_fuel.py, test_size_charges.py) pass with it too",
    "seglam.run.stdlib.x_op_not__mutmut_1": "unreachable: both backends evaluate `not` inline "
        "(eval_expr.ex_UnaryOp, codegen), never through UNARYOPS['not']",
    **{f"seglam.run.stdlib.x_op_matmul__mutmut_{i}": "unreachable: the checker rejects `@` "
       "(E-UNSUPPORTED), so no checked program reaches op_matmul" for i in range(1, 9)},
}

EARLIER = "earlier-verdicts.json"
AFTER = "after-verdicts.json"
AFTER_UNCHECKED = "after-unchecked.json"

STATUS = {0: "survived", 1: "killed", 3: "killed", 5: "no tests", 33: "no tests", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked",
          -9: "not checked"}  # -9: the worker was killed when the run was stopped


def patterns() -> list[str]:
    """mutmut mutant-name globs for :data:`SCOPE`."""
    return [f"{module}.{fn}__mutmut_*" for module, fns in SCOPE for fn in fns]


def in_scope(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns())


def results() -> dict[str, str]:
    """``{mutant name: status}`` for every in-scope mutant of the last run (an earlier
    verdict stands in for a mutant the resumed run did not check)."""
    out: dict[str, str] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if in_scope(name):
                out[name] = STATUS.get(code, f"exit {code}")
    earlier = ROOT / "mutants" / EARLIER
    if earlier.exists():
        for name, status in json.loads(earlier.read_text()).items():
            if out.get(name) == "not checked":
                out[name] = status
    return out


def after(file: str = AFTER) -> dict[str, str]:
    """``{mutant name: test id}`` for the survivors a new test kills (from ``verify``)."""
    path = ROOT / "mutants" / file
    return json.loads(path.read_text()) if path.exists() else {}


def _in_child(name: str, tests: list[str]) -> tuple[int, str]:
    """Run ``tests`` (in mutants/) with mutant ``name`` switched on, in a forked child of this
    process (pytest and the code already imported, as mutmut's fork server): the exit code
    and pytest's output."""
    import tempfile

    with tempfile.TemporaryFile("w+") as log:
        pid = os.fork()
        if pid == 0:  # the child: a fresh copy of every cache, the mutant on; never returns
            code = 70
            try:
                os.dup2(log.fileno(), 1)
                os.dup2(log.fileno(), 2)
                os.environ["MUTANT_UNDER_TEST"] = name
                import pytest

                code = int(pytest.main(["-x", "-q", "-rf", "-p", "no:cacheprovider", "-p", "no:xdist", *tests]))
            finally:
                os._exit(code)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        log.seek(0)
        return code, log.read()


def verify(unchecked: bool = False, timeouts: bool = False, names: list[str] = ()) -> int:
    """Run :data:`NEW_TESTS` against every in-scope mutant that was not killed (with
    ``unchecked``: against the mutants the mutmut run did not reach, instead; with ``names``,
    arguments as for ``run``: against those mutants, whatever their status)."""
    chosen = selected(list(names)) if names else []
    os.chdir(ROOT)
    for src in sorted({t for ts in NEW_TESTS.values() for t in ts if t.startswith("tests/")}):
        if Path(src).exists():
            (Path("mutants") / src).parent.mkdir(parents=True, exist_ok=True)
            (Path("mutants") / src).write_bytes(Path(src).read_bytes())
    for case in Path("tests/conformance/cases").glob("*.sgltest"):
        (Path("mutants") / case).write_bytes(case.read_bytes())
    out = AFTER_UNCHECKED if unchecked else AFTER
    killed = after(out)
    os.chdir(ROOT / "mutants")
    sys.path.insert(0, ".")
    import pytest  # noqa: F401  (imported once, before the children fork)
    import seglam.check.checker  # noqa: F401
    import seglam.run.evaluator  # noqa: F401
    for name, status in sorted(results().items()):
        if chosen:
            if name in killed or not any(fnmatch.fnmatchcase(name, p) for p in chosen):
                continue
        elif (status == "not checked") != unchecked or status == "killed" or name in killed:
            continue
        elif (status == "timeout") != timeouts:
            continue
        if name in EQUIVALENT:
            continue
        tests = [t for t in next(ts for prefix, ts in NEW_TESTS.items() if name.startswith(prefix + "."))
                 if not t.startswith("tests/") or Path(t).exists()]
        for group in (tests[:1], tests[1:]):  # the focused file alone first: no other collection
            code, output = _in_child(name, group)
            failed = [ln.split()[1] for ln in output.splitlines() if ln.startswith("FAILED ")]
            if code != 0:
                killed[name] = failed[0] if failed else f"pytest exit {code}"
                break
        print(f"{'killed' if name in killed else 'alive ':6} {name}  {killed.get(name, '')}", flush=True)
        if unchecked and name not in killed:
            with open("after-unchecked-alive.txt", "a") as f:
                f.write(name + "\n")
        Path(out).write_text(json.dumps(killed, indent=0))
    return 0


def diff(name: str) -> str:
    """The mutated line(s) of one mutant, as ``-old / +new``."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    path = Path(*name.split(".")[:-1]).with_suffix(".py")
    lines = get_diff_for_mutant(name, path=path).splitlines()
    changed = [ln for ln in lines if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    return " / ".join(ln[0] + " " + ln[1:].strip() for ln in changed)


def report(args: list[str] = ()) -> int:
    """Print the scores and the table of every mutant mutmut did not kill; with ``args`` (as
    for ``run``), of those mutants only (and any of them mutmut never ran but a named new
    test kills or :data:`EQUIVALENT` explains)."""
    chosen = selected(list(args)) if args else []
    os.chdir(ROOT)
    res = results()
    if chosen:
        res = {n: s for n, s in res.items() if any(fnmatch.fnmatchcase(n, p) for p in chosen)}
    if not res:
        print("no mutation results: run `make mutation` first")
        return 1
    killed_by = after()
    now = {n: "killed" if s == "killed" or n in killed_by else "equivalent" if n in EQUIVALENT
           else "timeout, not confirmed" if s == "timeout" else s for n, s in res.items()}
    counts = Counter(res.values())
    tested = sum(counts[k] for k in ("killed", "timeout", "survived", "no tests"))
    print(f"mutmut run: {len(res)} mutants  " + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    if tested:
        print(f"  score (killed + timeout) / (killed + timeout + survived + no tests): "
              f"{100.0 * (counts['killed'] + counts['timeout']) / tested:.1f}%")
    counts = Counter(now.values())
    by_test = sum(1 for n in res if n in killed_by and res[n] != "killed")
    print(f"with the new tests: killed: {counts['killed']} (by a named new test: {by_test})  "
          + "  ".join(f"{k}: {v}" for k, v in sorted(counts.items()) if k != "killed"))
    judged = len(now) - counts["equivalent"] - counts["not checked"]
    if judged:
        print(f"  score killed / (mutants - equivalent - not checked): {100.0 * counts['killed'] / judged:.1f}%"
              " (a timeout counts only when a named test kills it)")
    print("\n| mutant | change | mutmut | now |\n|---|---|---|---|")
    for name, status in sorted(res.items()):
        if status != "killed" and (status != "not checked" or name in killed_by or name in EQUIVALENT):
            change = diff(name).replace("|", "\\|")
            verdict = (f"killed by `{killed_by[name]}`" if name in killed_by
                       else f"equivalent: {EQUIVALENT[name]}" if name in EQUIVALENT
                       else "timeout (no named test kills it)" if status == "timeout" else "**alive**")
            print(f"| `{name.split('.', 2)[2]}` | `{change}` | {status} | {verdict} |")
    return 0


def selected(args: list[str]) -> list[str]:
    """The mutant names or globs of ``[--only FILE]... [--unchecked] [NAME ...]`` (every one in
    :data:`SCOPE`; all of :func:`patterns` when none is given). ``--unchecked`` keeps only the
    mutants the last run in mutants/ has no verdict for, by exact name."""
    names, unchecked = [], False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--only":
            lines = (ROOT / rest.pop(0)).read_text().splitlines()
            names += [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        elif arg == "--unchecked":
            unchecked = True
        else:
            names.append(arg)
    outside = [n for n in names if not in_scope(n.replace("*", "1"))]
    if outside:
        raise SystemExit(f"not in SCOPE: {' '.join(outside)}")
    names = names or patterns()
    if unchecked:
        names = [n for n, status in sorted(results().items())
                 if status == "not checked" and any(fnmatch.fnmatchcase(n, p) for p in names)]
    return names


def run(args: list[str] = ()) -> int:
    """``mutmut run`` on the mutants of ``args`` (see :func:`selected`); mutmut runs each
    against the selected tests that reached its function in the stats run."""
    names = selected(list(args))
    if not names:
        print("no mutants to run")
        return report()
    os.chdir(ROOT)
    jobs = os.environ.get("MUTATION_JOBS", str(os.cpu_count() or 2))
    mutmut = Path(sys.executable).parent / "mutmut"
    subprocess.call([str(mutmut), "run", "--max-children", jobs, *names])
    return report()


if __name__ == "__main__":
    commands = {"run": lambda: run(sys.argv[2:]), "report": lambda: report(sys.argv[2:]),
                "verify": lambda: verify(names=sys.argv[2:]), "verify-unchecked": lambda: verify(unchecked=True),
                "verify-timeouts": lambda: verify(timeouts=True)}
    sys.exit(commands.get(sys.argv[1] if sys.argv[1:] else "", run)())
