"""Deep recursion never crashes the process (seglam.run.stack).

Each program recurses through C re-entry (``sum`` over a generator, ``max`` over ``map``
with a lambda), the case where every Python frame also takes C stack. Run in a fresh
interpreter so a segfault shows up as a return code, not as a dead pytest worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import seglam
    from seglam import Limits
    src = '''
    def f(n: int) -> int:
        if n == 0:
            return 0
        return 1 + sum(f(x) for x in [n - 1])

    def g(n: int) -> int:
        if n == 0:
            return 0
        return 1 + max(map(lambda x: g(x), [n - 1]))
    '''
    prog = seglam.compile(src, filename="deep.sgl")
    out = []
    runs = [(b, fn, depth, n) for b in ("compiled", "reference") for fn in ("f", "g")
            for depth, n in ((200, 150), (200, 10_000))]
    # the deepest allowed: the process-wide recursion cap, not Seglam's depth, stops these
    runs += [("compiled", "f", 1_000_000, 10_000_000), ("compiled", "g", 1_000_000, 10_000_000),
             ("reference", "f", 1_000_000, 10_000_000)]
    for backend, fn, depth, n in runs:
        try:
            r = prog.run(fn, (n,), limits=Limits(max_depth=depth), backend=backend)
            out.append([backend, fn, depth, "value", r.value])
        except seglam.Fault as fault:
            out.append([backend, fn, depth, "fault", fault.code])
    print(json.dumps(out))
    """
)


def test_deepest_recursion_through_c_gets_a_value_or_f_depth():
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    results = json.loads(proc.stdout)
    assert len(results) == 11
    for backend, fn, depth, kind, got in results:
        if depth == 200:
            assert (kind, got) in (("value", 150), ("fault", "F-DEPTH")), (backend, fn, depth, kind, got)
        else:
            assert (kind, got) == ("fault", "F-DEPTH"), (backend, fn, depth, kind, got)
    small = [(b, f, k, g) for b, f, d, k, g in results if d == 200]
    assert ("compiled", "f", "value", 150) in small and ("reference", "f", "value", 150) in small


def test_the_compiled_backend_goes_as_deep_as_the_reference_on_a_plain_recursion():
    """With ``max_depth=30_000`` a recursion 25,000 calls deep is a value on both backends:
    the compiled backend stopped at its own host ceiling of 20,000 frames (about 5,000 calls:
    F-DEPTH "host recursion limit") where the reference answered (found by a red-team run);
    it now runs on stack.py's big-stack thread up to MAX_FRAMES as the reference does."""
    script = textwrap.dedent(
        """
        import json
        import seglam
        from seglam import Limits
        prog = seglam.compile('''
        def down(n: int) -> int:
            if n == 0:
                return 0
            return 1 + down(n - 1)
        ''', filename="down.sgl")
        print(json.dumps([prog.run("down", (25_000,), limits=Limits(max_depth=30_000), backend=b).value
                          for b in ("compiled", "reference")]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == [25_000, 25_000]
