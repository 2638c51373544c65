"""Trust is earned (issue 13, point 5): a stream with the mistakes real models make.

    nice .venv/bin/python bench/bench_trust.py             # table on stdout
    nice .venv/bin/python bench/bench_trust.py --write     # also bench/results/trust.md
    nice .venv/bin/python bench/bench_trust.py -n 300      # a shorter stream

The real engine (prompts, admission with the full verifier, the LMDB cache) answers a
seeded stream of three kinds of request, against a SCRIPTED STAND-IN MODEL on loopback (a
local OpenAI-compatible server, driven by the real openai client). The stand-in is not a
model: it knows each request's true answer and makes these mistakes on purpose:

- **fruit** ("Which of these is a fruit: stone, apple, chair?"): the program it writes
  knows four fruits; later in the stream the options hold fruits it does not know (mango,
  kiwi, cherry, fig), and the program answers the first option: *a family wrong on a
  variant*;
- **vowels** ("How many vowels are in the word banana?"): its program's precondition takes
  words of at most six letters; longer words come later: *a precondition too narrow*. Asked
  to widen it (the engine's widening request), it writes the general program. The program
  counts letters whatever the word, so its reply declares the hole ``word`` open, with a
  property covering it (the compile prompt's rule 6);
- **sum** ("What is 17 plus 25?"): its program is right, but its direct answers slip by 10
  when the sum is 150 or more (a carry error): *a direct answer wrong where the program is
  right*. Its deliberate settlement answers are right.

Three configurations run the same stream on fresh caches: **trust** (the defaults: probation
3, novelty gate on, dispute limit 3, widen 1), **trust, fruit open** (the same, but the
stand-in also declares the fruit program's ``options`` hole open, with a property that
covers it and holds: a WRONG claim the verifier cannot see, since the property only says
the answer is one of the options; it shows what an open hole gives up) and **off**
(probation 0, no gate, no widening). The stream runs in two halves with the cache closed and reopened between them
(a process restart); disputes recorded before the restart are looked for after it.

Reported per configuration: wrong answers served (all answers, and answers from a program:
tiers hit/routed/compiled, as a share of hits), disputes, the extra model calls and tokens
per 1,000 requests (shadow + settle calls, and compile calls past the first per family), the
extra cost as a share of what a direct call per request would cost (tokens estimated the
way the stand-in counts them, about four characters a token, priced input 1 : output 4),
and disputes lost across the restart. Numbers come from the stand-in's scripted mistakes,
not from a real model.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seglam.cache.cache import Cache  # noqa: E402
from seglam.engine import CompilerConfig, Engine  # noqa: E402
from seglam.engine.loopback import JSON_HEADERS, LoopbackServer, Reply, completion_body  # noqa: E402
from seglam.engine.prompt import REQUEST_HEADING  # noqa: E402
from seglam.engine.recorded import COMPILE_HEAD, count_tokens, prompt_tokens  # noqa: E402
from seglam.engine.trust import same_answer  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "trust.md"
PRICE_IN, PRICE_OUT = 1e-6, 4e-6
KNOWN_FRUITS = ["apple", "pear", "banana", "plum"]
NEW_FRUITS = ["mango", "kiwi", "cherry", "fig"]
THINGS = ["stone", "chair", "lamp", "brick", "spoon", "cloud", "shoe", "coin"]
SHORT_WORDS = ["banana", "kiwi", "tomato", "onion", "rhythm", "apple", "queue", "sky", "audio", "zebra"]
LONG_WORDS = ["encyclopedia", "strawberry", "mississippi", "onomatopoeia", "rhythmical", "education"]

FRUIT_SRC = '''FRUITS = ["apple", "pear", "banana", "plum"]


@requires(lambda options: len(options.split(",")) >= 2)
def pick(options: str) -> str:
    parts = [p.strip() for p in options.split(",")]
    for p in parts:
        if p in FRUITS:
            return p
    return parts[0]


assert pick("stone, apple, chair") == "apple"
'''
NARROW_SRC = '''@requires(lambda word: len(word) > 0 and len(word) <= 6 and word.isalpha())
def vowels(word: str) -> int:
    return sum(1 for ch in word.lower() if ch in "aeiou")


def prop_at_most_one_vowel_per_letter(word: str) -> bool:
    if not (len(word) > 0 and len(word) <= 6 and word.isalpha()):
        return True
    return 0 <= vowels(word) <= len(word)


assert vowels("banana") == 3
'''
FRUIT_PROP = '''

def prop_picks_an_option(options: str) -> bool:
    if len(options.split(",")) < 2:
        return True
    return pick(options) in [p.strip() for p in options.split(",")]
'''
WIDE_SRC = NARROW_SRC.replace(" and len(word) <= 6", "")
SUM_SRC = '''def add(a: int, b: int) -> int:
    return a + b


def prop_commutes(a: int, b: int) -> bool:
    return add(a, b) == add(b, a)


assert add(2, 3) == 5
'''


@dataclass(frozen=True)
class Kind:
    name: str
    pattern: str
    regex: re.Pattern[str]
    truth: Callable[[str], Any]
    source: str
    description: str


KINDS = [
    Kind("fruit", "Which of these is a fruit: {options: str}?", re.compile(r"Which of these is a fruit: (.*)\?$"),
         lambda m: next(p.strip() for p in m.split(",") if p.strip() in KNOWN_FRUITS + NEW_FRUITS), FRUIT_SRC,
         "Pick the fruit among comma-separated options."),
    Kind("vowels", "How many vowels are in the word {word: word}?", re.compile(r"How many vowels are in the word (\w+)\?$"),
         lambda w: sum(ch in "aeiou" for ch in w.lower()), NARROW_SRC, "Count the vowels of one word."),
    Kind("sum", "What is {a: int} plus {b: int}?", re.compile(r"What is (\d+) plus (\d+)\?$"),
         lambda m: None, SUM_SRC, "Add two whole numbers."),
]


def truth(text: str) -> tuple[Kind, Any] | None:
    for kind in KINDS:
        m = kind.regex.match(text.strip())
        if m:
            if kind.name == "sum":
                return kind, int(m.group(1)) + int(m.group(2))
            return kind, kind.truth(m.group(1))
    return None


# -- the stand-in ----------------------------------------------------------------------------------


@dataclass
class StandIn:
    """The scripted model: answers compile, direct, settle and route calls."""

    calls: dict[str, int] = field(default_factory=dict)
    fruit_open: bool = False  # also declare the fruit hole open (a wrong claim)

    def respond(self, raw: bytes) -> Reply:
        body = json.loads(raw or b"{}")
        messages = body.get("messages", [])
        system = messages[0]["content"] if messages[0]["role"] == "system" else ""
        first = next(m["content"] for m in messages if m["role"] == "user")
        kind, content = self.decide(system, first.partition(REQUEST_HEADING)[2] or first)
        self.calls[kind] = self.calls.get(kind, 0) + 1
        out = completion_body(content, prompt_tokens(messages), count_tokens(content), "stand-in")
        return Reply(200, out, JSON_HEADERS)

    def decide(self, system: str, user: str) -> tuple[str, str]:
        if system.startswith("Answer the request directly"):
            found = truth(user)
            answer = None if found is None else found[1]
            if found is not None and found[0].name == "sum" and answer >= 150:
                answer += 10  # the carry slip
            return "direct", json.dumps({"answer": answer})
        if system.startswith("You settle a disagreement"):
            request = user.split("Request:\n", 1)[1].split("\n", 1)[0]
            program = json.loads(re.search(r"^The program's answer: (.*)$", user, re.M).group(1))
            other = json.loads(re.search(r"^The other answer \([^)]*\): (.*)$", user, re.M).group(1))
            right = truth(request)[1]
            verdict = "program" if same_answer(program, right) else "other" if same_answer(other, right) else "neither"
            return "settle", json.dumps({"right": verdict, "answer": right, "why": "worked out step by step"})
        if user.startswith(COMPILE_HEAD):
            request = user.split("Request:\n", 1)[1].split("\n", 1)[0]
            kind, right = truth(request)
            source = kind.source
            if kind.name == "vowels" and "refused this request" in user:
                source = WIDE_SRC  # asked to widen: the general program
            learned = [f for f in re.findall(r"must give '(\w+)'", user) if f not in KNOWN_FRUITS]
            if kind.name == "fruit" and learned:  # repaired: it now knows the fruits it was told about
                fruits = KNOWN_FRUITS + sorted(set(learned))
                source = source.replace(repr(KNOWN_FRUITS).replace("'", '"'), json.dumps(fruits))
            holes = ["word"] if kind.name == "vowels" else []
            if kind.name == "fruit" and self.fruit_open:
                source, holes = source + FRUIT_PROP, ["options"]
            return "compile", json.dumps({"description": kind.description, "patterns": [kind.pattern],
                                          "program": source, "answer": right, "examples": [], "properties": [],
                                          "open": holes})
        return "route", json.dumps({"family": None})


# -- the stream ------------------------------------------------------------------------------------


def stream(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        late = i >= n // 3
        kind = KINDS[i % 3].name
        if kind == "fruit":
            fruit = rng.choice(NEW_FRUITS) if late and rng.random() < 0.2 else rng.choice(KNOWN_FRUITS)
            options = rng.sample(THINGS, 2) + [fruit]
            rng.shuffle(options)
            out.append(f"Which of these is a fruit: {', '.join(options)}?")
        elif kind == "vowels":
            word = rng.choice(LONG_WORDS) if late and rng.random() < 0.15 else rng.choice(SHORT_WORDS)
            out.append(f"How many vowels are in the word {word}?")
        else:
            top = 199 if late else 99
            out.append(f"What is {rng.randint(1, top)} plus {rng.randint(1, top)}?")
    return out


def direct_cost(text: str, answer: Any) -> float:
    """What one direct call for ``text`` costs, counted as the stand-in counts it."""
    messages = [{"role": "system", "content": 'Answer the request directly. Reply with one JSON object: {"answer": ...}'},
                {"role": "user", "content": text}]
    return prompt_tokens(messages) * PRICE_IN + count_tokens(json.dumps({"answer": answer})) * PRICE_OUT


# -- one run ---------------------------------------------------------------------------------------


def run(requests: list[str], *, trust: bool, fruit_open: bool = False) -> dict[str, Any]:
    server = StandIn(fruit_open=fruit_open)
    knobs = {} if trust else {"probation": 0, "novelty": False, "widen": 0}
    with LoopbackServer(server.respond) as loop, tempfile.TemporaryDirectory() as tmp:
        config = CompilerConfig(model="stand-in", base_url=loop.url, api_key="k", backoff=0.0, max_retries=0,
                                price_in=PRICE_IN, price_out=PRICE_OUT, direct_fallback=True, **knobs)
        half = len(requests) // 2
        answers: list[tuple[str, Any]] = []
        usage: dict[str, dict[str, float]] = {}
        before_restart: set[str] = set()
        started = time.perf_counter()
        for part, chunk in enumerate((requests[:half], requests[half:])):
            with Cache(Path(tmp) / "cache") as cache:
                if part == 1:
                    after = {d.id for r in cache.trust.list() for d in r.disputes}
                    lost = len(before_restart - after)
                engine = Engine(cache=cache, compiler=config)
                for text in chunk:
                    a = engine.solve(text)
                    answers.append((text, a))
                for purpose, u in engine.stats()["usage"].items():
                    slot = usage.setdefault(purpose, {"calls": 0, "tokens_in": 0, "tokens_out": 0, "cost": 0.0})
                    for key in slot:
                        slot[key] += u.get(key, 0)
                if part == 0:
                    before_restart = {d.id for r in cache.trust.list() for d in r.disputes}
                families = len(cache.list())
        seconds = time.perf_counter() - started
    row = summarise(answers, usage, lost, families, seconds, trust)
    if fruit_open:
        row["config"] = "trust, fruit open"
    return {**row, "disputes_before_restart": len(before_restart)}


def summarise(answers: list[tuple[str, Any]], usage: dict[str, dict[str, float]], lost: int, families: int,
              seconds: float, trust: bool) -> dict[str, Any]:
    n = len(answers)
    tiers: dict[str, int] = {}
    wrong = wrong_program = program = 0
    baseline = 0.0
    shown: list[str] = []
    for text, a in answers:
        right = truth(text)[1]
        baseline += direct_cost(text, right)
        tiers[a.tier] = tiers.get(a.tier, 0) + 1
        bad = a.value is None or not same_answer(a.value, right)
        wrong += bad
        if a.cached:
            program += 1
            wrong_program += bad
            if bad and len(shown) < 5:
                shown.append(f"{text!r}: {a.tier} ({a.trace.trust}, v{a.trace.version}) gave {a.value!r}, "
                             f"the answer is {right!r}")
    def total(purposes: tuple[str, ...], key: str) -> float:
        return sum(usage.get(p, {}).get(key, 0) for p in purposes)

    checks = ("shadow", "settle")
    compiles = ("compile", "repair")
    first_cost = total(("compile",), "cost") / max(1, total(("compile",), "calls"))  # a first compile's cost
    recompile_calls = max(0, total(compiles, "calls") - families)
    recompile_cost = max(0.0, total(compiles, "cost") - families * first_cost)
    return {
        "config": "trust" if trust else "off", "requests": n, "tiers": tiers, "wrong": wrong,
        "wrong_program": wrong_program, "program_answers": program,
        "wrong_program_share": wrong_program / program if program else 0.0,
        "disputes": tiers.get("disputed", 0), "disputes_lost": lost, "families": families,
        "calls_by_purpose": {p: int(u["calls"]) for p, u in sorted(usage.items())},
        "check_calls_per_1000": 1000 * total(checks, "calls") / n,
        "check_tokens_per_1000": 1000 * (total(checks, "tokens_in") + total(checks, "tokens_out")) / n,
        "check_cost_share": total(checks, "cost") / baseline if baseline else 0.0,
        "recompile_calls": int(recompile_calls), "recompile_cost_share": recompile_cost / baseline if baseline else 0.0,
        "total_cost": sum(u["cost"] for u in usage.values()),
        "direct_cost": baseline, "seconds": seconds, "wrong_program_examples": shown,
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| config | requests | wrong answers | wrong program answers (of program answers) | disputes "
            "| disputes lost on restart (of those before it) | check calls / 1000 | check tokens / 1000 | check cost / direct cost "
            "| recompiles | recompile cost / direct cost | total cost / direct cost |")
    out = [head, "|" + "---|" * 12]
    for r in rows:
        out.append(f"| {r['config']} | {r['requests']} | {r['wrong']} | {r['wrong_program']} of {r['program_answers']} "
                   f"({100 * r['wrong_program_share']:.1f}%) | {r['disputes']} | {r['disputes_lost']} of {r['disputes_before_restart']} "
                   f"| {r['check_calls_per_1000']:.0f} | {r['check_tokens_per_1000']:.0f} "
                   f"| {100 * r['check_cost_share']:.1f}% | {r['recompile_calls']} "
                   f"| {100 * r['recompile_cost_share']:.1f}% | {r['total_cost'] / r['direct_cost']:.3f}x |")
    out.append("")
    for r in rows:
        out.append(f"- {r['config']}: tiers {r['tiers']}; calls by purpose {r['calls_by_purpose']}; "
                   f"{r['families']} families; {r['seconds']:.1f} s")
        out += [f"  - wrong: {w}" for w in r["wrong_program_examples"]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=600, help="requests in the stream (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS}")
    args = parser.parse_args(argv)
    requests = stream(args.n, args.seed)
    rows = [run(requests, trust=True), run(requests, trust=True, fruit_open=True), run(requests, trust=False)]
    text = table(rows)
    print(text)
    if args.write:
        RESULTS.write_text(
            "# Trust is earned: a stream with scripted model mistakes\n\n"
            f"Command: `.venv/bin/python bench/bench_trust.py -n {args.n} --seed {args.seed} --write`  \n"
            f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  \n"
            f"Machine: {platform.platform()}, Python {platform.python_version()}\n\n"
            "The model is a SCRIPTED STAND-IN (see the module docstring of bench/bench_trust.py): it knows every "
            "true answer and makes three kinds of mistake on purpose. These numbers measure the engine's trust "
            "checks against those mistakes, not a real model.\n\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
