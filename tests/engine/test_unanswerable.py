"""A request that cannot be answered as asked (none of its options is right; it contradicts
itself) gets "answer": null from the model and a program whose precondition refuses it: the
family is admitted on its examples and the request stays unanswered, instead of a program
bent to fit it (stand-in run 5: a widening for a date question whose options all were wrong
ended with a program that returned the bare date, served as a wrong answer).

Every model call goes to the loopback fake server through the real openai client."""

from __future__ import annotations

from tests.engine.test_route_widen import compile_reply, engine_for, user_of

PATTERN = "Largest of {nums: str}? Options: {options: str}"

PICK_SRC = '''
def letter(nums: str, options: str) -> str | None:
    """The letter of the option that shows the largest number; None when none does."""
    words = nums.split()
    if len(words) == 0 or not all(w.isdigit() for w in words):
        return None
    best = str(max(int(w) for w in words))
    for part in options.split("(")[1:]:
        label, _, text = part.partition(")")
        if text.strip() == best:
            return "(" + label + ")"
    return None


@requires(lambda nums, options: letter(nums, options) is not None)
def solve(nums: str, options: str) -> str:
    """The option showing the largest of the numbers."""
    found = letter(nums, options)
    assert found is not None
    return found
'''

#: A version bent to fit: it answers "(A)" when no option shows the right number.
BENT_SRC = PICK_SRC.replace("    return None\n\n\n@requires", '    return "(A)"\n\n\n@requires')
assert BENT_SRC != PICK_SRC

FLAWED = "Largest of 3 5 9? Options: (A) 5 (B) 3"
GOOD = [("Largest of 1 4 2? Options: (A) 2 (B) 4", "(B)"), ("Largest of 7 6? Options: (A) 7 (B) 6", "(A)")]


def test_a_null_answer_and_a_refusing_program_admit_the_family_on_its_examples(server, cache):
    engine = engine_for(server, cache)
    server.script(compile_reply(PICK_SRC, [PATTERN], None, GOOD))
    first = engine.solve(FLAWED)
    assert first.tier == "unsolved" and first.value is None
    assert "unanswerable as asked" in first.trace.message
    [family] = cache.list("active")
    assert FLAWED not in family.samples and {r for r, _ in GOOD} <= set(family.samples)
    calls = server.calls
    later = engine.solve("Largest of 8 2 5? Options: (A) 5 (B) 8")
    assert later.tier == "hit" and later.value == "(B)" and server.calls == calls


def test_a_null_answer_with_a_program_that_answers_anyway_is_sent_back(server, cache):
    engine = engine_for(server, cache, repair_rounds=1)
    server.script(compile_reply(BENT_SRC, [PATTERN], None, GOOD), compile_reply(PICK_SRC, [PATTERN], None, GOOD))
    first = engine.solve(FLAWED)
    assert first.tier == "unsolved" and server.calls == 2
    repair = user_of(server.requests[1])
    assert "your answer is null" in repair and "yet the program answers it" in repair and "(A)" in repair
    assert len(cache.list("active")) == 1


def test_a_null_answer_needs_two_examples_the_program_answers(server, cache):
    engine = engine_for(server, cache, repair_rounds=0)
    server.script(compile_reply(PICK_SRC, [PATTERN], None, GOOD[:1]))
    first = engine.solve(FLAWED)
    assert first.tier == "unsolved" and cache.list("active") == []
    assert any("give at least 2 that the program answers (1 did)" in r for r in first.trace.reasons)
