"""The fuel cost of work that grows with the size of the values (SPEC.md, §10, "Work on
large values"): one table of pure functions, used by the stdlib (both backends) and by the
compiled backend's slow paths, so both charge exactly the same.

Sizes are bit lengths of magnitudes; ``words(b)`` counts whole 64-bit words. Every function
is 0 for small operands (ints below 2**512, exponents below 4 bits, short lists), so
programs on word-sized values cost what they always did: one step per loop iteration or
call, plus the linear bulk charges of :mod:`seglam.run.stdlib_core`. The constants are set
so that, on the slowest CPython operation of each kind, one unit of fuel stays below about
0.3 µs of work (``bench/bench_adversarial.py`` measures it).
"""

from __future__ import annotations

#: Bits per fuel step of a linear pass over an int (add, shift, hash, division by a word).
LINEAR_BITS = 1024
#: Word products (64 x 64 bits) per fuel step of a multiplication, past the free ones.
MUL_PRODUCTS = 16
#: Word products per fuel step of a long division (CPython's is about twice as slow).
DIV_PRODUCTS = 8
#: Word products that are free: a 512-bit by 512-bit multiplication costs no extra fuel.
FREE_PRODUCTS = 64
#: Exponent bits per fuel step of ``pow(a, b, m)`` (each bit is a squaring modulo ``m``).
EXP_BITS = 4
#: Ints of more bits than this take the slow path of the compiled backend's inline tests.
SMALL_BITS = 512
#: A sort of ``n`` items costs ``n * (log2(n) - SORT_FREE_LOG) // BULK`` extra steps.
SORT_FREE_LOG = 4
#: Characters per extra step and comparison of a sort of long strings.
SORT_CHARS = 256
#: Ints of smaller magnitude hash to themselves in CPython: distinct ones never collide.
WIDE_KEY = (1 << 61) - 1
#: Colliding keys probed per fuel step by a set or dict operation on a wide int key.
COLLIDING_PER_STEP = 8
#: Colliding Decimal or tuple keys probed per fuel step (comparing those is slower).
COLLIDING_SLOW_PER_STEP = 2
#: Characters per fuel step of comparing two strings (``==``, ``<``, a key found in a dict,
#: each item ``list.index`` looks at): CPython compares up to the shorter one, and ``<`` on
#: 2-byte characters takes about 1.6 ns a character.
TEXT_CHARS = 256
#: Coefficient digits per fuel step of a pass over a Decimal (``str`` takes about 6 ns a digit).
DECIMAL_DIGITS = 32
#: Decimals of at most this many coefficient digits cost nothing extra as operands of Decimal
#: arithmetic, comparisons and methods (CPython keeps up to 4 words of 19 digits inline).
DECIMAL_FREE_DIGITS = 76
#: Ints of at most this many bits cost nothing as operands of a Decimal operation (CPython
#: converts one of 20 digits of 30 bits in well under a microsecond).
DECIMAL_FREE_INT_BITS = 600
#: Characters per fuel step of the text a formatting operation writes: a format field's width
#: or precision (f-strings, ``format()``, ``str.format``, ``%``), as the bulk charge's unit.
FORMAT_CHARS = 8
#: Character comparisons per fuel step of ``s.strip(chars)`` (CPython looks each character of
#: ``s`` it strips up in ``chars`` with a linear scan, about 1 ns a character of 2 or 4 bytes).
STRIP_COMPARES = 256
#: Instructions of a compiled regular expression that a search runs for free on each character
#: of the text (RE2's DFA makes most searches linear; when its states outgrow its memory, RE2
#: runs its NFA, up to about 10 ns per character and instruction).
REGEX_FREE_INSTS = 16
#: Characters times instructions past the free ones per fuel step of a regex search.
REGEX_INSTS = 16
#: Fuel steps per instruction of a regular expression compiled at run time: RE2 compiles
#: about 0.3 to 1 µs an instruction (10 µs for a pattern of 10 to 25), and keeps 7 to 20
#: bytes an instruction for as long as the pattern lives.
REGEX_COMPILE_STEPS = 3
#: The most patterns compiled at run time that a run keeps for reuse (least recently used
#: dropped first; a dropped pattern is compiled, and charged, again when used again).
REGEX_CACHE_ENTRIES = 32
#: The most instructions, in all, of the patterns a run keeps (a larger one is not kept).
REGEX_CACHE_INSTS = 1 << 18


_BITWISE = ("&", "|", "^")


def words(bits: int) -> int:
    """Whole 64-bit words in ``bits`` bits."""
    return bits >> 6


