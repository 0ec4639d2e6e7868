"""Building a root for another architecture (arm64 on an x86 machine): the kernel runs the
root's programs through qemu-user-static once a binfmt_misc entry says so. Registered here by
hand, with the F flag (the kernel opens the emulator at registration, so it works inside the
chroot too); no binfmt-support or systemd-binfmt is needed on the build machine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from images.errors import FlashRefused

BINFMT = Path("/proc/sys/fs/binfmt_misc")
# The ELF header of a 64-bit little-endian AArch64 executable, and which of its bytes count.
MAGIC = {"arm64": ("aarch64", r"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"
                              r"\xb7\x00",
                   r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff"
                   r"\xff\xff")}


def entry(arch: str, emulator: str) -> str:
    name, magic, mask = MAGIC[arch]
    return f":qemu-{name}:M::{magic}:{mask}:{emulator}:F"


def ready(arch: str, binfmt: Path = BINFMT) -> None:
    """Make `arch` programs runnable here, or say exactly what is missing."""
    if arch not in MAGIC:
        raise FlashRefused(f"Không dựng được ảnh {arch} trên máy này",
                           f"cannot build {arch} images on this machine", key="arch_unsupported")
    name = MAGIC[arch][0]
    if (binfmt / f"qemu-{name}").exists():
        return
    emulator = shutil.which(f"qemu-{name}-static")
    if emulator is None:
        raise FlashRefused(f"Cần qemu-{name}-static để dựng ảnh {arch}: apt-get install "
                           "qemu-user-static",
                           f"building {arch} needs qemu-{name}-static: apt-get install "
                           "qemu-user-static", key="no_qemu_user")
    if not (binfmt / "register").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(binfmt)],
                       capture_output=True, check=False)
    try:
        (binfmt / "register").write_text(entry(arch, emulator))
    except OSError as error:
        raise FlashRefused(f"Không đăng ký được binfmt cho {arch}: {error}",
                           f"cannot register binfmt for {arch}: {error}",
                           key="binfmt_failed") from None
