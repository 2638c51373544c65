"""The compile prompt: worked families chosen for the request after a fixed prefix, and one
library list, with types, generated from the checker's table that SPEC §9 agrees with."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seglam.check import signatures as sig
from seglam.engine.prompt import build_prompts, free_text_request, stdlib_list, structured_request
from seglam.engine.worked import (
    BUILTIN_POOL,
    WORKED_BUDGET,
    WorkedFamily,
    answer_form,
    from_admitted,
    load_worked,
    select_worked,
    shape_words,
)

ROOT = Path(__file__).resolve().parents[2]
BBH = ROOT / "tests" / "data" / "bbh"


@pytest.fixture(scope="module")
def book():
    return build_prompts()


def _requests(task: str, n: int = 20) -> list[str]:
    return [ex["input"] for ex in json.loads((BBH / f"{task}.json").read_text())["examples"][:n]]


def test_every_pool_family_loads_and_fits_the_budget():
    pool = load_worked()
    assert [w.task for w in pool] == list(BUILTIN_POOL)
    for w in pool:
        assert len(w.render()) <= WORKED_BUDGET, w.task
        assert w.reply["patterns"] and w.reply["program"] and not w.admitted


@pytest.mark.parametrize("task", [t for t in BUILTIN_POOL if (BBH / f"{t}.json").is_file()])
def test_a_request_of_a_pool_kind_is_shown_that_family(book, task):
    for request in _requests(task):
        assert [w.task for w in select_worked(request, book.worked)] == [task]


@pytest.mark.parametrize("task", BUILTIN_POOL)
def test_each_pool_familys_own_requests_are_shown_it(book, task):
    family = next(w for w in book.worked if w.task == task)
    for request in [family.request, *(e["request"] for e in family.reply["examples"])]:
        assert [w.task for w in select_worked(request, book.worked)] == [task]


# Requests of our own invention (none is from a benchmark), by the shape of their task.
NUMERIC_WORD_PROBLEMS = [
    "A farmer plants 12 rows of 8 apple trees and loses 5 trees in a storm. How many trees are left?",
    "Lena reads 14 pages a day for 6 days, then 9 more pages. How many pages has she read in all?",
    "A tank holds 250 litres and leaks 3.5 litres an hour. How much water is left after 20 hours?",
]
YES_NO_ARGUMENTS = [
    "All cats are mammals. Tom is a cat. Is Tom a mammal?",
    "Premise one: every sailor can swim. Premise two: Ben cannot swim. Does it follow that Ben is not a sailor?",
    "Consider the argument: no poet is rich; some bankers are rich; so some bankers are not poets.\n"
    "Is the argument valid, given its premises?\nOptions:\n- valid\n- invalid",
]
TABLE_QUESTIONS = [
    "Scores so far:\nplayer | goals | games\nIva | 4 | 7\nJon | 9 | 8\nKim | 2 | 5\nWho scored the most goals?",
    "Rainfall by month (month, mm):\nJan, 80\nFeb, 62\nMar, 71\nWhich month was driest?\n(A) Jan\n(B) Feb\n(C) Mar",
    "item\tstock\tprice\npen\t40\t2\nink\t7\t9\npad\t15\t4\nHow many items cost more than 3?",
]


@pytest.mark.parametrize("request_", NUMERIC_WORD_PROBLEMS)
def test_a_numeric_word_problem_is_shown_the_numeric_family(book, request_):
    assert answer_form(request_) == "answernumber" or "how" not in request_.lower()
    (shown,) = select_worked(request_, book.worked)
    assert shown.task == "change_due" and isinstance(shown.reply["answer"], (int, float))


@pytest.mark.parametrize("request_", YES_NO_ARGUMENTS)
def test_a_yes_no_argument_is_shown_a_yes_no_family(book, request_):
    assert answer_form(request_) == "answeryesno"
    (shown,) = select_worked(request_, book.worked)
    assert shown.reply["answer"] in ("Yes", "No") and answer_form(shown.request) == "answeryesno"


@pytest.mark.parametrize("request_", TABLE_QUESTIONS)
def test_a_table_question_is_shown_the_table_family(book, request_):
    assert "shapetable" in shape_words(request_)
    (shown,) = select_worked(request_, book.worked)
    assert shown.task == "table_choice" and "shapetable" in shape_words(shown.request)


def test_a_request_near_nothing_gets_the_shortest_pool_family(book):
    chosen = select_worked("zzqx vvwy", book.worked)
    assert chosen == [min(book.worked, key=lambda w: len(w.render()))]


def test_an_admitted_family_of_the_kind_is_shown_before_the_pool(book):
    admitted = from_admitted(
        "fam-penguins", "Answer a question about the penguins in a table.", "solve",
        ["Here is a table where the first line is a header {table: str} How many penguins are older than {age: int}?"],
        "def solve(table: str, age: int) -> int:\n    return 0\n",
        ["Here is a table where the first line is a header: name, age\nLouis, 7 How many penguins are older than 5?"],
    )
    assert admitted is not None
    request = _requests("penguins_in_a_table", 1)[0]
    chosen = select_worked(request, book.worked, [admitted])
    assert chosen[0] is admitted
    assert len(chosen) <= 2 and sum(not w.admitted for w in chosen) <= 1
    text = book.compile_messages(free_text_request(request), request, [admitted])[1]["content"]
    assert "fam-penguins (a family already admitted in this cache)" in text


def test_an_admitted_family_without_a_sample_is_not_shown():
    assert from_admitted("f", "d", "solve", ["p {x: int}"], "def solve(x: int) -> int:\n    return x\n", []) is None


def test_the_budget_bounds_what_the_worked_families_add(book):
    big = WorkedFamily("big", "sort these words please", {"program": "x" * WORKED_BUDGET}, admitted=True)
    chosen = select_worked("sort these words please", book.worked, [big])
    assert big not in chosen
    assert sum(len(w.render()) for w in chosen) <= WORKED_BUDGET


def test_the_fixed_prefix_is_identical_for_every_request(book):
    a = book.compile_messages(free_text_request("Sort the following words alphabetically: List: b a"))
    b = book.compile_messages(structured_request("add two numbers", {"a": 1, "b": 2}), "add two numbers")
    assert a[0] == b[0] and a[0]["role"] == "system"
    assert a[1]["content"] != b[1]["content"]
    assert "Worked family" not in a[0]["content"]


def test_shape_words_say_what_a_request_looks_like():
    assert "shapeoptions" in shape_words("Which?\nOptions:\n(A) red\n(B) blue")
    assert "shapeoptions" in shape_words("Is the argument valid?\nOptions:\n- valid \n- invalid")
    assert "shapeoptions" not in shape_words("Options:\n- only one")
    assert "shapesymbols" in shape_words("((-1 + 2) * 3) =")
    assert "shapesymbols" not in shape_words("Sort these words: apple pear")
    assert "shapenumbers" in shape_words("Take 3 steps.") and shape_words("no digits here") == []
    assert "shapetable" in shape_words("a, b\n1, 2\n3, 4") and "shapetable" not in shape_words("So, yes.\nNo, then.")
    # a table whose line breaks were lost (BIG-Bench Hard's penguins), not a list of things in a sentence
    assert "shapetable" in shape_words("The table: name, age, height Louis, 7, 50 Bernard, 5, 80 Gwen, 8, 70. Who is oldest?")
    assert "shapetable" not in shape_words("I have a flute, a piano, a trombone, four stoves, a violin, an accordion, "
                                            "a clarinet, a drum, two lamps, and a trumpet. How many instruments?")
    assert "shapetable" not in shape_words("Sort 3, 1, 2, and 9.")


@pytest.mark.parametrize("text, form", [
    ("Does Ann tell the truth?", "answeryesno"),
    ("Is the argument valid or invalid?\nOptions:\n- valid\n- invalid", "answeryesno"),
    ("Which is red?\nOptions:\n(A) sky\n(B) rose", "answerletter"),  # answered "(B)", not "Yes"
    ("Is it red?\nOptions:\n(A) yes\n(B) no", "answerletter"),
    ("Which is red?\nOptions:\n- sky\n- rose\n- grass", ""),  # answered with a word of three
    ("How many legs do 3 spiders have?", "answernumber"),
    ("How much is 4 times 5?", "answernumber"),
    ("Sort these words: pear apple", ""),
])
def test_the_answer_form_comes_from_the_request_shape(text, form):
    assert answer_form(text) == form


# -- one library list ---------------------------------------------------------------------------

_STUB_NAME = re.compile(r"^(?:def\s+(\w+)\s*\(|(\w+)\s*:)", re.M)


def _names(stubs: str) -> set[str]:
    return {m.group(1) or m.group(2) for m in _STUB_NAME.finditer(stubs)}


def test_the_library_list_names_every_name_the_checker_accepts_with_its_type():
    text = stdlib_list()
    for kind, stubs in [("builtins", sig.BUILTINS), *sig.METHODS.items(), *sig.MODULES.items()]:
        line = next(l for l in text.splitlines() if l.startswith((f"- {kind}:", f"- {kind} methods:", f"- module {kind}:")))
        for name in _names(stubs):
            assert re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", line), (kind, name)
    for kind, stubs in sig.ATTRIBUTES.items():  # data attributes too (date.year)
        line = next(l for l in text.splitlines() if l.startswith(f"- {kind} attributes:"))
        for name in _names(stubs):
            assert re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", line), (kind, name)
    assert "- date attributes: year month day -> int" in text
    assert "search match fullmatch -> Match | None" in text
    assert "group -> str" in text and "findall split -> list[str]" in text
    assert "parse_int -> int | None" in text


def test_a_builtin_the_guide_types_is_typed_once_in_the_prompt(book):
    """SPEC §9 gives the parse_* signatures; the library list names them without repeating
    their types, and a Pattern's methods are named as the re module's functions of the same
    types; no name is lost."""
    for name, kind in (("parse_int", "int"), ("parse_float", "float"), ("parse_decimal", "Decimal"),
                       ("parse_date", "date")):
        assert f"`{name}(s: str) -> {kind} | None`" in book.system
        assert f"{name} -> " not in book.system
    assert "parse_int parse_float parse_decimal parse_date (typed in the guide)" in book.system
    assert "- Pattern methods: search match fullmatch findall finditer sub subn split (as module re's)" in book.system
    assert "search match fullmatch -> Match | None" in book.system.split("- module re: ", 1)[1]


def _spec_section(number: int) -> str:
    spec = (ROOT / "SPEC.md").read_text(encoding="utf-8")
    start = spec.index(f"## {number}. ")
    return spec[start:spec.index("\n## ", start + 1)]


def test_spec_section_9_names_the_builtins_the_checker_accepts():
    section = _spec_section(9)
    paragraph = section[section.index("**Built-in functions:**"):section.index("**Methods:**")]
    prose, _, table = paragraph.partition("| function |")
    named = set(re.findall(r"`(\w+)`", prose)) - {"None"} | set(re.findall(r"(?m)^\| `(\w+)\(", table))
    assert named == _names(sig.BUILTINS) - {"requires", "ensures"}


@pytest.mark.parametrize("module", ["itertools", "functools", "dataclasses", "enum", "datetime"])
def test_spec_section_9_names_each_modules_names(module):
    section = _spec_section(9)
    listed = re.search(rf"`{module}` \(([^)]*)\)", section)
    assert listed is not None, module
    named = set(re.findall(r"`(\w+)`", listed.group(1)))
    accepted = _names(sig.MODULES.get(module, "")) | set(sig.MODULE_TYPES.get(module, {})) | set(
        sig.SPECIAL_MEMBERS.get(module, ()))
    assert named == accepted, module


def test_what_the_rules_say_about_matching_is_what_patterns_do(book):
    from seglam.cache.errors import PatternError
    from seglam.cache.pattern import parse_pattern

    system = " ".join(book.system.split())
    assert "letters in any case, a space matches any run of spaces and line breaks" in system
    assert "a hole binds its text without the whitespace around it and only text of its type" in system
    assert "typed holes `{name: type}` named as the entry point's parameters" in system
    assert "A value mentioned twice is one hole named twice" in system
    pattern = parse_pattern("Add {a: int} and {b: int}, then say {s: str} now")
    assert pattern.match("ADD   7\n and  8, then\nsay   hello world \n now") == {"a": 7, "b": 8, "s": "hello world"}
    assert pattern.match("Add seven and 8, then say hi now") is None
    assert parse_pattern("{a: int} plus {a: int} equals").match("2 plus 3 equals") is None
    with pytest.raises(PatternError):
        parse_pattern("{a: int} plus {a: word} equals")


def test_the_route_rules_say_what_to_reply_when_no_family_fits(book):
    assert 'When no family fits, reply {"family": null}' in book.route_system


def test_the_route_rules_say_a_kind_is_its_task_and_answer_however_the_facts_are_stated(book):
    """Stand-in run 6 (dates) routed each new way of stating "today" to no family, so the
    stream made 8 families of one kind: the rule said "the same sort of input data"."""
    rules = " ".join(book.route_system.split())
    assert "the same task with the same form of answer, however the request states its facts" in rules
    assert "one family per kind, not per wording" in rules and "same sort of input data" not in rules


# -- every rule stated, once ----------------------------------------------------------------------

_CODE = re.compile(r"\b[EF]-[A-Z][A-Z-]*[A-Z]")


def test_every_check_code_spec_states_reaches_the_compile_prompt(book):
    """The guide leaves out examples, tutorial prose and what the prompt states elsewhere, never
    a rule: every diagnostic or fault code SPEC names outside its left-out sections and its code
    blocks is in the system prompt."""
    from seglam.engine.guide import SKIP, split_sections

    stated, skipped_level = set(), None
    for s in split_sections((ROOT / "SPEC.md").read_text(encoding="utf-8")):
        if skipped_level is not None and s.level > skipped_level:
            continue
        skipped_level = s.level if any(SKIP in l for l in s.lines) else None
        if skipped_level is None:
            stated |= set(_CODE.findall(re.sub(r"```.*?```", "", "\n".join(s.lines), flags=re.S)))
    assert len(stated) > 30
    # F-INTERNAL is Seglam's own error, no rule a program can break: SPEC omits it from the guide
    assert sorted(c for c in stated if c not in book.system) == ["F-INTERNAL"]


def test_the_guide_is_rules_not_examples():
    from seglam.engine.guide import load_guide

    guide = load_guide(ROOT / "SPEC.md")
    assert "```" not in guide and "A first program" not in guide
    assert "## 14. Request patterns" not in guide  # the rules state it, from the pattern engine's own table
    for rule in ("must be annotated (E-ANNOTATION)", "no methods, no inheritance (E-CLASS)", "(E-EXCEPTION: faults cannot be caught",
                 "Entry points and properties are fuzzed; helpers are judged through their callers",
                 "admits only with evidence", "`str.format` is not available"):
        assert rule in " ".join(guide.split()), rule


@pytest.mark.parametrize("rule", [
    "Reply with ONE JSON object of the shape given at the end, nothing else",
    "returns the answer in exactly the requested form",
    "worked out independently of the program, which must return exactly it on the request's bound inputs",
    '"examples": 2 to 4 further requests of the kind',
    "Give the entry point a precondition (@requires, or asserts opening its body) that rejects inputs it cannot handle",
    "let the precondition refuse the rest. A refusal is a miss, never a wrong answer",
    "The program MUST return exactly the given answer on: this request (unless your answer is null), your \"examples\"",
    'reply with "program": "" and the kind\'s "patterns"',
    "Make a hole of every part that can differ between requests of the kind",
    "the question when the kind asks several over the same data",
    "asks for a WIDER version of this family (its program and those requests shown)",
    "(any other is E-ATTR or E-IMPORT)",
])
def test_each_rule_is_stated(book, rule):
    assert rule in " ".join(book.system.split())


def test_the_reply_shape_in_the_prompt_is_the_schemas(book):
    from seglam.engine.prompt import reply_shape
    from seglam.engine.schema import CompileReply, schema_text

    schema = json.loads(schema_text(CompileReply))
    shape = reply_shape(CompileReply)
    for name, defn in schema["$defs"].items():
        for field in defn["properties"]:
            optional = "" if field in defn.get("required", ()) else "?"
            assert f'"{field}"{optional}: ' in shape, (name, field)
    assert shape.count("?:") == sum(len(set(d["properties"]) - set(d.get("required", ()))) for d in schema["$defs"].values())
    assert shape in book.system and "title" not in shape


def test_the_prompt_bench_reads_task_files_and_jsonl_streams(tmp_path):
    from tests.bench_scripts import load_bench

    bench = load_bench("bench_prompt.py")
    (tmp_path / "sorting.json").write_text(json.dumps({"examples": [{"input": "Sort these words: b a"}]}))
    stream = tmp_path / "mine.jsonl"
    stream.write_text('{"request": "How many legs do 3 cats have?"}\n\n{"question": "Is Tom a cat?", "task": "yn"}\n')
    assert bench.requests_of(tmp_path) == {"sorting": ["Sort these words: b a"]}
    assert bench.requests_of(stream) == {"mine": ["How many legs do 3 cats have?"], "yn": ["Is Tom a cat?"]}
    report = bench.measure(stream)
    assert report["requests"] == 2 and report["per_task"]["mine"]["worked"] == {"change_due": 1}
    assert report["fixed_prefix_tokens"] < report["median_tokens"] <= report["max_tokens"]


@pytest.mark.slow
def test_the_pools_own_families_are_admitted_by_the_checks_every_family_meets(tmp_path):
    """stdlib/worked's families go through the cache's admission with its default checks
    (seglam verify with Z3 and Hypothesis, the deep run for unknowns, pattern specificity,
    samples matching, no clash between them), as a model's draft would."""
    from seglam.cache import Cache, FamilyDraft
    from seglam.engine.worked import worked_dir

    directory = worked_dir()
    assert directory is not None
    names = sorted(p.stem for p in directory.glob("*.json"))
    assert set(names) <= set(BUILTIN_POOL) and len(names) == len(BUILTIN_POOL) - 1  # all but boolean_expressions
    with Cache(tmp_path / "cache") as cache:
        for name in names:
            meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
            cache.admit(FamilyDraft.from_family_json(meta, (directory / f"{name}.sgl").read_text(encoding="utf-8")))
        assert len(cache.list()) == len(names)
        for w in load_worked([n for n in BUILTIN_POOL if n in names]):
            hit = cache.lookup(w.request)
            assert hit is not None and hit.run().value == w.reply["answer"]


