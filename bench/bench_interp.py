"""Interpreter benchmark: the compiled backend, the reference evaluator and CPython, side by
side in one run, on the programs in ``bench/programs/*.sgl``.

Each program defines ``main(n: int)``; SIZES gives ``n``. A few programs take a large value
instead (INPUTS builds it from ``n``): they measure a short call on a large input, where
binding the argument is most of the work, so CALLS runs them several times per timing. The
programs of NEW_PROGRAMS were added (issue 19) before any optimisation was made against them,
and are never tuned one by one. Every backend runs the same
program on the same input; the runs are interleaved (compiled, reference, CPython, compiled,
...) so machine noise hits all three alike, and the median of REPEATS runs is reported.
CPython runs the program source directly (with the Seglam prelude from
:mod:`seglam.run.oracle` and RE2 behind ``import re``), without Seglam's budgets or freezing:
it is the speed of the same algorithm in plain Python.

    .venv/bin/python bench/bench_interp.py            # print the table
    .venv/bin/python bench/bench_interp.py --write    # also update bench/README.md
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
        --toggle-collect=functools_reduce .venv/bin/python bench/bench_interp.py \
        --callgrind compiled PROGRAM                    # instructions of one timed run (any load)
"""

from __future__ import annotations

import argparse
import builtins
import decimal
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROGRAMS = ROOT / "bench" / "programs"
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- bench_interp:begin -->", "<!-- bench_interp:end -->"

#: ``n`` per program: each CPython run takes a few to a few tens of milliseconds.
SIZES = {
    "anagrams": 3000, "brackets": 3000, "caesar": 300, "collatz": 3000, "fib_rec": 21,
    "knapsack": 150, "log_parse": 2000, "matrix": 40, "records_sort": 3000, "rle": 20000,
    "sieve": 100000, "word_freq": 20000,
    # issue 19: programs of the kinds people and models write, chosen before optimising
    "lcs_table": 150, "intervals": 5000, "binary_search": 3000, "group_by": 5000,
    "merge_sort": 3000, "tree_depth": 5000, "sort_keys": 3000, "string_build": 400,
    "nested_comp": 60, "unpack_loops": 5000, "graph_bfs": 5000, "int_while": 2000,
    "subset_sums": 15, "big_list_arg": 10_000, "big_text_arg": 100_000,
}
#: the programs added for issue 19 (the rest are the original twelve)
NEW_PROGRAMS = frozenset({
    "lcs_table", "intervals", "binary_search", "group_by", "merge_sort", "tree_depth",
    "sort_keys", "string_build", "nested_comp", "unpack_loops", "graph_bfs", "int_while",
    "subset_sums", "big_list_arg", "big_text_arg",
})
#: programs whose ``main`` takes a large value built from ``n`` instead of ``n`` itself
INPUTS: dict[str, Callable[[int], Any]] = {
    "big_list_arg": lambda n: [(i * 7919) % 100_003 for i in range(n)],
    "big_text_arg": lambda n: "".join("line %d of the text\n" % i for i in range(n))[:n],
}
#: calls per timed run (short calls are timed in batches so the clock can see them)
CALLS = {"big_list_arg": 20, "big_text_arg": 20}
REPEATS = 7


# ---- the three runners ------------------------------------------------------------------------


def cpython_runner(source: str, filename: str) -> Callable[[int], Any]:
    """``main`` of ``source`` executed by CPython itself, with the Seglam prelude."""
    from seglam.run import oracle

    importer = getattr(oracle, "_import", builtins.__import__)
    namespace: dict[str, Any] = {
        "__name__": "__seglam__",
        "__builtins__": dict(vars(builtins), __import__=importer),
    }
    namespace.update(oracle.prelude())
    with decimal.localcontext(oracle.DECIMAL_CONTEXT):
        exec(compile(source, filename, "exec"), namespace)
    main = namespace["main"]

    def run(n: int) -> Any:
        with decimal.localcontext(oracle.DECIMAL_CONTEXT):
            return main(n)

    return run


def seglam_runner(source: str, filename: str, backend: str, warm: Any = 1) -> Callable[[Any], Any] | None:
    """``main`` through the host API (``Program.run``), or None if that backend is missing."""
    import seglam

    try:
        program = seglam.compile(source, filename=filename)
    except NotImplementedError:
        program = None  # the checker is not there yet: use the type-less stand-in
    if program is not None:
        try:
            program.run("main", (warm,), backend=backend)
        except ImportError:
            return None
        except seglam.Fault:
            pass
        return lambda n: program.run("main", (n,), backend=backend).value
    from seglam.run.compiled import CompiledBackend
    from seglam.run.evaluator import ReferenceBackend
    from seglam.run.limits import Limits
    from tests.compiled.stubcheck import stub_check

    klass = CompiledBackend if backend == "compiled" else ReferenceBackend
    prepared = klass(stub_check(source, filename, typed=True), filename)
    return lambda n: prepared.run("main", (n,), {}, Limits()).value


