"""Hypothesis profiles for the suite.

``ci`` (the default, what ``make test`` and ``.ci/run`` use): every property test draws the
same examples on every run and machine (``derandomize``: a seed from the test itself), with
no example database and no deadline, so a red run is reproducible and a green one does not
turn red on the next push because a new random example came up. ``explore`` draws fresh
random examples each run, to find new failures: ``pytest --hypothesis-profile=explore``
(pin what it finds with ``@example`` so ``ci`` keeps checking it).
"""

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    """The long tests (marked ``slow``, each 15-45 s on two cores) run first: with ``-n 2``
    the two workers share them from the start, instead of one finishing them alone while
    the other has run out of work (the suite's wall time). Otherwise collection order."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
