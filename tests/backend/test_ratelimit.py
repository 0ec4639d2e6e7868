"""The shared limiter: one count for every process on a site, whose X-Forwarded-For is believed."""

from __future__ import annotations

import multiprocessing

from backend.ratelimit import RateLimiter, client_address, parse_proxies


class Ticking:
    def __init__(self, now: float = 999_960.0):  # the start of a minute
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_limit_counts_within_the_window_and_frees_up_after(tmp_path):
    clock = Ticking()
    limiter = RateLimiter(str(tmp_path / "limits"), clock=clock)
    assert [limiter.hit("a", 3) for _ in range(3)] == [None, None, None]
    wait = limiter.hit("a", 3)
    assert wait is not None and 1 <= wait <= 60
    assert limiter.hit("b", 3) is None  # another key has its own count
    clock.now += 60  # one window later the old hits still weigh, less and less
    assert limiter.hit("a", 3) is not None
    clock.now += 60
    assert limiter.hit("a", 3) is None


def test_refused_requests_are_not_counted(tmp_path):
    clock = Ticking()
    limiter = RateLimiter(str(tmp_path / "limits"), clock=clock)
    for _ in range(50):
        limiter.hit("a", 2)
    assert limiter.level("a") == 2


def _hammer(path: str, count: int, queue) -> None:
    limiter = RateLimiter(path)
    queue.put(sum(limiter.hit("guesser", 40, period=3600) is None for _ in range(count)))


def test_two_processes_share_one_count(tmp_path):
    path = str(tmp_path / "limits")
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_hammer, args=(path, 100, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    allowed = queue.get(timeout=120) + queue.get(timeout=120)
    for worker in workers:
        worker.join(timeout=30)
    assert allowed == 40  # not 40 per process


def test_the_table_never_grows_and_new_keys_still_count(tmp_path):
    path = tmp_path / "limits"
    slots = 1 << 10  # the default table works alike, 64 times as long to fill
    limiter = RateLimiter(str(path), clock=Ticking(), slots=slots)
    size = path.stat().st_size
    for i in range(slots * 2):  # more live clients than slots: the stalest are forgotten
        limiter.hit(f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", 5)
    assert path.stat().st_size == size
    for _ in range(5):
        assert limiter.hit("fresh", 5) is None
    assert limiter.hit("fresh", 5) is not None


def test_forwarded_for_is_believed_only_from_trusted_proxies():
    trusted = parse_proxies("10.0.0.5, 192.168.1.0/24")
    assert client_address("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"  # nobody is trusted
    assert client_address("203.0.113.9", "1.2.3.4", trusted) == "203.0.113.9"
    assert client_address("10.0.0.5", "1.2.3.4", trusted) == "1.2.3.4"
    # A client writing its own header only adds entries on the left: they are ignored.
    assert client_address("10.0.0.5", "6.6.6.6, 1.2.3.4", trusted) == "1.2.3.4"
    assert client_address("10.0.0.5", "1.2.3.4, 192.168.1.20", trusted) == "1.2.3.4"
    assert client_address("10.0.0.5", None, trusted) == "10.0.0.5"


def test_ipv6_clients_count_per_block():
    assert client_address("2001:db8:1:2:aaaa::1", None, ()) == "2001:db8:1:2::/64"
    assert client_address("2001:db8:1:2:bbbb::9", None, ()) == "2001:db8:1:2::/64"
    assert client_address("::ffff:1.2.3.4", None, ()) == "1.2.3.4"