def timed(fn: Callable[[Any], Any], arg: Any, calls: int = 1) -> tuple[float, Any]:
    """CPU time of this process (not wall time) for ``calls`` calls of ``fn(arg)``, so other
    load on the machine does not distort the ratios; the benchmark is single-threaded."""
    start = time.process_time()
    for _ in range(calls):
        value = fn(arg)
    return time.process_time() - start, value


# ---- the benchmark ---------------------------------------------------------------------------------


def bench(names: list[str], repeats: int) -> list[dict]:
    rows = []
    for name in names:
        path = PROGRAMS / f"{name}.sgl"
        source = path.read_text(encoding="utf-8")
        n = SIZES[name]
        arg = INPUTS[name](n) if name in INPUTS else n
        calls = CALLS.get(name, 1)
        runners = {
            "compiled": seglam_runner(source, str(path), "compiled", arg),
            "reference": seglam_runner(source, str(path), "reference", arg),
            "cpython": cpython_runner(source, str(path)),
        }
        times: dict[str, list[float]] = {k: [] for k, v in runners.items() if v is not None}
        values: dict[str, Any] = {}
        for _ in range(repeats):
            for kind, fn in runners.items():
                if fn is None:
                    continue
                t, value = timed(fn, arg, calls)
                times[kind].append(t)
                values[kind] = value
        expected = plain(values["cpython"])
        for kind, value in values.items():
            if plain(value) != expected:
                raise SystemExit(f"{name}: {kind} gave {value!r}, CPython gave {expected!r}")
        row = {"program": name, "n": n, "new": name in NEW_PROGRAMS}
        for kind, ts in times.items():
            row[kind] = statistics.median(ts)
        rows.append(row)
        print(_format_row(row), flush=True)
    return rows


def callgrind_run(name: str, kind: str) -> None:
    """One timed run (CALLS calls) of ``name`` on one runner, after a warm-up call, inside
    ``functools.reduce``: for ``valgrind --tool=callgrind --toggle-collect=functools_reduce``."""
    import functools

    path = PROGRAMS / f"{name}.sgl"
    source = path.read_text(encoding="utf-8")
    arg = INPUTS[name](SIZES[name]) if name in INPUTS else SIZES[name]
    fn = seglam_runner(source, str(path), kind, arg) if kind != "cpython" else cpython_runner(source, str(path))
    if fn is None:
        raise SystemExit(f"no {kind} backend")
    fn(arg)
    functools.reduce(lambda _, i: fn(arg), range(CALLS.get(name, 1)), None)


def plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _ms(t: float | None) -> str:
    return "—" if t is None else f"{t * 1000:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None else f"{a / b:.2f}"


def _format_row(row: dict) -> str:
    mark = " *" if row.get("new") else ""
    return (f"| {row['program']}{mark} | {row['n']} | {_ms(row.get('compiled'))} | {_ms(row.get('reference'))} "
            f"| {_ms(row.get('cpython'))} | {_ratio(row.get('compiled'), row.get('cpython'))} "
            f"| {_ratio(row.get('reference'), row.get('cpython'))} |")


def table(rows: list[dict], repeats: int) -> str:
    lines = [
        f"Median of {repeats} interleaved runs per backend, milliseconds of process CPU time per `main(n)` call.",
        "",
        "| program | n | compiled ms | reference ms | CPython ms | compiled / CPython | reference / CPython |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_format_row(r) for r in rows]
    lines.append("")
    lines.append("(* a program added for issue 19, chosen before optimising; "
                 "`big_*_arg` time a batch of calls.)")
    lines.append("")
    lines += summary(rows)
    return "\n".join(lines)


def summary(rows: list[dict]) -> list[str]:
    """Median and worst compiled / CPython ratio over all, old and new programs."""
    out = []
    groups = [("all programs", rows), ("original twelve", [r for r in rows if not r.get("new")]),
              ("new programs", [r for r in rows if r.get("new")])]
    for label, group in groups:
        comp = [(r["compiled"] / r["cpython"], r["program"]) for r in group if r.get("compiled")]
        ref = [r["reference"] / r["cpython"] for r in group if r.get("reference")]
        if not comp:
            continue
        worst = max(comp)
        text = (f"- {label} ({len(comp)}): median compiled / CPython **{statistics.median(c for c, _ in comp):.2f}**, "
                f"worst {worst[0]:.2f} ({worst[1]})")
        if ref:
            text += f"; median reference / CPython {statistics.median(ref):.2f}"
        out.append(text + ".")
    return out


def write_readme(text: str) -> None:
    body = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in body and END in body:
        head, rest = body.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        body = head + block + tail
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*", help="program names (default: all)")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--write", action="store_true", help="update bench/README.md")
    parser.add_argument("--callgrind", choices=("compiled", "reference", "cpython"),
                        help="one timed run of the one program named, for valgrind (see above)")
    args = parser.parse_args(argv)
    if args.callgrind:
        if len(args.programs) != 1:
            parser.error("--callgrind takes exactly one program")
        callgrind_run(args.programs[0], args.callgrind)
        return 0
    names = args.programs or sorted(SIZES)
    print("| program | n | compiled ms | reference ms | CPython ms | compiled / CPython | reference / CPython |")
    rows = bench(names, args.repeats)
    text = table(rows, args.repeats)
    print()
    print(text)
    if args.write:
        write_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
