"""``@seglam.function`` without an engine makes the default :class:`Engine` on the first call
(the package facade supplies it, so the decorator's module never imports the engine)."""

from __future__ import annotations

import pytest

import seglam
from seglam.engine import Engine
from seglam.engine.function import SeglamFunction, function


def stub(text: str) -> int:
    """How many vowels the text has."""


def test_the_facade_defaults_to_an_engine_made_on_first_use(monkeypatch):
    made = []

    class Fake:
        pass

    decorated = seglam.function(stub)
    assert isinstance(decorated, SeglamFunction) and decorated._make_engine is Engine
    monkeypatch.setattr(decorated, "_make_engine", lambda: made.append(Fake()) or made[-1])
    assert decorated.engine is decorated.engine is made[0] and len(made) == 1


def test_the_facade_takes_options_before_the_function():
    decorated = seglam.function(examples=(((), 0),))(stub)
    assert isinstance(decorated, SeglamFunction) and decorated.examples[0] == ((), 0)


def test_the_module_level_decorator_needs_an_engine_or_a_maker():
    with pytest.raises(TypeError, match="make_engine"):
        function(stub)
