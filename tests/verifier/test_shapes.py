"""Shape preconditions over nested lists (a matrix product: ``len(a[0]) == len(b)``, every
row as long as the first): the ordinary and the aimed runs mix in lists that agree in
shape, so such a function gets valid inputs and targeted evidence (V-03)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from seglam.verifier import bounds as B
from seglam.verifier import fuzz as F
from seglam.verifier import verify
from seglam.verifier.boundaries import aim_for, shaped_sweep
from seglam.verifier.load import load_program
from seglam.verifier.strategies import arguments, for_type

MATMUL = '''\
def rectangular(m: list[list[int]]) -> bool:
    return len(m) > 0 and len(m[0]) > 0 and all(len(r) == len(m[0]) for r in m)


@requires(lambda a, b: rectangular(a) and rectangular(b) and len(a[0]) == len(b))
@ensures(lambda a, b, result: len(result) == len(a) and all(len(r) == len(b[0]) for r in result))
def matmul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    out = []
    for i in range(len(a)):
        row = []
        for j in range(len(b[0])):
            total = 0
            for k in range(len(b)):
                total += a[i][k] * b[k][j]
            row.append(total)
        out.append(row)
    return out
'''


def _loaded(source: str):
    loaded = load_program(source, "x.sgl")
    assert loaded.error is None, loaded.error
    return loaded


def _meets(loaded, name: str, inputs: dict) -> bool:
    out = loaded.runner.call(name, inputs)
    return not F.is_precondition_fault(out, loaded.view.functions[name])


def test_the_ordinary_and_the_aimed_run_meet_a_shape_precondition_often():
    loaded = _loaded(MATMUL)
    aim = aim_for(loaded.view, 8)
    plain = F.fuzz_function(loaded.view, loaded.runner, "matmul", 50)
    aimed = F.fuzz_function(loaded.view, loaded.runner, "matmul", 50, aim.max_len, aim=aim)
    # Before: 14 valid of 1,754 (ordinary) and 1 or 2 (aimed) on such a product.
    assert plain.valid >= 50 and plain.rejected <= 4 * plain.valid, plain
    assert aimed.valid - aimed.limit_faults >= 10 and not aimed.findings, aimed


def test_the_sweep_tries_square_inputs():
    loaded = _loaded(MATMUL)
    view = loaded.view
    fv = view.functions["matmul"]
    aim = aim_for(view, 8)
    squares = shaped_sweep(fv, view, aim, [[0], [0]])
    sizes = [len(d["a"]) for d in squares]
    assert sizes == [1, 2, 3, 4, 5, 9]
    assert all(len(r) == len(d["a"]) for d in squares for m in d.values() for r in m)
    assert all(_meets(loaded, "matmul", d) for d in squares)
    # A function with no precondition, or with one list of flat values, has no shape to meet.
    flat = _loaded("@requires(lambda xs: len(xs) > 0)\ndef f(xs: list[int]) -> int:\n    return xs[0]\n")
    assert shaped_sweep(flat.view.functions["f"], flat.view, aim, [[[1]]]) == []


def test_shaped_inputs_keep_a_same_length_bound_and_the_bounds_drawn_after_them():
    loaded = _loaded(
        "@requires(lambda xs, ys, i: len(ys) == len(xs) and 0 <= i < len(xs))\n"
        "def f(xs: list[list[int]], ys: list[int], i: int) -> int:\n    return len(xs[i]) + ys[i]\n"
    )
    view = loaded.view
    fv = view.functions["f"]
    strategy = arguments(fv, view, B.lift(fv, view.constants), 8, aim_for(view, 8))
    seen = []

    @settings(max_examples=60, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(d):
        seen.append(d)

    collect()
    assert sum(_meets(loaded, "f", d) for d in seen) >= len(seen) // 2


def test_nested_lists_of_the_aimed_run_stay_within_k():
    # Before, they reached the aimed run's longest length: 51 lists of 51 ints when the
    # program names 50 (a matrix example), and nearly all were rejected.
    loaded = _loaded(MATMUL + "\n\nassert matmul([[50]], [[1]]) == [[50]]\n")
    view = loaded.view
    aim = aim_for(view, 8)
    assert aim.max_len == 51
    t = view.functions["matmul"].params[0].type
    inner = []

    @settings(max_examples=40, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(for_type(t, view, None, aim.max_len, 0, aim))
    def collect(m):
        inner.extend(len(r) for r in m)

    collect()
    assert inner and max(inner) <= aim.bound


def test_a_matrix_product_with_a_shape_precondition_is_admissible():
    report = verify(MATMUL + "\n\nassert matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]\n",
                    max_examples=20, budget=500_000)
    assert report.ok and report.admissible, report.render()
    evidence = [r.evidence for r in report.results if r.function == "matmul" and r.open]
    assert evidence and all("its precondition rejected" not in e for e in evidence), report.render()


GRAYSCALE = '''\
@requires(lambda img: len(img) > 1 and all(len(row) == len(img[0]) and all(len(px) == 3 for px in row) for row in img))
def grayscale(img: list[list[list[int]]]) -> list[list[int]]:
    return [[(px[0] + px[1] + px[2]) // 3 for px in row] for row in img]
'''


def test_three_deep_lists_get_their_own_length_at_each_depth():
    """V-03, three deep: an image of RGB pixels (rows of equal length, pixels of 3) met its
    precondition on 24 of 280 aimed inputs and 50 of 248 ordinary ones: the shaped inputs
    gave every depth below the top one length and ignored the pixel's fixed 3. Now each
    depth has its own length, within the bounds the precondition fixes there."""
    loaded = _loaded(GRAYSCALE)
    aim = aim_for(loaded.view, 8)
    plain = F.fuzz_function(loaded.view, loaded.runner, "grayscale", 50)
    aimed = F.fuzz_function(loaded.view, loaded.runner, "grayscale", 50, aim.max_len, aim=aim)
    assert plain.valid >= 50 and plain.rejected <= plain.valid, plain
    assert aimed.valid - aimed.limit_faults >= 40 and aimed.rejected <= 2 * aimed.valid and not aimed.findings, aimed


def test_the_sweeps_square_inputs_keep_a_length_fixed_at_some_depth():
    loaded = _loaded(GRAYSCALE)
    view = loaded.view
    fv = view.functions["grayscale"]
    squares = shaped_sweep(fv, view, aim_for(view, 8), [[0]], B.lift(fv, view.constants))
    assert [len(d["img"]) for d in squares] == [2, 2, 3, 4, 5, 9]  # at least 2 rows
    assert all(len(px) == 3 for d in squares for row in d["img"] for px in row)
    assert all(_meets(loaded, "grayscale", d) for d in squares)
