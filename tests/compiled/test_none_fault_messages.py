"""A regex group that took no part in the match is None, typed ``str``; using it faults with
F-NONE, worded alike on both backends: a method or attribute of it names the method, as
CPython's AttributeError does (``None has no attribute 'upper'``), anything else is the
fault's own words. The reference said the former and the compiled backend, which calls str
methods at once (inline or the stdlib's), the latter (a red-team run, RT-16); a None item of
``join`` was F-VALUE on the reference, and a None formatted with a spec F-VALUE on both,
where CPython's TypeError is F-NONE."""

from __future__ import annotations

import pytest

from seglam.run.faults import FAULT_CODES
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

USED = FAULT_CODES["F-NONE"]

#: (what the program does with ``g``, a None, and the message of its fault)
USES = [
    ("g.upper()", "None has no attribute 'upper'"),            # inline, growing
    ("g.strip()", "None has no attribute 'strip'"),            # inline, linear
    ("str(g.split(','))", "None has no attribute 'split'"),    # inline, splitting
    ("g.ljust(5)", "None has no attribute 'ljust'"),           # inline padding
    ("g.replace('a', 'b')", "None has no attribute 'replace'"),  # the stdlib's
    ("g.translate({97: 'b'})", "None has no attribute 'translate'"),
    ("m.group(1).title()", "None has no attribute 'title'"),  # a receiver bound first
    ("m.groups()[0].lower()", "None has no attribute 'lower'"),
    ("str([x.upper() for x in [g]])", "None has no attribute 'upper'"),
    ("str(sorted(['b', g], key=lambda s: s.lower()))", "None has no attribute 'lower'"),
    ("str(sorted(['b', g], key=str.lower))", "None has no attribute 'lower'"),  # an unbound method
    ("g.join(['a'])", "None has no attribute 'join'"),
    ("f'{g:>3}'", "None cannot be formatted with '>3'"),
    ("'-'.join(['a', g])", USED),
]


def _program(use: str) -> str:
    return ("import re\n\n\ndef main() -> str:\n    m = re.match(r\"(a)?b\", \"b\")\n    if m is None:\n"
            f"        return \"\"\n    g = m.group(1)\n    return {use}\n")


@pytest.mark.parametrize("use, message", USES, ids=[u for u, _ in USES])
def test_none_faults_are_worded_alike_on_both_backends(use: str, message: str):
    compiled, reference = outcomes(_program(use), "main", (), Limits(), messages=True)
    assert compiled == reference
    assert compiled[0] == "fault" and compiled[1] == "F-NONE" and compiled[3] == message
    assert compiled[2].line == 9


#: (a str method of ``g``, the same method given ``g`` as its argument): the first names it,
#: the second is the fault's own words (the method's receiver is not None)
RECEIVER_OR_ARGUMENT = [
    ("g.replace('a', 'x')", "'abc'.replace(g, 'x')"),
    ("str(g.count('a'))", "str('abc'.count(g))"),
    ("str(g.startswith('a'))", "str('abc'.startswith(g))"),
]


@pytest.mark.parametrize("receiver, argument", RECEIVER_OR_ARGUMENT)
def test_a_none_argument_is_not_taken_for_the_receiver(receiver: str, argument: str):
    method = receiver.split(".")[1].split("(")[0]
    for use, message in ((receiver, f"None has no attribute '{method}'"), (argument, USED)):
        compiled, reference = outcomes(_program(use), "main", (), Limits(), messages=True)
        assert compiled == reference and compiled[3] == message, use
