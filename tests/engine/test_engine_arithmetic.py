"""A request made only of symbols can be cached (issue 18, point 3): a model's general
arithmetic evaluator with the pattern `{expression: expr} =` is admitted for a
multistep-arithmetic request, and every later request of that shape is a hit, through the
loopback fake server and the real openai client. The reply schema requires "patterns",
with a repair message that says so."""

from __future__ import annotations

import random
from pathlib import Path

from seglam.cache.cache import Cache
from seglam.cache.toolchain import SeglamToolchain
from seglam.engine import Engine
from seglam.engine.compiler import Compiler
from seglam.engine.prompt import build_prompts
from tests.engine.conftest import make_config
from tests.engine.fake_openai import reply

PROGRAM = (Path(__file__).with_name("fixtures") / "arithmetic.sgl").read_text(encoding="utf-8")
REQUEST = "((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7)) ="  # multistep_arithmetic_two, answer 24


def multistep(rng: random.Random) -> tuple[str, int]:
    """A request in the shape of BIG-Bench Hard's multistep_arithmetic_two, and its answer."""
    n = [rng.randint(-9, 9) for _ in range(8)]
    ops = [rng.choice("+-*") for _ in range(6)]
    left = f"{n[0]} {ops[0]} {n[1]} {ops[1]} {n[2]} {ops[2]} {n[3]}"
    right = f"{n[4]} {ops[3]} {n[5]} {ops[4]} {n[6]} {ops[5]} {n[7]}"
    middle = rng.choice("+-*")
    text = f"(({left}) {middle} ({right})) ="
    value = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}[middle](
        _flat(n[:4], ops[:3]), _flat(n[4:], ops[3:]))
    return text, value


def _flat(numbers: list[int], ops: list[str]) -> int:
    """Sum of products, computed without the program under test."""
    total, product = 0, numbers[0]
    for op, x in zip(ops, numbers[1:]):
        if op == "*":
            product *= x
        else:
            total, product = total + product, (x if op == "+" else -x)
    return total + product


def arithmetic_reply(patterns=("{expression: expr} =",), **extra) -> dict:
    out = {
        "description": "Evaluate an integer arithmetic expression with + - *, unary signs and brackets.",
        "entry": "solve",
        "patterns": list(patterns),
        "program": PROGRAM,
        "answer": 24,
        "examples": [
            {"request": "((3 * -2 - 4 + 1) * (5 - -6 + 0 * 2)) =", "answer": -99},
            {"request": "((7 + 8 * 2 - 1) - (-3 - 9 * 9 + 4)) =", "answer": 102},
        ],
        "properties": ["prop_sum_and_product"],
    }
    out.update(extra)
    return out


def test_the_shape_generator_agrees_with_python():
    rng = random.Random(3)
    for _ in range(50):
        text, value = multistep(rng)
        assert eval(text.rstrip(" ="), {"__builtins__": {}}) == value  # noqa: S307 - digits and operators only


def test_a_general_evaluator_is_admitted_and_later_requests_of_the_shape_hit(server, cache, make_engine):
    engine = make_engine()
    server.script(reply(arithmetic_reply()))
    first = engine.solve(REQUEST)
    assert first.tier == "compiled", first.trace.reasons
    assert first.value == 24 and first.trace.pattern == "{expression: expr} ="
    rng = random.Random(18)
    for _ in range(20):
        text, value = multistep(rng)
        ans = engine.solve(text)
        assert (ans.tier, ans.value) == ("hit", value), text
    assert server.calls == 1
    # a request that is not arithmetic is not this family's: a miss, and the model is asked
    assert cache.lookup("((one + two) - three) =") is None


def test_the_real_toolchain_admits_the_evaluator(server, tmp_path):
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    server.script(reply(arithmetic_reply()))
    with Cache(tmp_path / "cache", toolchain=SeglamToolchain({"max_examples": 10, "z3": False})) as cache:
        engine = Engine(cache=cache, compiler=Compiler(make_config(server), prompts=prompts))
        first = engine.solve(REQUEST)
        assert first.tier == "compiled", first.trace.reasons
        text, value = multistep(random.Random(5))
        second = engine.solve(text)
        assert (second.tier, second.value) == ("hit", value)
        assert server.calls == 1


def test_a_bare_text_hole_is_refused_as_over_general_and_repaired(server, cache, make_engine):
    engine = make_engine()
    server.script(reply(arithmetic_reply(patterns=["{expression: str} ="])), reply(arithmetic_reply()))
    ans = engine.solve(REQUEST)
    assert ans.tier == "compiled" and ans.trace.rounds == 2
    repair = server.requests[1]["messages"][-1]["content"]
    assert "E-PATTERN-GENERAL" in repair and "it pins down 1 characters' worth" in repair
    assert "expr 9" in repair  # the hint names the narrower hole


def test_a_reply_without_patterns_is_refused_with_a_message_that_says_what_is_required(server, cache, make_engine):
    engine = make_engine()
    missing = arithmetic_reply()
    del missing["patterns"]
    server.script(reply(missing), reply(arithmetic_reply()))
    ans = engine.solve(REQUEST)
    assert ans.tier == "compiled" and ans.trace.rounds == 2
    repair = server.requests[1]["messages"][-1]["content"]
    assert "Object missing required field `patterns`" in repair
    assert '"patterns" is required: a list of patterns' in repair and '["{e: expr} ="]' in repair


def test_an_empty_pattern_list_for_a_free_text_request_is_refused(server, cache, make_engine):
    engine = make_engine(repair_rounds=1)
    server.script(reply(arithmetic_reply(patterns=[])), reply(arithmetic_reply(patterns=[])))
    ans = engine.solve(REQUEST)
    assert ans.tier == "unsolved"
    assert "give at least one pattern that matches the request" in "\n".join(ans.trace.reasons)
    assert cache.list() == []


def test_the_prompt_states_the_rule_the_schema_and_the_answer_types():
    system = " ".join(build_prompts(guide="# guide\n", worked=[], stdlib="- len\n").system.split())
    assert '"patterns" (required, at least one)' in system
    assert "at least 10 characters' worth" in system and "expr 9" in system
    assert 'each must match this request or one of your "examples"' in system
    assert "none may match another family's requests" in system
    assert 'a number is a number (`42`' in system and '`"(A)"`' in system
    assert '{"description": string, "program": string, "answer": any JSON value, "patterns": [string, ...], "entry"?:' in system