def test_a_compile_that_replaces_a_family_shows_no_worked_family(book):
    """A widening or a correction extends the family's own program (shown with it); a
    built-in worked family there cost ~800 tokens on every widening of stand-in run 6."""
    query = "Here is a table: name, age\nAna, 31\nBo, 25\nCy, 40\nWhich person is oldest? Options: (A) Ana (B) Cy"
    new = book.compile_messages("Compile this request into a Seglam family.\n\nRequest:\n" + query, query)
    widening = book.compile_messages("Compile this request into a Seglam family.\n\nRequest:\n" + query, query,
                                     replacing=True)
    assert "# Worked family: table_choice" in new[1]["content"]
    assert "# Worked family" not in widening[1]["content"]
    assert "module tables" in widening[1]["content"]  # the library it may need is still listed
    assert widening[0] == new[0]  # the same system prompt (and prefix cache)


def test_a_share_in_words_or_digits_is_a_shape_and_brings_the_text_module():
    from seglam.engine.library_prompt import library_for
    for request_ in ("She gives away a third of them.", "He ate two-fifths of the pie.", "Keep 3/4 of it.",
                     "A 25% discount."):
        assert "shapeshares" in shape_words(request_), request_
        assert "fraction(words: str)" in library_for(request_), request_
    for request_ in ("Today is 03/05/2021.", "The owl is the third from the left.", "Half past nine",
                     "Every ancestor of a half-brother of Ed"):
        assert "shapeshares" not in shape_words(request_), request_
