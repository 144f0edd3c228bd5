"""The number syntax of the reference checkers, so that a token is a number here exactly when it is one
there (Python's `float()` is no guide: it takes `1_0`, surrounding Unicode spaces, `inf`, `nan`).

Kattis (problemtools `support/default_validator/default_validator.cc`, `isfloat`): a token is a float
when `sscanf(token, "%lf%10s", ...)` converts exactly one item (C's `strtod` syntax, the whole token) and
the value is neither infinite nor NaN. That grammar, over ASCII bytes, case-insensitive letters:

    kattis_float := sign? (decimal | hex)            and its double value is finite
    decimal      := (digits ("." digits?)? | "." digits) (("e" | "E") sign? digits)?
    hex          := "0" ("x" | "X") (hexdigits ("." hexdigits?)? | "." hexdigits) (("p" | "P") sign? digits)?
    sign := "+" | "-"      digits := [0-9]+      hexdigits := [0-9a-fA-F]+

so `inf`, `nan`, `infinity`, `nan(...)` and anything overflowing to infinity (`1e9999`, `-1e400`,
`0x1p2000`) are not floats: the default validator then compares them as strings (case-insensitively
unless `case_sensitive`). An underflow (`1e-9999`) is a float (0 or a subnormal, as `strtod` rounds).

testlib (`stringToDouble`, behind `readDouble` / `readReal`, checked by `doubleCompare`): the token may
hold only `0-9 . e E + -`, with at least one digit, at most two `-`, two `+`, one `.`, one `e`/`E`, no NUL,
and `sscanf(token, "%lf%s", ...)` must consume all of it; NaN is refused. Within those characters strtod's
syntax is `decimal` above (the counts add nothing to it), and an overflow is accepted as ±infinity:

    testlib_double := sign? decimal                  its value may be ±inf (`1e9999`)

`doubleCompare(expected, result, error)` (testlib 0.9.45): error += 1e-15; an "infinite" expected value
(testlib's `__testlib_isInfinite`: |x| > 1e300) equals an infinite result of the same sign; an infinite
result against a finite expected value is wrong; else |result - expected| <= error, or result within
[expected × (1 - error), expected × (1 + error)].

Both read bytes as the C locale does: no digit, sign or space outside ASCII is part of a number. A NUL
byte ends a C string, so the C programs would read `1\\0x` as `1`; here such a token is no number.
Decimal values are converted by Python's `float` and hex ones by `float.fromhex`, both correctly
rounded, as glibc's `strtod` is. Every pattern is possessive: matching is linear in the token's length.
"""

from __future__ import annotations

import math
import re

_SIGN = rb"[+-]?+"
_DECIMAL = rb"(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+"
_HEX = rb"0[xX](?:[0-9a-fA-F]++(?:\.[0-9a-fA-F]*+)?+|\.[0-9a-fA-F]++)(?:[pP][+-]?+[0-9]++)?+"
_KATTIS_DECIMAL = re.compile(_SIGN + _DECIMAL)
_KATTIS_HEX = re.compile(_SIGN + _HEX)
# Bytes that can occur in a number of either syntax: a token with any other byte is refused before any
# pattern runs over it.
_NUMBER_BYTES = b"0123456789abcdefABCDEFxXpP.+-"
TESTLIB_INFINITE = 1e300  # testlib's __testlib_isInfinite threshold


def _only_number_bytes(token: bytes) -> bool:
    return bool(token) and not token.translate(None, _NUMBER_BYTES)


def kattis_float(token: bytes) -> float | None:
    """The token's value when problemtools' default validator reads it as a float, else None."""
    if not _only_number_bytes(token):
        return None
    if _KATTIS_DECIMAL.fullmatch(token):
        value = float(token)
    elif _KATTIS_HEX.fullmatch(token):
        try:
            value = float.fromhex(token.decode("ascii"))
        except OverflowError:  # strtod gives ±HUGE_VAL: infinite, so not a float for Kattis
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def testlib_double(token: bytes) -> float | None:
    """The token's value when testlib's `readDouble` accepts it (±inf on overflow), else None (testlib
    then quits with a presentation error)."""
    if not _only_number_bytes(token) or not _KATTIS_DECIMAL.fullmatch(token):
        return None
    return float(token)


def testlib_double_compare(expected: float, result: float, max_error: float) -> bool:
    """testlib's `doubleCompare`: whether `result` is within `max_error` of `expected`, absolutely or
    relatively, with testlib's treatment of NaN and of values beyond ±1e300 as infinite."""
    max_error += 1e-15
    if math.isnan(expected):
        return math.isnan(result)
    if abs(expected) > TESTLIB_INFINITE:
        same_sign = result > 0 if expected > 0 else result < 0
        return same_sign and abs(result) > TESTLIB_INFINITE
    if math.isnan(result) or abs(result) > TESTLIB_INFINITE:
        return False
    if abs(result - expected) <= max_error:
        return True
    low, high = sorted((expected * (1.0 - max_error), expected * (1.0 + max_error)))
    return low <= result <= high
