"""Reed–Solomon decoding over GF(256) with erasures, as QR codes use it (qrgrid.py).

zxing corrects a QR block's errors, but cannot be told which codewords glare washed out: each
counts as an error, which costs two check codewords to correct, where an *erasure* (a codeword
known to be unreadable) costs one. A code with a third of its modules under a saturated spot
is then beyond zxing and still within reach here. The decoder is the usual one: the syndromes,
the erasures folded into them (Forney syndromes), Berlekamp–Massey for the errors left, a
Chien search for where they are and Forney's formula for their values; a block is taken only
when its syndromes are all zero after correction.
"""

from __future__ import annotations

from functools import lru_cache

PRIMITIVE = 0x11D  # x^8 + x^4 + x^3 + x^2 + 1, QR's field


@lru_cache(maxsize=1)
def _tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 512, [0] * 256
    x = 1
    for i in range(255):
        exp[i], log[x] = x, i
        x <<= 1
        if x & 0x100:
            x ^= PRIMITIVE
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    exp, log = _tables()
    return exp[log[a] + log[b]]


def _pow2(power: int) -> int:
    """α^power, any integer power."""
    return _tables()[0][power % 255]


def _inverse(a: int) -> int:
    exp, log = _tables()
    return exp[255 - log[a]]


def _eval(poly: list[int], x: int) -> int:
    """A polynomial (highest degree first) at x."""
    y = poly[0]
    for coef in poly[1:]:
        y = _mul(y, x) ^ coef
    return y


def _add(p: list[int], q: list[int]) -> list[int]:
    out = [0] * max(len(p), len(q))
    for i, c in enumerate(p):
        out[i + len(out) - len(p)] = c
    for i, c in enumerate(q):
        out[i + len(out) - len(q)] ^= c
    return out


def _times(p: list[int], q: list[int]) -> list[int]:
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] ^= _mul(a, b)
    return out


def _scale(p: list[int], x: int) -> list[int]:
    return [_mul(c, x) for c in p]


class Uncorrectable(ValueError):
    """More errors and erasures than the block's check codewords correct."""


def correct(block: list[int], nsym: int, erased: list[int]) -> tuple[list[int], int]:
    """The block (data then `nsym` check codewords) corrected, and how many errors (besides the
    `erased` positions) it held; Uncorrectable when 2·errors + erasures exceed `nsym`."""
    msg = [0 if i in erased else c for i, c in enumerate(block)]
    if len(erased) > nsym:
        raise Uncorrectable("too many erasures")
    synd = [_eval(msg, _pow2(i)) for i in range(nsym)]
    if not any(synd):
        return msg, 0
    locator = _locator(_forney_syndromes(synd, erased, len(msg)), nsym, len(erased))
    errors = _roots(locator, len(msg))
    if len(errors) != len(locator) - 1 or set(errors) & set(erased):
        raise Uncorrectable("the error locator's roots do not fit the block")
    fixed = _add(msg, _magnitudes(synd, [*erased, *errors], len(msg)))
    if any(_eval(fixed, _pow2(i)) for i in range(nsym)):
        raise Uncorrectable("the syndromes are not zero after correction")
    return fixed, len(errors)


def _forney_syndromes(synd: list[int], erased: list[int], n: int) -> list[int]:
    out = list(synd)
    for p in erased:
        x = _pow2(n - 1 - p)
        for j in range(len(out) - 1):
            out[j] = _mul(out[j], x) ^ out[j + 1]
    return out


def _locator(synd: list[int], nsym: int, erasures: int) -> list[int]:
    """Berlekamp–Massey on the Forney syndromes: the error locator (highest degree first)."""
    loc, old = [1], [1]
    for k in range(nsym - erasures):
        delta = synd[k]
        for j in range(1, len(loc)):
            delta ^= _mul(loc[-(j + 1)], synd[k - j])
        old = [*old, 0]
        if delta:
            if len(old) > len(loc):
                loc, old = _scale(old, delta), _scale(loc, _inverse(delta))
            loc = _add(loc, _scale(old, delta))
    while loc and loc[0] == 0:
        loc = loc[1:]
    if 2 * (len(loc) - 1) + erasures > nsym:
        raise Uncorrectable("too many errors")
    return loc


def _roots(locator: list[int], n: int) -> list[int]:
    """Chien search: the positions whose locator value is zero."""
    reverse = locator[::-1]
    return [n - 1 - i for i in range(n) if _eval(reverse, _pow2(i)) == 0]


def _magnitudes(synd: list[int], positions: list[int], n: int) -> list[int]:
    """Forney: each errata position's value, as a polynomial to add to the message."""
    powers = [n - 1 - p for p in positions]
    locator = [1]
    for power in powers:
        locator = _times(locator, [_pow2(power), 1])
    # The evaluator: x·S(x)·Λ(x) mod x^(errata + 1), S with the first syndrome lowest.
    product = _times([*synd[::-1], 0], locator)
    evaluator = product[len(product) - len(locator):]
    out = [0] * n
    xs = [_pow2(power) for power in powers]
    for i, x in enumerate(xs):
        x_inv = _inverse(x)
        slope = 1
        for j, other in enumerate(xs):
            if j != i:
                slope = _mul(slope, 1 ^ _mul(x_inv, other))
        if slope == 0:
            raise Uncorrectable("repeated errata position")
        y = _mul(x, _eval(evaluator, x_inv))
        out[positions[i]] = _mul(y, _inverse(slope))
    return out


def encode(data: list[int], nsym: int) -> list[int]:
    """The data followed by its `nsym` check codewords (for tests)."""
    gen = [1]
    for i in range(nsym):
        gen = _times(gen, [1, _pow2(i)])
    rest = [*data, *[0] * nsym]
    for i in range(len(data)):
        coef = rest[i]
        if coef:
            for j in range(1, len(gen)):
                rest[i + j] ^= _mul(gen[j], coef)
    return [*data, *rest[len(data):]]
