"""JSON text that never costs a traceback: bounded nesting, ints as large as Seglam's,
and output that is always valid UTF-8.

The standard :mod:`json` module recurses once per nesting level (a 10,000-deep array is a
``RecursionError``), refuses ints past CPython's 4300-digit limit, and with
``ensure_ascii=False`` writes lone surrogates that no UTF-8 stream can encode. Every stage
that reads or writes JSON from outside (command-line arguments, bundle manifests, CLI
output) goes through here.
"""

from __future__ import annotations

import decimal
import json
import re
import secrets
from typing import Any

from seglam.syntax.intdigits import MAX_INT_DIGITS, NATIVE_LIMIT, IntTextError, int_from_text, int_to_text

#: Deepest nesting of arrays and objects accepted in JSON read from outside.
MAX_JSON_DEPTH = 200
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonTextError(ValueError):
    """Malformed JSON, nested too deeply, or an int with too many digits."""


class JsonLimitError(JsonTextError):
    """Well-formed enough to read, but past a limit: nesting depth or int digits."""


def json_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (linear, no recursion)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, max_int_digits: int = MAX_INT_DIGITS,
          max_int_bits: int | None = None, exact_fractions: bool = False) -> Any:
    """:func:`json.loads` with the nesting bounded and ints up to ``max_int_digits`` digits
    (and ``max_int_bits`` bits, if given). :class:`JsonTextError` (a ValueError) on anything
    malformed; :class:`JsonLimitError` past a limit. ``exact_fractions``: a number with a
    fraction or an exponent is a ``Decimal`` of its text (``1.10`` keeps its scale, ``1e400``
    stays finite), for a caller that knows which are floats."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise JsonTextError(f"not UTF-8 (byte {error.start}: {error.reason})") from None
    deepest = json_depth(text)
    if deepest > max_depth:
        raise JsonLimitError(f"JSON nests {deepest} levels deep; at most {max_depth} are accepted")

    def parse_int(digits: str) -> int:
        value = int_from_text(digits, max_digits=max_int_digits)
        if max_int_bits is not None and value.bit_length() > max_int_bits:
            raise IntTextError(f"integer has {value.bit_length()} bits; at most {max_int_bits} are accepted")
        return value

    try:
        return json.loads(text, parse_int=parse_int, parse_float=decimal.Decimal if exact_fractions else None)
    except IntTextError as error:
        raise JsonLimitError(str(error)) from None
    except RecursionError:  # a smaller interpreter stack than the bound assumes
        raise JsonLimitError(f"JSON nests too deeply (at most {max_depth} levels are accepted)") from None
    except ValueError as error:
        raise JsonTextError(f"not JSON: {error}") from None


def escape_surrogates(text: str) -> str:
    """Lone surrogates (U+D800..U+DFFF) written as JSON/Python ``\\udXXX`` escapes, so the
    text encodes as UTF-8. Inside JSON strings this is exactly JSON's own escape."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dumps(value: Any, *, ensure_ascii: bool = False, **options: Any) -> str:
    """:func:`json.dumps` that also writes ints of any size (as JSON numbers) and escapes
    lone surrogates, so the result is valid JSON that encodes as UTF-8."""
    big: dict[str, str] = {}
    nonce = secrets.token_hex(8)

    def swap(v: Any, depth: int = 0) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            if -NATIVE_LIMIT < v < NATIVE_LIMIT:
                return v
            token = f"\x00int-{nonce}-{len(big)}\x00"
            big[json.dumps(token)] = int_to_text(v)
            return token
        if depth > MAX_JSON_DEPTH * 4:
            raise JsonTextError("value nests too deeply to write as JSON")
        if isinstance(v, dict):
            return {k: swap(x, depth + 1) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [swap(x, depth + 1) for x in v]
        return v

    try:
        text = json.dumps(swap(value), ensure_ascii=ensure_ascii, **options)
    except RecursionError:
        raise JsonTextError("value nests too deeply to write as JSON") from None
    for token, digits in big.items():
        text = text.replace(token, digits)
    return escape_surrogates(text)
