"""The number syntax of the reference checkers, so that a token is a number here exactly when it is one
there (Python's `float()` is no guide: it takes `1_0`, surrounding Unicode spaces, `inf`, `nan`).

Kattis (problemtools `support/default_validator/default_validator.cc`, `isfloat`): a token is a float
when `sscanf(token, "%lf%10s", ...)` converts exactly one item (the number is the whole token) and the
value is neither infinite nor NaN. With glibc's scanf (the C library of problemtools' and Polygon's Linux
judges, and of this judge's compiled checkers) that is, over ASCII bytes:

    kattis_float := sign? (decimal | hex | "0" x ".")        and its double value is finite
    decimal      := (digits ("." digits?)? | "." digits) (e sign? digits?)?
    hex          := "0" x (hexdigits ("." hexdigits?)? | "." hexdigits) (p sign? digits?)?
    sign := "+" | "-"   digits := [0-9]+   hexdigits := [0-9a-fA-F]+   e := [eE]   x := [xX]   p := [pP]

An exponent marker without digits may only end the token (`1e`, `1e+`, `0x1p-` read as 1: scanf takes
the marker, strtod converts what comes before it); `0x.` is zero. So `inf`, `nan`, `infinity`,
`nan(...)` and anything overflowing to infinity (`1e9999`, `-1e400`, `0x1p1024`) are not floats: the
default validator then compares them as strings (case-insensitively unless `case_sensitive`). An
underflow (`1e-9999`) is a float (0 or a subnormal, as strtod rounds). tests/judge/test_hostile_output.py
checks this grammar against the C library's sscanf itself.

testlib (`stringToDouble`, behind `readDouble` / `readReal`, checked by `doubleCompare`): the token may
hold only `0-9 . e E + -`, with at least one digit, at most two `-`, two `+`, one `.`, one `e`/`E`, no NUL,
and `sscanf(token, "%lf%s", ...)` must consume all of it; NaN is refused. Within those characters the
syntax is `decimal` above (the counts add nothing to it), and an overflow is accepted as ±infinity:

    testlib_double := sign? decimal                         its value may be ±inf (`1e9999`)

`doubleCompare(expected, result, error)` (testlib 0.9.45): error += 1e-15; an "infinite" expected value
(testlib's `__testlib_isInfinite`: |x| > 1e300) equals an infinite result of the same sign; an infinite
result against a finite expected value is wrong; else |result - expected| <= error, or result within
[expected × (1 - error), expected × (1 + error)]. The built-in comparison (`judge.compare`) follows
Kattis; testlib's rules are those of every compiled testlib checker (Polygon, Codeforces, CMS), checked
here against testlib.h itself, for a comparison that must read numbers as they do.

Both read bytes as the C locale does: no digit, sign or space outside ASCII is part of a number. A NUL
byte ends a C string, so the C programs would read `1\\0x` as `1`; here such a token is no number.
Decimal values are converted by Python's `float` and hex ones by `float.fromhex`, both correctly
rounded, as glibc's `strtod` is. Every pattern is possessive: matching is linear in the token's length.
"""

from __future__ import annotations

import math
import re

# The part before the exponent is `m`; `d` the exponent's digits, empty when glibc's scanf took a bare
# exponent marker at the end of the token (`1e`, `1e+`, `0x1p-`) and converted the number before it.
_DECIMAL = re.compile(rb"(?P<m>[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++))(?:[eE][+-]?+(?P<d>[0-9]*+))?+")
_HEX = re.compile(
    rb"(?P<m>[+-]?+0[xX](?:[0-9a-fA-F]++(?:\.[0-9a-fA-F]*+)?+|\.[0-9a-fA-F]++))(?:[pP][+-]?+(?P<d>[0-9]*+))?+"
)
# glibc's scanf also takes "0x." (no digit at all) as zero; with anything after it, not.
_HEX_POINT = re.compile(rb"[+-]?+0[xX]\.")
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
    if match := _DECIMAL.fullmatch(token):
        value = float(_number(token, match))
    elif match := _HEX.fullmatch(token):
        try:
            value = float.fromhex(_number(token, match).decode("ascii"))
        except OverflowError:  # strtod gives ±HUGE_VAL: infinite, so not a float for Kattis
            return None
    elif _HEX_POINT.fullmatch(token):
        value = -0.0 if token.startswith(b"-") else 0.0
    else:
        return None
    return value if math.isfinite(value) else None


def _number(token: bytes, match: re.Match[bytes]) -> bytes:
    """The token without a bare exponent marker at its end (which scanf consumed, strtod ignores)."""
    return match.group("m") if match.group("d") == b"" else token


def read_double_testlib(token: bytes) -> float | None:
    """The token's value when testlib's `readDouble` accepts it (±inf on overflow), else None (testlib
    then quits with a presentation error)."""
    match = _DECIMAL.fullmatch(token) if _only_number_bytes(token) else None
    return None if match is None else float(_number(token, match))


def double_compare_testlib(expected: float, result: float, max_error: float) -> bool:
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
