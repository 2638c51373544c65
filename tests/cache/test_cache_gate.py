"""The hit gate, correction (reject / replace / retire / gc) and history."""

import pytest

from tests.cache.cache_families import ADD, SORT
from seglam.cache import AdmissionError, FamilyDraft, GateMiss

BUGGY_MAX = '''
@requires(lambda nums: len(nums.split()) > 0)
@ensures(lambda nums, result: str(result) in nums.split())
def biggest(nums: str) -> int:
    xs = [int(x) for x in nums.split()]
    if len(xs) > 3:
        return xs[0] + 1000  # a bug the examples did not catch
    return max(xs)
'''

FIXED_MAX = '''
@requires(lambda nums: len(nums.split()) > 0)
@ensures(lambda nums, result: str(result) in nums.split())
def biggest(nums: str) -> int:
    return max(int(x) for x in nums.split())
'''

MAX = FamilyDraft(source=BUGGY_MAX, patterns=("Which is the largest of these numbers: {nums: str}",),
                  samples=("Which is the largest of these numbers: 3 9 4",))


def test_precondition_failure_is_a_miss_with_a_counterexample(cache):
    sort_id = cache.admit(SORT)
    hit = cache.lookup("Sort the following words alphabetically: List: ?!")
    assert hit is not None
    hit_ok = cache.lookup("Sort the following words alphabetically: List: b a")
    assert hit_ok.run().value == "a b"
    # the precondition: at least one word. A str hole cannot be blank, so use a structured call
    blank = cache.lookup_structured("sort words alphabetically", {"words": "   "})
    with pytest.raises(GateMiss) as err:
        blank.run()
    assert err.value.trace.outcome == "domain"
    entry = cache.get(sort_id)
    assert entry.counterexamples[-1].kind == "domain"
    assert entry.counterexamples[-1].fault == "F-REQUIRES"
    assert entry.stats.domain_misses == 1


def test_ensures_failure_is_never_served(cache):
    fam = cache.admit(MAX)
    assert cache.lookup("Which is the largest of these numbers: 1 5 2").run().value == 5
    with pytest.raises(GateMiss) as err:
        cache.lookup("Which is the largest of these numbers: 1 5 2 8").run()
    assert err.value.trace.outcome == "ensures"
    cx = cache.get(fam).counterexamples[-1]
    assert cx.kind == "ensures" and cx.fault == "F-ENSURES" and cx.inputs == {"nums": "1 5 2 8"}
    cache.flush()
    assert cache.get(fam).stats.failures == 1 and cache.get(fam).stats.hits == 1


def test_reject_quarantines_and_replace_must_pass_counterexamples(cache):
    fam = cache.admit(ADD)
    cache.reject(fam, 6, request="What is 2 plus 3?", note="pretend it was wrong")
    e = cache.get(fam)
    assert e.status == "quarantined"
    assert cache.lookup("What is 2 plus 3?") is None  # never served while quarantined
    assert [m.entry_id for m in cache.matches("What is 2 plus 3?")] == [fam]
    with pytest.raises(AdmissionError, match="counterexample"):
        cache.replace(fam, "def add(a: int, b: int) -> int:\n    return a - b\n")
    plus_one = "def add(a: int, b: int) -> int:\n    return a + b + 1\n"
    res = cache.replace(fam, plus_one, note="off by one on purpose")
    assert res.version == 2
    assert res.disagreements  # the differential run shows where v1 and v2 differ
    e2 = cache.get(fam)
    assert e2.status == "active" and e2.version == 2 and e2.provenance.parent_version == 1
    assert cache.lookup("What is 2 plus 3?").run().value == 6
    versions, events = cache.history(fam)
    assert [v.version for v in versions] == [1]
    assert [ev.kind for ev in events] == ["admitted", "rejected", "replaced"]


