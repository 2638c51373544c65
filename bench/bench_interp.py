"""Interpreter benchmark: the compiled backend, the reference evaluator and CPython, side by
side in one run, on the programs in ``bench/programs/*.sgl``.

Each program defines ``main(n: int)``; SIZES gives ``n``. Every backend runs the same
program on the same input; the runs are interleaved (compiled, reference, CPython, compiled,
...) so machine noise hits all three alike, and the median of REPEATS runs is reported.
CPython runs the program source directly (with the Seglam prelude from
:mod:`seglam.run.oracle` and RE2 behind ``import re``), without Seglam's budgets or freezing:
it is the speed of the same algorithm in plain Python.

    .venv/bin/python bench/bench_interp.py            # print the table
    .venv/bin/python bench/bench_interp.py --write    # also update bench/README.md
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
}
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


def seglam_runner(source: str, filename: str, backend: str) -> Callable[[int], Any] | None:
    """``main`` through the host API (``Program.run``), or None if that backend is missing."""
    import seglam

    try:
        program = seglam.compile(source, filename=filename)
    except NotImplementedError:
        program = None  # the checker is not there yet: use the type-less stand-in
    if program is not None:
        try:
            program.run("main", (1,), backend=backend)
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


def timed(fn: Callable[[int], Any], n: int) -> tuple[float, Any]:
    """CPU time of this process (not wall time), so other load on the machine does not
    distort the ratios; the benchmark is single-threaded."""
    start = time.process_time()
    value = fn(n)
    return time.process_time() - start, value


# ---- the benchmark ---------------------------------------------------------------------------------


def bench(names: list[str], repeats: int) -> list[dict]:
    rows = []
    for name in names:
        path = PROGRAMS / f"{name}.sgl"
        source = path.read_text(encoding="utf-8")
        n = SIZES[name]
        runners = {
            "compiled": seglam_runner(source, str(path), "compiled"),
            "reference": seglam_runner(source, str(path), "reference"),
            "cpython": cpython_runner(source, str(path)),
        }
        times: dict[str, list[float]] = {k: [] for k, v in runners.items() if v is not None}
        values: dict[str, Any] = {}
        for _ in range(repeats):
            for kind, fn in runners.items():
                if fn is None:
                    continue
                t, value = timed(fn, n)
                times[kind].append(t)
                values[kind] = value
        expected = _plain(values["cpython"])
        for kind, value in values.items():
            if _plain(value) != expected:
                raise SystemExit(f"{name}: {kind} gave {value!r}, CPython gave {expected!r}")
        row = {"program": name, "n": n}
        for kind, ts in times.items():
            row[kind] = statistics.median(ts)
        rows.append(row)
        print(_format_row(row), flush=True)
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _ms(t: float | None) -> str:
    return "—" if t is None else f"{t * 1000:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None else f"{a / b:.2f}"


def _format_row(row: dict) -> str:
    return (f"| {row['program']} | {row['n']} | {_ms(row.get('compiled'))} | {_ms(row.get('reference'))} "
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
    comp = [r["compiled"] / r["cpython"] for r in rows if r.get("compiled")]
    ref = [r["reference"] / r["cpython"] for r in rows if r.get("reference")]
    lines.append("")
    lines.append(f"**Median ratio compiled / CPython: {statistics.median(comp):.2f}**" if comp else "")
    if ref:
        lines.append(f"; median ratio reference / CPython: {statistics.median(ref):.2f}.")
    return "\n".join(lines).replace("\n; ", "; ")


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
    args = parser.parse_args(argv)
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
