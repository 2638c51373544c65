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
    # the deepest allowed (the program's max_depth_reachable): Seglam's depth check stops these
    cap = prog.max_depth_reachable
    runs += [("compiled", "f", cap, 10_000_000), ("compiled", "g", cap, 10_000_000),
             ("reference", "f", cap, 10_000_000)]
    for backend, fn, depth, n in runs:
        try:
            r = prog.run(fn, (n,), limits=Limits(max_depth=depth), backend=backend)
            out.append([backend, fn, depth, "value", r.value])
        except seglam.Fault as fault:
            out.append([backend, fn, depth, "fault", fault.code])
    # past it, a run is refused before it starts, on either backend
    for backend in ("compiled", "reference"):
        try:
            prog.run("f", (10,), limits=Limits(max_depth=1_000_000), backend=backend)
            out.append([backend, "f", 1_000_000, "value", None])
        except ValueError as error:
            out.append([backend, "f", 1_000_000, "refused", type(error).__name__])
    print(json.dumps(out))
    """
)


def test_deepest_recursion_through_c_gets_a_value_or_f_depth():
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    results = json.loads(proc.stdout)
    assert len(results) == 13
    for backend, fn, depth, kind, got in results:
        if depth == 1_000_000:
            assert (kind, got) == ("refused", "DepthLimitError"), (backend, fn, depth, kind, got)
        elif depth == 200:
            assert (kind, got) in (("value", 150), ("fault", "F-DEPTH")), (backend, fn, depth, kind, got)
        else:
            assert (kind, got) == ("fault", "F-DEPTH"), (backend, fn, depth, kind, got)
    small = [(b, f, k, g) for b, f, d, k, g in results if d == 200]
    assert ("compiled", "f", "value", 150) in small and ("reference", "f", "value", 150) in small


def test_the_compiled_backend_goes_as_deep_as_the_reference_on_a_plain_recursion():
    """With ``max_depth`` at the program's reachable depth (6,909 here) a recursion that deep
    is a value on both backends: the compiled backend stopped at its own host ceiling of
    20,000 frames (about 5,000 calls: F-DEPTH "host recursion limit") where the reference
    answered (found by a red-team run); it now runs on stack.py's big-stack thread up to
    MAX_FRAMES as the reference does. (A deeper max_depth is refused: H-14, below.)"""
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
        cap = prog.max_depth_reachable
        print(json.dumps([cap] + [prog.run("down", (cap - 1,), limits=Limits(max_depth=cap), backend=b).value
                                  for b in ("compiled", "reference")]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    cap, *values = json.loads(done.stdout)
    assert cap > 5_000 and values == [cap - 1, cap - 1]


_HOST_RECURSION = """
def f(n: int) -> int:
    if n == 0:
        return 0
    return 1 + f(n - 1)


def main(n: int) -> int:
    return f(n)
"""


def test_a_max_depth_past_what_both_backends_reach_is_refused_on_both(tmp_path):
    """``--max-depth 1000000`` and 100,000 nested calls: the compiled backend returned 100000
    and the reference gave F-DEPTH "host recursion limit" (found by a red-team run, H-14).
    Both now refuse the limit before running, and both answer at the deepest accepted one."""
    path = tmp_path / "host_recursion.sgl"
    path.write_text(_HOST_RECURSION, encoding="utf-8")
    outs = [subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", "--backend", b, "--max-depth", "1000000",
                            str(path), "100000"], capture_output=True, text=True, timeout=300)
            for b in ("compiled", "reference")]
    for out in outs:
        assert out.returncode == 2 and out.stdout == "", (out.returncode, out.stdout[:200], out.stderr[-500:])
        assert "max_depth 1,000,000 is past the depth this program can run at on both backends (6,909" in out.stderr
    outs = [subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", "--backend", b, "--max-depth", "6909",
                            str(path), "6907"], capture_output=True, text=True, timeout=300)
            for b in ("compiled", "reference")]
    assert [(o.returncode, o.stdout) for o in outs] == [(0, "6907\n"), (0, "6907\n")], [o.stderr[-500:] for o in outs]
