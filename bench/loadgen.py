"""A small HTTP/1.1 keep-alive load generator (asyncio, raw sockets), run in its own process.

Raw sockets because a full client library would spend more CPU than the server under test,
and on two cores that would measure the client.
"""

from __future__ import annotations

import asyncio
import random
import socket
import time


async def _connection(host, port, paths, stop_at, latencies, errors, seed):
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection(host, port)
    while time.perf_counter() < stop_at:
        path = rng.choice(paths)
        started = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        status = await _read_response(reader)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            errors.append(status)
    writer.close()


async def _read_response(reader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _run(host, port, paths, concurrency, seconds):
    latencies, errors = [], []
    stop_at = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, paths, stop_at, latencies, errors, i)
                           for i in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def drive(host: str, port: int, paths: list[str], concurrency: int, seconds: float, queue):
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    latencies, errors, elapsed = asyncio.run(_run(host, port, paths, concurrency, seconds))
    queue.put((latencies, errors, elapsed))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
