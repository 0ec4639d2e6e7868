"""The way into the kiosk's admin screen: a hidden gesture, then a PIN with a lockout.

The gesture (five quick taps in the bottom-left corner, where the footer has nothing to press)
only opens the PIN pad; it keeps curious citizens from stumbling onto it, while the PIN (stored
as a salted PBKDF2 hash, never in clear) and the lockout after three wrong tries are what keep
them out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

ITERATIONS = 200_000
TAPS, TAP_WINDOW, CORNER = 5, 4.0, 0.12  # taps, seconds, share of width and height
MAX_TRIES, LOCKOUT = 3, 300.0
PIN_LENGTH = (4, 8)


def hash_pin(pin: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    if not (pin.isdigit() and PIN_LENGTH[0] <= len(pin) <= PIN_LENGTH[1]):
        raise ValueError("Mã PIN gồm 4 đến 8 chữ số / The PIN must be 4 to 8 digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    got = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(got.hex(), digest)


class AdminGate:
    """Counts corner taps, checks PINs, locks out after repeated mistakes."""

    def __init__(self, pin_hash: str, clock: Callable[[], float]) -> None:
        self.pin_hash = pin_hash
        self.clock = clock
        self.tries_left = MAX_TRIES
        self._taps: list[float] = []
        self._locked_until = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.pin_hash)

    def tap(self, x: float, y: float) -> bool:
        """A touch at (x, y) as shares of the screen from its top-left; True opens the PIN pad."""
        now = self.clock()
        if not (self.enabled and x <= CORNER and y >= 1 - CORNER):
            self._taps.clear()
            return False
        self._taps = [t for t in self._taps if now - t <= TAP_WINDOW] + [now]
        if len(self._taps) >= TAPS:
            self._taps.clear()
            return True
        return False

    def locked_for(self) -> float:
        return max(0.0, self._locked_until - self.clock())

    def check(self, pin: str) -> str:
        """"ok", "wrong" or "locked"."""
        if self.locked_for() > 0:
            return "locked"
        if verify_pin(pin, self.pin_hash):
            self.tries_left = MAX_TRIES
            return "ok"
        self.tries_left -= 1
        if self.tries_left <= 0:
            self._locked_until = self.clock() + LOCKOUT
            self.tries_left = MAX_TRIES
            return "locked"
        return "wrong"