def test_replace_that_breaks_a_sample_is_refused(cache):
    fam = cache.admit(MAX)
    with pytest.raises(GateMiss):
        cache.lookup("Which is the largest of these numbers: 1 5 2 8").run()
    bad = FIXED_MAX.replace("max(int(x) for x in nums.split())", "0")
    with pytest.raises(AdmissionError):
        cache.replace(fam, bad)
    res = cache.replace(fam, FIXED_MAX)
    assert res.version == 2
    assert cache.lookup("Which is the largest of these numbers: 1 5 2 8").run().value == 8


def test_retire_and_gc(cache):
    sort_id = cache.admit(SORT)
    add_id = cache.admit(ADD)
    cache.retire(add_id, "not needed")
    assert cache.lookup("What is 2 plus 3?") is None
    assert cache.matches("What is 2 plus 3?") == []
    assert cache.get(add_id).status == "retired"
    report = cache.gc(idle_days=-1, dry_run=True)
    assert [i for i, _ in report.retired] == [sort_id]
    assert cache.get(sort_id).status == "active"
    report = cache.gc(idle_days=-1, purge=True)
    assert set(report.purged) == {sort_id, add_id}
    assert cache.list() == []


def test_unverified_or_unchecked_programs_are_never_admitted(cache):
    with pytest.raises(AdmissionError, match="verification failed"):
        cache.admit(FamilyDraft(source=ADD.source + "\n# verify: fail\n", patterns=ADD.patterns, samples=ADD.samples))
    with pytest.raises(AdmissionError, match="does not check"):
        cache.admit(FamilyDraft(source="def add(a: int, b: int) -> int\n", patterns=ADD.patterns, samples=ADD.samples))
    with pytest.raises(AdmissionError, match="unbound|not a parameter"):
        cache.admit(FamilyDraft(source=ADD.source, patterns=("What is {a: int} plus {c: int}?",), samples=("What is 1 plus 2?",)))
    with pytest.raises(AdmissionError, match="binds str"):
        cache.admit(FamilyDraft(source=ADD.source, patterns=("What is {a: word} plus {b: int}?",), samples=("What is 1 plus 2?",)))
    with pytest.raises(AdmissionError, match="model answered"):
        cache.admit(FamilyDraft(source=ADD.source, patterns=ADD.patterns, request="What is 2 plus 2?", expected=5, has_expected=True))
    assert cache.list() == []


def test_id_prefixes_and_stats(cache):
    fam = cache.admit(SORT)
    assert cache.get(fam[:5]).id == fam
    for _ in range(3):
        cache.lookup("Sort the following words alphabetically: List: b a").run()
    s = cache.stats()
    assert s["hits"] == 3 and s["entries"]["active"] == 1


def test_add_pattern_teaches_a_family_without_a_new_version(cache):
    fam = cache.admit(ADD)
    text = "Add 4 to 5 and tell me the total."
    assert cache.lookup(text) is None
    assert cache.add_pattern(fam, "Add {a: int} to {b: int} and tell me the total.", sample=text)
    assert cache.lookup("add 10 to 20 and tell me the total.").run().value == 30
    e = cache.get(fam)
    assert e.version == 1 and text in e.samples and len(e.patterns) == 3
    with pytest.raises(AdmissionError, match="over-general"):
        cache.add_pattern(fam, "{a: int} {b: int}", sample="1 2")
    with pytest.raises(AdmissionError, match="does not match"):
        cache.add_pattern(fam, "Please add {a: int} and {b: int} now", sample="what?")
    assert [ev.kind for ev in cache.history(fam)[1]] == ["admitted", "pattern-added"]


def test_threads_share_one_cache_without_losing_hits(cache):
    import threading

    fam = cache.admit(ADD)
    errors = []

    def work(k: int) -> None:
        try:
            for i in range(25):
                assert cache.lookup(f"What is {k} plus {i}?").run().value == k + i
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    cache.flush()
    assert cache.get(fam).stats.hits == 200
