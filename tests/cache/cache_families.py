"""Small families the cache tests admit (run by the CPython oracle toolchain)."""

from seglam.cache import FamilyDraft

SORT_SRC = '''
@requires(lambda words: len(words.split()) > 0)
@ensures(lambda words, result: sorted(result.split()) == sorted(words.split()))
def sort_words(words: str) -> str:
    return " ".join(sorted(words.split()))

assert sort_words("b a") == "a b"
'''

ADD_SRC = '''
def add(a: int, b: int) -> int:
    return a + b

assert add(2, 3) == 5
'''

REVERSE_SRC = '''
@requires(lambda words: len(words.split()) > 0)
def reverse_words(words: str) -> str:
    return " ".join(reversed(words.split()))
'''

SORT = FamilyDraft(
    source=SORT_SRC,
    description="Sort words alphabetically",
    patterns=(
        "Sort the following words alphabetically: List: {words: str}",
        "Please put these words in alphabetical order: {words: str}",
    ),
    samples=(
        "Sort the following words alphabetically: List: pear apple fig",
        "Please put these words in alphabetical order: zeta alpha",
    ),
    tasks=("sort words alphabetically",),
)

ADD = FamilyDraft(
    source=ADD_SRC,
    description="Add two integers",
    patterns=("What is {a: int} plus {b: int}?", "Compute the sum of {a: int} and {b: int}."),
    samples=("What is 2 plus 3?", "Compute the sum of 10 and -4."),
    tasks=("add two numbers",),
)

REVERSE = FamilyDraft(
    source=REVERSE_SRC,
    description="Reverse word order",
    patterns=("Reverse the order of these words: {words: str}",),
    samples=("Reverse the order of these words: one two three",),
)
