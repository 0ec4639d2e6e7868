"""Rate limits shared by every server process: codes and tokens are guessable, so guessing is slow.

The counters live in a fixed-size table in a small file beside the database, mapped into the
memory of each worker, so `--workers 4` does not give a guesser four times the allowance. A
key's slot is found by hashing it: a check costs the same with ten clients or ten million, and
the file never grows. Each slot keeps the count of the current and the previous window; their
weighted sum approximates a sliding window without keeping one timestamp per request.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import ipaddress
import math
import mmap
import os
import struct
import threading
import time
from collections.abc import Callable, Iterable

from backend.domain.errors import TooManyRequests


class Throttled(TooManyRequests):
    """A 429 that says when to come back (the Retry-After header)."""

    def __init__(self, vi: str, en: str, retry_after: float, *, key: str | None = None):
        super().__init__(vi, en, key=key)
        self.retry_after = max(1, math.ceil(retry_after))


# key hash (0 = empty), start of its window in epoch seconds, count in it, count in the one before
_SLOT = struct.Struct("<QQII")
SLOTS = 1 << 16  # 1.5 MB; past 65,536 live keys a minute the oldest are forgotten first
PROBES = 4


class RateLimiter:
    """Counts per key in fixed windows of `period` seconds; `path=None` keeps them in-process."""

    def __init__(self, path: str | None = None, clock: Callable[[], float] = time.time,
                 slots: int = SLOTS) -> None:
        """slots: the table's size; processes sharing one file must agree on it (a test
        fills a small table instead of 65,536 slots)."""
        self._clock = clock
        self._slots = slots
        self._lock = threading.Lock()
        self._fd = None
        if path is None or path == ":memory:":
            self._map = mmap.mmap(-1, slots * _SLOT.size)
        else:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(self._fd).st_size < slots * _SLOT.size:
                os.ftruncate(self._fd, slots * _SLOT.size)
            self._map = mmap.mmap(self._fd, slots * _SLOT.size)

    def hit(self, key: str, limit: float, period: float = 60.0) -> float | None:
        """Count one request; at `limit`, count nothing and return the seconds to wait."""
        window, into = divmod(self._clock(), period)
        with self._locked():
            index, slot = self._find(_hash(key, period), int(window * period), int(period))
            current, previous = slot[2], slot[3]
            if previous * (1 - into / period) + current + 1 > limit:
                return max(1.0, math.ceil(period - into))
            _SLOT.pack_into(self._map, index * _SLOT.size, slot[0], slot[1], current + 1,
                            previous)
        return None

    def level(self, key: str, period: float = 60.0) -> float:
        """How many requests the sliding window holds now, without counting one."""
        window, into = divmod(self._clock(), period)
        with self._locked():
            _, slot = self._find(_hash(key, period), int(window * period), int(period))
        return slot[3] * (1 - into / period) + slot[2]

    def check(self, client: str, per_minute: int) -> None:
        """The public lookup's limit: one budget per client for every way of guessing a token.
        A limit of 0 turns it off (measurements, or a proxy that limits in front)."""
        if per_minute <= 0:
            return
        wait = self.hit(f"lookup:{client}", per_minute)
        if wait is not None:
            raise Throttled("Tra cứu quá nhiều lần, vui lòng thử lại sau một phút",
                            "Too many lookups, please try again in a minute", wait)

    @contextlib.contextmanager
    def _locked(self):
        with self._lock:
            if self._fd is None:
                yield
                return
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _find(self, key: int, start: int, period: int) -> tuple[int, tuple]:
        """The key's slot rolled forward to the window beginning at `start`; a new key takes a
        free slot or the one used longest ago."""
        first, chosen = key % self._slots, None
        for probe in range(PROBES):
            index = (first + probe) % self._slots
            slot = _SLOT.unpack_from(self._map, index * _SLOT.size)
            if slot[0] == key:
                return index, _roll(slot, start, period)
            if chosen is None or slot[1] < chosen[1][1]:
                chosen = (index, slot)
        index = chosen[0]
        fresh = (key, start, 0, 0)
        _SLOT.pack_into(self._map, index * _SLOT.size, *fresh)
        return index, fresh

    def close(self) -> None:
        self._map.close()
        if self._fd is not None:
            os.close(self._fd)


def _roll(slot: tuple, start: int, period: int) -> tuple:
    key, seen, current, _ = slot
    if seen == start:
        return slot
    return key, start, 0, current if seen == start - period else 0


def _hash(key: str, period: float) -> int:
    digest = hashlib.blake2b(f"{period}|{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


def limits_path(db_path: str) -> str | None:
    """The counters' file sits beside the database, so every worker of one site shares it."""
    return None if db_path == ":memory:" else f"{db_path}-limits"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Trusted proxies from '10.0.0.5, 192.168.1.0/24' (or a list); by default none."""
    items = text.split(",") if isinstance(text, str) else (text or ())
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items
                 if item.strip())


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: tuple[Network, ...]) -> str:
    """The address to count a request against.

    X-Forwarded-For is believed only when the peer is a configured proxy, and then only up to
    the first address (from the right) that is not itself a trusted proxy: anything left of it
    was written by the client. IPv6 clients are counted per /64, the block one home receives.
    """
    address = peer or "unknown"
    if forwarded_for and _trusted(address, trusted):
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            address = hop
            if not _trusted(hop, trusted):
                break
    return _block(address)


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _block(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and not ip.ipv4_mapped:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)
