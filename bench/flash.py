"""The flasher against dd, one run, same kind of target.

    .venv/bin/python bench/flash.py [--size-gib 2] [--dir DIR] [--loop]

A sparse image of `--size-gib` GiB, one quarter data (random bytes in 32 extents spread over
the image, as file systems leave them) and its .bmap are made first (not timed). Then, on
fresh targets of the same kind (files in DIR, or loop devices over such files with `--loop`):

- baseline `dd`: `dd if=IMAGE of=TARGET bs=4M conv=fsync` — every byte written, fsync at the end;
- `motcua flash`: the whole job — the image checked against the map, mapped ranges written with
  the same 4 MiB block size, fsync, the target's cache dropped and every range read back and
  checked.

The image is read once before both so that neither pays for the first read. Target: the
flasher at least 3x faster than dd, verification included.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from images import bmap
from images.flasher import CHUNK, Job, flash
from images.progress import Progress
from images.target import Host

EXTENTS = 32


def make_image(path: Path, size: int) -> None:
    rng = random.Random(12)
    data = size // 4
    extent = data // EXTENTS
    slot = size // EXTENTS
    with open(path, "wb") as f:
        f.truncate(size)
        for i in range(EXTENTS):
            f.seek(i * slot + rng.randrange(0, slot - extent, 4096))
            f.write(os.urandom(extent))
    bmap.write_for(path)


def warm(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(CHUNK):
            pass


def new_target(folder: Path, name: str, size: int, loop: bool) -> tuple[Path, Path | None]:
    path = folder / name
    path.unlink(missing_ok=True)
    if not loop:
        return path, None
    with open(path, "wb") as f:
        f.truncate(size)
    dev = subprocess.run(["losetup", "--find", "--show", str(path)], check=True,
                         capture_output=True, text=True).stdout.strip()
    return Path(dev), path


def release(target: Path, backing: Path | None) -> None:
    if backing is not None:
        subprocess.run(["losetup", "-d", str(target)], check=False)
        backing.unlink(missing_ok=True)
    else:
        target.unlink(missing_ok=True)


def time_dd(image: Path, target: Path) -> float:
    began = time.perf_counter()
    subprocess.run(["dd", f"if={image}", f"of={target}", f"bs={CHUNK // (1 << 20)}M",
                    "conv=fsync", "status=none"], check=True)
    return time.perf_counter() - began


def time_flash(image: Path, target: Path) -> float:
    began = time.perf_counter()
    flash(Job(image, target, force=True), Host(mounts=()), Progress(io.StringIO()))
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-gib", type=float, default=2.0)
    parser.add_argument("--dir", help="where the image and targets go (default: a temp folder)")
    parser.add_argument("--loop", action="store_true", help="targets are loop devices")
    args = parser.parse_args()
    size = int(args.size_gib * (1 << 30)) // 4096 * 4096
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        image = folder / "bench.img"
        make_image(image, size)
        warm(image)
        kind = "loop device" if args.loop else "file"
        print(f"image: {size / 2**30:.2f} GiB, {bmap.parse(Path(str(image) + '.bmap')).mapped_bytes / 2**20:.0f} MiB mapped; target: {kind}")  # noqa: E501
        results = {}
        for name, run in (("dd", time_dd), ("motcua flash", time_flash)):
            target, backing = new_target(folder, name.replace(" ", "-") + ".out", size, args.loop)
            try:
                results[name] = run(image, target)
            finally:
                release(target, backing)
    base = results["dd"]
    print(f"{'dd bs=4M conv=fsync (baseline)':<40} {base:7.2f} s  {size / base / 1e6:7.0f} MB/s")
    ours = results["motcua flash"]
    print(f"{'motcua flash (check+write+read back)':<40} {ours:7.2f} s  "
          f"{size / ours / 1e6:7.0f} MB/s  ratio {base / ours:.2f}x dd (target >= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
