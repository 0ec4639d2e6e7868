"""Kiosk session: start time and memory of the kiosk straight on the display versus under the
`cage` Wayland kiosk compositor.

    .venv/bin/python bench/kiosk_session.py [--runs 3]

Start time is from launch to the app's READY=1 (sent once its first frame is drawn, read on a
`$NOTIFY_SOCKET` as systemd would); memory is the resident set (VmRSS) of every process of the
session 3 s after READY. The kiosk runs with simulated devices and no backend.

Baseline, measured in the same run: the kiosk alone on SDL's offscreen driver — one process
drawing with no compositor, which is what Kivy straight on KMS/DRM is (minus the GPU, which
this machine lacks). The other row is cage on its headless backend with the kiosk as an X
client through Xwayland (Kivy's bundled SDL2 has no Wayland driver, see the technician notes).
Ratios are cage / direct; lower is better for both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_kib(pid: int) -> int:
    """VmRSS of `pid` and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines()
                              if line.startswith("VmRSS:")))
        except (OSError, StopIteration):
            continue
        todo += _children(current)
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(x) for x in task.read_text().split()]
    return found


def one_run(use_cage: bool, work: Path) -> tuple[float, int]:
    sock_path = work / "notify.sock"
    sock_path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    env = {**os.environ, "NOTIFY_SOCKET": str(sock_path), "KIVY_HOME": str(work / "kivy"),
           "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
           "MOTCUA_KIOSK_DATA": str(work / "kiosk"), "XDG_RUNTIME_DIR": str(work)}
    env.pop("DISPLAY", None)
    kiosk = [sys.executable, "-m", "kiosk_app", "--window", "--backend-url",
             "http://127.0.0.1:9"]
    started = time.monotonic()
    session = _start_cage(env, work) if use_cage else None
    if session:
        env["DISPLAY"] = session[1]
    proc = subprocess.Popen(kiosk, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        sock.settimeout(120)
        while b"READY=1" not in sock.recv(4096):
            pass
        ready = time.monotonic() - started
        time.sleep(3)
        return ready, rss_kib(proc.pid) + (rss_kib(session[0].pid) if session else 0)
    finally:
        for each in (proc, session[0] if session else None):
            if each is not None:
                _stop(each)
        sock.close()


def _start_cage(env: dict, work: Path) -> tuple[subprocess.Popen, str]:
    """cage on its headless backend, holding the session; the kiosk joins through Xwayland.
    cage refuses to run as root, so as root it runs as `nobody`, as the app would on a unit."""
    cage_env = env | {"WLR_BACKENDS": "headless", "WLR_LIBINPUT_NO_DEVICES": "1",
                      "WLR_RENDERER": "pixman"}
    display = work / "display"
    command = ["cage", "--", "sh", "-c", f'echo "$DISPLAY" > {display}; exec sleep 600']
    if os.getuid() == 0:
        work.chmod(0o777)
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    cage = subprocess.Popen(command, env=cage_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (display.exists() and display.read_text().strip()):
        if time.monotonic() > deadline or cage.poll() is not None:
            raise RuntimeError("cage did not start")
        time.sleep(0.02)
    return cage, display.read_text().strip()


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(use_cage: bool, runs: int) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as work:
            results.append(one_run(use_cage, Path(work)))
    times = sorted(r[0] for r in results)
    mems = sorted(r[1] for r in results)
    return times[len(times) // 2], mems[len(mems) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base_t, base_m = measure(False, args.runs)
    print(f"direct (baseline, offscreen): READY after {base_t:.2f} s, {base_m / 1024:.0f} MiB")
    if not shutil.which("cage"):
        print("cage: not installed (apt install cage xwayland); no comparison")
        return 0
    cage_t, cage_m = measure(True, args.runs)
    print(f"cage + Xwayland (headless):   READY after {cage_t:.2f} s, {cage_m / 1024:.0f} MiB")
    print(f"ratio cage/direct: start {cage_t / base_t:.2f}x, memory {cage_m / base_m:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
