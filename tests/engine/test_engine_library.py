"""A model-written family that imports the Seglam library: the scripted model (the loopback
fake server, the real openai client) replies with a family built on `dates` and `text`; the
real toolchain admits it, a later request of the kind is a hit, and the cached entry's content
hash covers the imported modules (a Merkle hash), so the same source over another `dates`
would be another program. The compile prompt it was sent lists the library."""

from __future__ import annotations

import json

import seglam
from seglam.cache.cache import Cache
from seglam.cache.toolchain import SeglamToolchain
from seglam.engine import Engine
from seglam.engine.compiler import Compiler
from seglam.engine.library_prompt import library_for, library_index
from seglam.engine.prompt import build_prompts
from seglam.syntax.canonical import program_hash
from seglam.syntax.lower import parse
from tests.engine.conftest import make_config
from tests.engine.fake_openai import reply

PROGRAM = '''
from dates import format_mdy, parse_mdy, shift
from text import number, option_letter


def letter(start: str, count: str, options: str) -> str | None:
    begun = parse_mdy(start)
    days = number(count)
    due = None if begun is None or days is None else shift(begun, 0, days)
    return None if due is None else option_letter(options, format_mdy(due))


@requires(lambda start, count, options: letter(start, count, options) is not None)
def solve(start: str, count: str, options: str) -> str:
    found = letter(start, count, options)
    assert found is not None
    return "(" + found + ")"


assert solve("12/30/2020", "three", "(A) 01/02/2021 (B) 01/03/2021") == "(A)"
'''

PATTERN = "The parcel left on {start: str} and arrives {count: word} days later. When does it arrive? Options: {options: str}"
REQUEST = "The parcel left on 02/27/2024 and arrives two days later. When does it arrive? Options: (A) 02/29/2024 (B) 03/01/2024"
LATER = "The parcel left on 12/31/2023 and arrives 32 days later. When does it arrive? Options: (A) 02/01/2024 (B) 02/02/2024"


def _reply() -> dict:
    return {
        "description": "A start date (MM/DD/YYYY) plus a count of days: the option letter of the arrival date.",
        "entry": "solve",
        "patterns": [PATTERN],
        "program": PROGRAM,
        "answer": "(A)",
        "examples": [
            {"request": "The parcel left on 03/01/2023 and arrives ten days later. When does it arrive? "
                        "Options: (A) 03/11/2023 (B) 03/10/2023", "answer": "(A)"},
            {"request": "The parcel left on 01/31/2021 and arrives 1 days later. When does it arrive? "
                        "Options: (A) 02/01/2021 (B) 01/32/2021", "answer": "(A)"},
        ],
        "properties": [],
    }


def test_a_family_importing_dates_is_admitted_then_serves_a_hit(server, tmp_path):
    server.script(reply(_reply(), 3000, 400))
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    with Cache(tmp_path / "cache", toolchain=SeglamToolchain({"max_examples": 10, "z3": False})) as cache:
        engine = Engine(cache=cache, compiler=Compiler(make_config(server), prompts=prompts))
        first = engine.solve(REQUEST)
        assert first.tier == "compiled", first.trace.reasons
        assert first.value == "(A)"  # 2024 is leap: February 29
        second = engine.solve(LATER)
        assert second.tier == "hit" and second.value == "(A)" and second.trace.entry_id == first.trace.entry_id
        assert server.calls == 1  # the hit called no model
        entry = cache.get(first.trace.entry_id)
        engine.close()
    # the entry's hash is the Merkle hash: the program's own tree plus the hashes of the modules
    # it imports; the same source over another `dates` (or without it) hashes differently
    program = seglam.compile(PROGRAM, "family.sgl")
    imports = {name: module_hash for name, (_, _, module_hash) in program.modules.items()}
    assert set(imports) == {"dates", "text"}
    assert entry.program_hash == program.hash == program_hash(parse(PROGRAM, "family.sgl"), imports)
    assert entry.program_hash != program_hash(parse(PROGRAM, "family.sgl"), {**imports, "dates": "0" * 64})
    # the compile prompt the model was sent names the library, and lists `dates` for a dated request
    sent = server.requests[0]["messages"]
    assert library_index() in sent[0]["content"]
    assert library_for(REQUEST) in sent[1]["content"] and "shift(d: date, months: int, days: int)" in sent[1]["content"]


def test_the_library_list_comes_from_the_modules_and_a_request_sees_the_ones_it_needs():
    index = library_index()
    for name in ("dates", "text", "tables"):
        assert f"- module {name}: " in index
    assert "add_days" in index and "option_letter" in index and "parse_table" in index
    dated = library_for(REQUEST.replace(" (", "\n("))  # options one a line: lettered options
    assert "module dates" in dated and "module text" in dated and "module tables" not in dated
    assert "- add_days(d: date, n: int) -> date: `n` days after `d`" in dated
    assert "return " not in dated and "assert " not in dated  # signatures and docs, not bodies
    assert library_for("name, age\nAna, 3\nBo, 4\nWho is older?").count("module ") == 1
    assert library_for("Sort these words: pear apple") == ""
    counted = library_for("I have three violins, a flute, and four trumpets. How many instruments do I have?")
    assert counted.count("module ") == 1 and "- number(words: str) -> int | None" in counted
    assert library_for("I have one violin and a flute. How many instruments do I have?") == ""
    mine = (("clock", '"""Hours."""\n\n\ndef later(h: int, n: int) -> int:\n    """`n` hours after `h`."""\n'
             '    return (h + n) % 24\n'),)
    assert library_index(mine) == "- module clock: Hours: later\n"
    assert library_for("anything", mine).endswith("- later(h: int, n: int) -> int: `n` hours after `h`.")
    json.dumps(index)  # plain text


def test_every_library_doc_is_shown_whole_not_cut():
    """A stand-in model (run 5) guessed what `shift`, `add_months` and `number` do on the
    cases that matter because their docs were cut at 64 characters: each first sentence of
    the standard library is now listed whole."""
    from seglam.engine.library_prompt import first_line
    from seglam.program.library import stdlib_sources
    import ast

    everything = library_for("Options:\n(A) 03/05/2021\n(B) 03/06/2021\nname, age\nAna, 3\nBo, 4")
    for source in stdlib_sources().values():
        for fn in ast.parse(source).body:
            if isinstance(fn, ast.FunctionDef) and not fn.name.startswith(("_", "prop_")):
                shown = first_line(ast.get_docstring(fn) or "")
                assert not shown.endswith(" ..."), fn.name
                assert shown in everything, fn.name
    assert 'The label ("A", no parentheses) of the one option' in everything