def linear(bits: int) -> int:
    """A pass over an int of ``bits`` bits."""
    return bits // LINEAR_BITS


def mul(a_bits: int, b_bits: int) -> int:
    """``a * b``: schoolbook word products past the free ones, and a pass over the result."""
    return max(0, words(a_bits) * words(b_bits) - FREE_PRODUCTS) // MUL_PRODUCTS + linear(a_bits + b_bits)


def div(a_bits: int, b_bits: int) -> int:
    """``a // b``, ``a % b``, ``divmod(a, b)``: quotient words times divisor words (long
    division), and a pass over the dividend. Nothing when ``|a| < |b|`` by bit length."""
    if a_bits < b_bits:
        return 0
    q_bits = a_bits - b_bits + 1
    return max(0, words(q_bits) * words(b_bits) - FREE_PRODUCTS) // DIV_PRODUCTS + linear(a_bits)


def int_op(op: str, a: int, b: int, result: int) -> int:
    """The extra fuel of the int operation ``a op b`` that gave ``result`` (0 for small
    ints): ``*`` is :func:`mul` and ``//``, ``%`` are :func:`div` of the operands; ``>>`` a
    pass over ``a``; ``&``, ``|``, ``^`` a pass over the larger operand; ``+``, ``-``, ``<<``
    a pass over the result (what the compiled backend tests inline)."""
    if op == "*":  # (a product of at most SMALL_BITS bits has a zero or small operands)
        return mul(abs(a).bit_length(), abs(b).bit_length()) if result.bit_length() > SMALL_BITS else 0
    if op == "//" or op == "%":
        return div(abs(a).bit_length(), abs(b).bit_length())
    if op == ">>":
        return linear(abs(a).bit_length())
    if op in _BITWISE:
        return bitwise(abs(a).bit_length(), abs(b).bit_length())
    return linear(abs(result).bit_length())


def power(base_bits: int, exponent: int, result_bits: int) -> int:
    """``a ** b`` (no modulus) with a result of ``result_bits`` bits: square-and-multiply
    ends with a squaring of half the result; the whole chain costs at most twice that, plus
    one multiplication by ``a`` per exponent bit."""
    half = result_bits >> 1
    return 2 * mul(half, half) + exponent.bit_length() * mul(result_bits, base_bits)


def power_mod(base_bits: int, exp_bits: int, mod_bits: int) -> int:
    """``pow(a, b, m)``: one squaring and reduction modulo ``m`` per exponent bit (CPython's
    window method adds a multiplication every few bits: counted as a quarter more), after
    reducing ``a`` modulo ``m``."""
    step = mul(mod_bits, mod_bits) + div(2 * mod_bits, mod_bits)
    return exp_bits // EXP_BITS + (exp_bits + exp_bits // 4) * step + div(base_bits, mod_bits)


def round_int(bits: int, k: int) -> int:
    """``round(a, -k)`` of an int of ``bits`` bits with ``10**k`` no larger than about ``a``
    (a smaller ``a`` rounds to 0 without work): ``10**k``, a division by it and a
    multiplication back."""
    p_bits = k * 3322 // 1000 + 1
    return power(4, k, p_bits) + div(bits, p_bits) + mul(max(1, bits - p_bits + 1), p_bits) + linear(bits)


def decimal_digits(digits: int) -> int:
    """A pass over a Decimal's coefficient of ``digits`` digits."""
    return digits // DECIMAL_DIGITS


def decimal_bits(digits: int) -> int:
    """The bits of a coefficient of ``digits`` decimal digits (a bound)."""
    return digits * 3322 // 1000 + 1


def decimal_op(op: str, a: int, b: int) -> int:
    """A Decimal operation on coefficients of ``a`` and ``b`` digits (``b`` 0 for one
    operand), before it is done: 0 when both have at most DECIMAL_FREE_DIGITS; else a pass
    over the longer (every operation reads, or rounds, its operands: ``+``, ``-``, ``/``,
    ``//``, ``%``, comparisons, ``quantize``, ``sqrt``...), plus for ``*`` the product of the
    coefficients that CPython computes in full before rounding (:func:`mul` of their bits),
    for ``**`` with an integral exponent (``"**"``) the first squaring of ``a``, for ``exp``
    a step per digit and for ``**`` with a fractional exponent (``"**."``) ``a * a // 2``
    (CPython's correctly rounded power takes about ``a**2.5`` ns)."""
    longest = max(a, b)
    if longest <= DECIMAL_FREE_DIGITS:
        return 0
    work = decimal_digits(longest)
    if op == "*":
        return work + mul(decimal_bits(a), decimal_bits(b))
    if op == "**":
        return work + mul(decimal_bits(a), decimal_bits(a))
    if op == "exp":
        return work + a
    if op == "**.":
        return work + a * a // 2
    return work


