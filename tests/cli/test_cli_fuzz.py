"""Fuzz the command line in-process: random argv over `check`, `run`, `cache ...` and `eval` with
good, broken, binary, huge-number, deeply nested and undecodable arguments and files. Every
run must end with an exit code from the documented set and no traceback (issue 20, point 4).

Documented exit codes: 0 done; 1 a fault / refused / not found; 2 usage, check or input
error (and a failed cache); 3 a damaged cache.
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.cache import Cache
from seglam.cli.main import main
from tests.cache.cache_families import ADD, SORT
from tests.cache.cache_oracle_toolchain import OracleToolchain

EXIT_CODES = {0, 1, 2, 3}
GOOD = ("def main(n: int = 3) -> list[int]:\n    return [i * i for i in range(n)]\n\n"
        "def echo(s: str) -> str:\n    return s\n\ndef big(x: int) -> int:\n    return x * 2\n\n"
        "def odd() -> str:\n    return \"\\udcff\"\n")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Files of every kind, a populated cache, a damaged cache and a junk bundle."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "good.sgl").write_text(GOOD)
    (root / "bad.sgl").write_text("import os\ndef main() -> int:\n    return 'x'\n")
    (root / "binary.sgl").write_bytes(b"\xff\xfe\x00garbage")
    (root / "empty.sgl").write_text("")
    (root / "fam.sgl").write_text("def f(x: int) -> int:\n    return x\n")
    (root / "fam.json").write_text('{"patterns": [5], "samples": "x"}')
    with Cache(root / "cache", toolchain=OracleToolchain()) as cache:
        ids = [cache.admit(SORT), cache.admit(ADD)]
    (root / "broken").mkdir()
    (root / "broken" / "data.mdb").write_bytes(b"not lmdb" * 600)
    (root / "bundle").mkdir()
    (root / "bundle" / "manifest.json").write_text('{"format": "seglam-cache-bundle", "version": 1, "families": ["x", 5, {}]}')
    (root / "junk").mkdir()
    (root / "junk" / "manifest.json").write_text("[" * 5000)
    (root / "foreign").mkdir()
    (root / "foreign" / "precious.txt").write_text("keep")
    _streams(root)
    return root, ids


def _streams(root):
    """Request streams for `eval`: good, each kind of bad line, binary, huge and deep."""
    good = [{"request": "Sort the following words alphabetically: List: pear apple fig", "answer": "apple fig pear",
             "task": "sort"}, {"request": "Please put these words in alphabetical order: zeta alpha", "answer": "x"},
            {"request": "What is the capital of Mars?"}]
    (root / "good.jsonl").write_text("\n".join(json.dumps(r) for r in good) + "\n")
    (root / "bad.jsonl").write_text('{"request": 5}\n[1]\n{"reqest": "x"}\n{"request": "x", "task": []}\n{oops\n')
    (root / "binary.jsonl").write_bytes(b'{"request": "\xff\xfe"}\n\x00\x01\x02\n')
    (root / "huge.jsonl").write_text('{"request": "x", "answer": ' + "9" * 30_000 + "}\n" + '{"request": "' + "y" * 120_000 + '"}\n')
    (root / "deep.jsonl").write_text('{"request": "x", "answer": ' + "[" * 5000 + "]" * 5000 + "}\n")
    (root / "surrogate.jsonl").write_text('{"request": "\\udcff \\ud800", "answer": "\\udcff"}\n')


def _files(root):
    names = ["good.sgl", "bad.sgl", "binary.sgl", "empty.sgl", "fam.sgl", "missing.sgl", ".", "bundle", "junk", "foreign"]
    return st.sampled_from([str(root / n) for n in names] + ["/dev/zero", "/dev/null"])


_values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["null", "[]", "{}", "true", "1e999", "-0", "\udcff", "\ud800", "NaN", '"x"', "n=", "=", "x=1"]),
    st.integers(min_value=0, max_value=30_000).map(lambda n: "9" * n),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def _argv(root, ids):
    cache_dirs = st.sampled_from([str(root / "cache"), str(root / "broken"), str(root / "good.sgl"), str(root / "newcache")])
    ident = st.sampled_from(ids + [ids[0][:4], "", "zz", "0"]) | st.text(max_size=6)
    flag = st.sampled_from(["--json", "--help", "--include-retired", "--purge", "--dry-run"])
    opt = st.tuples(st.sampled_from(["--fuel", "--max-depth", "--call", "--status", "--expected", "--input", "--request",
                                     "--pattern", "--sample", "--idle-days", "--min-calls", "--backend", "--entry"]), _values)
    run = st.tuples(st.just(["run"]), st.lists(_files(root), min_size=0, max_size=1),
                    st.lists(_values, max_size=3), st.lists(flag | opt.map(list), max_size=3))
    check = st.tuples(st.just(["check"]), st.lists(_files(root), min_size=0, max_size=3), st.lists(flag, max_size=1), st.just([]))
    subs = ["ls", "show", "stats", "history", "add", "reject", "replace", "retire", "gc", "export", "import",
            "modules", "add-module", "why"]
    sub = st.integers(0, len(subs) - 1).map(subs.__getitem__)
    cache = st.tuples(st.tuples(st.just("cache"), sub).map(list),
                      st.lists(ident | _files(root), max_size=2),
                      st.tuples(st.just("--cache"), cache_dirs).map(list),
                      st.lists(flag | opt.map(list), max_size=3))
    streams = st.sampled_from([str(root / n) for n in ("good.jsonl", "bad.jsonl", "binary.jsonl", "huge.jsonl",
                                                         "deep.jsonl", "surrogate.jsonl", "empty.sgl", "missing.jsonl",
                                                         ".", "good.sgl")] + ["/dev/zero", "/dev/null"])
    eval_opt = st.tuples(st.sampled_from(["--limit", "--report", "--png", "--cache"]),
                         _values | st.sampled_from([str(root), str(root / "nodir" / "x"), str(root / "report.json"),
                                                    str(root / "cache"), str(root / "broken")]))
    eval_flag = st.sampled_from(["--json", "--no-model", "--help", "--no-route"])
    evals = st.tuples(st.just(["eval"]), st.lists(streams, min_size=0, max_size=2),
                      st.lists(eval_flag | eval_opt.map(list), max_size=4), st.just([]))
    junk = st.lists(st.text(max_size=8) | _values, max_size=4).map(lambda xs: (xs, [], [], []))

    def flatten(parts):
        out = []
        for part in parts:
            for item in part:
                out += item if isinstance(item, list) else [item]
        return out

    kinds = [run, run, check, cache, cache, cache, cache, cache, cache, evals, evals, junk]  # cache has the most subcommands
    return st.integers(0, len(kinds) - 1).flatmap(lambda k: kinds[k]).map(flatten)


def _invoke(argv):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)  # strict: a lone surrogate would raise
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    err.seek(0)
    return code, err.buffer.getvalue().decode("utf-8", "replace")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_command_lines_never_raise_or_print_a_traceback(world, data, monkeypatch_module):
    root, ids = world
    argv = data.draw(_argv(root, ids).filter(
        lambda a: "cache" not in a or not {"add", "add-module"} & set(a) or not _adds_good(a, root)))
    code, err = _invoke(argv)
    assert code in EXIT_CODES, (argv, code, err)
    assert "Traceback" not in err, (argv, err)


def _adds_good(argv, root):
    """`cache add/replace` of a program that checks would run the full verifier: too slow
    for a fuzz loop (and covered by the cache tests)."""
    return str(root / "good.sgl") in argv or str(root / "fam.sgl") in argv


@pytest.fixture(scope="module")
def monkeypatch_module(tmp_path_factory):
    """No command may touch the real default cache or the checkout: point $SEGLAM_CACHE at a
    temp dir, and run from another (a random name such as `cache export xyz` is a relative path).
    No model either: `eval` must never reach a model named in the environment or a config file."""
    mp = pytest.MonkeyPatch()
    for var in ("SEGLAM_MODEL", "SEGLAM_BASE_URL", "SEGLAM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGLAM_PRICES"):
        mp.delenv(var, raising=False)
    mp.setenv("SEGLAM_CONFIG", str(tmp_path_factory.mktemp("config") / "none.toml"))
    mp.setenv("SEGLAM_CACHE", str(tmp_path_factory.mktemp("default-cache")))
    mp.chdir(tmp_path_factory.mktemp("cwd"))
    yield mp
    mp.undo()


def test_a_surrogate_argument_is_echoed_without_a_crash(world, monkeypatch_module):
    root, _ = world
    code, err = _invoke(["run", str(root / "good.sgl"), "--call", "echo", "s=\udcff"])
    assert code == 0 and err == ""
    code, err = _invoke(["run", str(root / "good.sgl"), "--call", "nope\udcff"])
    assert code == 2 and "no function 'nope\\udcff'" in err
    assert sys.stdout is not None
