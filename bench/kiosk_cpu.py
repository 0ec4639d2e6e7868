"""Kiosk camera pipeline: CPU used at rest and with a receipt held up.

    .venv/bin/python bench/kiosk_cpu.py [--seconds 10] [--fps 15]

Plays 1280×720 frames through the fake camera at the kiosk camera's rate into the camera
scanner (capture thread, decode thread, duplicate filter) and measures this process's CPU
seconds per wall-clock second, as `top` would show it for the kiosk (1.0 = one core busy):

- "empty lobby": a cluttered scene with sensor noise, nobody in front of the kiosk;
- "receipt held": a receipt photo held up, moving a little (three poses a second), with noise.

Baseline, measured in the same run: the same pipeline decoding every frame it can
(`skip_still=False`, the kiosk before frames that look alike were skipped). The ratio is
CPU of the kiosk's pipeline / CPU of the baseline; lower is better. Target: at rest, a small
fraction (< 0.2) of the baseline; with a receipt, no more than the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench import receipt_photos as rp
from drivers.cameras.base import CameraScanner
from drivers.cameras.fake import FakeCamera


def with_noise(frame: np.ndarray, n: int, seed: int, sigma: float = 3.0) -> list[np.ndarray]:
    """`n` shots of one scene with sensor noise (made before timing: noise costs CPU too)."""
    rng = np.random.default_rng(seed)
    shots = (frame + rng.normal(0, sigma, frame.shape).astype(np.float32) for _ in range(n))
    return [np.clip(s, 0, 255).astype(np.uint8) for s in shots]


def scenes(fps: int) -> dict[str, list[np.ndarray]]:
    lobby = with_noise(rp.clutter(np.random.default_rng(5)), 8, seed=1)
    payload = rp.make_payload(3)
    poses = [rp.receipt_photo(payload, rp.Shot(angle=a, px_per_mm=8.0 + d), seed=5)
             for a, d in ((4, 0.0), (7, 0.2), (5, 0.4))]
    third = max(1, fps // 3)
    held = [shot for pose in poses for shot in with_noise(pose, third, seed=2)]
    return {"empty lobby": lobby, "receipt held": held}


def cpu_per_second(frames: list[np.ndarray], fps: int, seconds: float,
                   skip_still: bool) -> tuple[float, dict]:
    """Process CPU seconds per wall second while the pipeline plays `frames` for `seconds`."""
    reads: list[str] = []
    scanner = CameraScanner(FakeCamera(frames, fps=fps), lambda scan: reads.append(scan.text),
                            skip_still=skip_still)
    with scanner:
        time.sleep(1.0)  # warm up: first frames, first decode
        wall, cpu = time.perf_counter(), time.process_time()
        before = dict(scanner.stats)
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        counts = {k: v - before[k] for k, v in scanner.stats.items()}
    return cpu / wall, counts | {"reads": len(reads)}


def show(name: str, share: float, counts: dict, seconds: float, baseline: float | None) -> None:
    ratio = f"   {share / baseline:5.2f}× baseline" if baseline else ""
    rates = (f"decoded {counts['decoded'] / seconds:5.1f}/s  skipped "
             f"{counts['skipped'] / seconds:5.1f}/s  reads {counts['reads']}")
    print(f"{name:<40} CPU {share:6.3f} s/s   {rates}{ratio}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured per run")
    parser.add_argument("--fps", type=int, default=15, help="the camera's frame rate")
    args = parser.parse_args()
    print(f"{args.fps} fps, {args.seconds:g} s per run, 1280×720 frames", flush=True)
    for scene, frames in scenes(args.fps).items():
        base, counts = cpu_per_second(frames, args.fps, args.seconds, skip_still=False)
        show(f"{scene}: baseline (every frame)", base, counts, args.seconds, None)
        share, counts = cpu_per_second(frames, args.fps, args.seconds, skip_still=True)
        show(f"{scene}: kiosk (skip frames alike)", share, counts, args.seconds, base)


if __name__ == "__main__":
    main()