def decimal_ratio(digits: int, k: int) -> int:
    """``as_integer_ratio()`` of a Decimal of ``digits`` coefficient digits (trailing zeros
    taken off) and exponent ``-k`` (``k > 0``): reading the coefficient as an int, ``10**k``
    and the gcd that reduces the fraction."""
    c_bits = digits * 3322 // 1000 + 1
    p_bits = k * 3322 // 1000 + 1
    return str_to_int(digits) + power(4, k, p_bits) + gcd(c_bits, p_bits)


def int_to_str(bits: int) -> int:
    """``str(n)`` / ``repr`` / f-string of an int: quadratic in CPython 3.11."""
    w = words(bits)
    return max(0, w * w - FREE_PRODUCTS) // MUL_PRODUCTS


def str_to_int(digits: int) -> int:
    """``int(s)`` of ``digits`` characters (on top of the linear charge for reading ``s``):
    quadratic too."""
    return int_to_str(digits * 10 // 3)


def sort_extra(n: int, item_chars: int = 0) -> int:
    """A sort of ``n`` items beyond the linear charge for collecting them: about
    ``n log2 n`` comparisons, each costing more when the items are long strings
    (``item_chars``: the longest)."""
    log = n.bit_length() - 1
    if log <= SORT_FREE_LOG:
        return 0
    compares = n * (log - SORT_FREE_LOG)
    return (compares >> 3) * (1 + item_chars // SORT_CHARS)


def product_of_range(count: int, top_bits: int) -> int:
    """A product of ``count`` factors of at most ``top_bits`` bits each (``factorial``,
    ``comb``, ``perm``), computed by CPython with balanced products: at most the work of
    multiplying two halves of the result at each of ``log2(count)`` levels."""
    total = count * top_bits
    levels = max(1, count.bit_length())
    return levels * mul(total >> 1, total >> 1) + linear(total)


def wide_key(bits: int, colliding: int) -> int:
    """A set or dict operation on an int key of ``bits`` bits (``|key| >= WIDE_KEY``):
    hashing it, and probing past the ``colliding`` other wide keys of the run with the same
    hash (CPython hashes an int as its value modulo ``2**61 - 1``)."""
    return 4 * linear(bits) + colliding // COLLIDING_PER_STEP  # hashing, and keeping it as bytes


def text(chars: int) -> int:
    """A comparison of two strings, the shorter of ``chars`` characters."""
    return chars // TEXT_CHARS


def formatted(chars: int) -> int:
    """A format field whose width or precision (the larger) is ``chars``: the text it writes,
    charged before it is written (``f"{x:.999000f}"`` writes a million characters)."""
    return chars // FORMAT_CHARS


def strip(chars: int, strip_chars: int) -> int:
    """``s.strip(chars)``, ``lstrip``, ``rstrip`` beyond the linear charge for ``s`` (of
    ``chars`` characters): at most every character of ``s`` looked up in ``chars`` (of
    ``strip_chars``)."""
    return chars * strip_chars // STRIP_COMPARES


def regex(chars: int, program: int) -> int:
    """A regex search (``re.search``, ``match``, ``findall``, ``sub``...) over ``chars``
    characters with a compiled program of ``program`` instructions, beyond the linear charge
    for the text."""
    return chars * max(0, program - REGEX_FREE_INSTS) // REGEX_INSTS


def regex_compile(program: int) -> int:
    """Compiling a regular expression at run time into a program of ``program`` instructions
    (RE2's ``programsize``), beyond the linear charge for reading the pattern."""
    return program * REGEX_COMPILE_STEPS


def bitwise(a_bits: int, b_bits: int) -> int:
    """``a & b``, ``a | b``, ``a ^ b``, ``-a``, ``~a``, ``abs(a)``: a pass over the larger
    operand (``b_bits`` 0 for the unary ones)."""
    return linear(max(a_bits, b_bits))


def gcd(a_bits: int, b_bits: int) -> int:
    """``math.gcd``: Lehmer's algorithm, quadratic in the larger operand."""
    big = max(a_bits, b_bits)
    return div(2 * big, big)


def isqrt(bits: int) -> int:
    """``math.isqrt``: Newton steps of growing precision, about two full divisions."""
    return 2 * div(bits, bits >> 1)
