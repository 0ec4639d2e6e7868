"""Small real disk images (GPT, FAT boot, ext4 root with random data) and loop devices."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

from images import bmap, disk


def make_image(folder: Path, data_mib: int) -> Path:
    """A GPT disk image built as the image builder does, plus its .bmap beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grubx64.efi").write_bytes(random.Random(1).randbytes(64 << 10))
    fat = disk.make_fat(folder / "boot.fat", 16 << 20, "MOTCUA-BOOT",
                        {"EFI/BOOT/BOOTX64.EFI": folder / "grubx64.efi"})
    tree = folder / "root"
    (tree / "etc").mkdir(parents=True, exist_ok=True)
    (tree / "etc" / "hostname").write_text("motcua\n")
    (tree / "payload.bin").write_bytes(random.Random(2).randbytes(data_mib << 20))
    root = disk.make_ext4(folder / "root.ext4", (data_mib + 24) << 20, "root", tree)
    image = folder / "unit.img"
    disk.assemble(image, [disk.PartSpec("boot", disk.ESP_GUID, fat),
                          disk.PartSpec("root", disk.LINUX_GUID, root)])
    for scratch in (fat, root):
        scratch.unlink()
    bmap.write_for(image)
    return image


@pytest.fixture(scope="session")
def unit_image(tmp_path_factory) -> Path:
    return make_image(tmp_path_factory.mktemp("image"), 4)


@pytest.fixture(scope="session")
def big_image(tmp_path_factory) -> Path:
    """Enough data that a write takes long enough to be interrupted."""
    return make_image(tmp_path_factory.mktemp("big"), 160)


@pytest.fixture
def provision_file(tmp_path) -> Path:
    path = tmp_path / "kiosk-01.toml"
    path.write_text('backend_url = "http://motcua.local:8000"\nstation = "rpi-kiosk-portrait"\n'
                    'hostname = "kiosk-01"\ntimezone = "Asia/Ho_Chi_Minh"\n', encoding="utf-8")
    return path


class Loop:
    """Loop devices over plain files, detached at the end."""

    def __init__(self):
        self.devices: list[Path] = []

    def attach(self, backing: Path, size: int, fill: bytes = b"") -> Path:
        with open(backing, "wb") as f:
            f.truncate(size)
            f.write(fill)
        out = subprocess.run(["losetup", "--find", "--show", str(backing)], check=True,
                             capture_output=True, text=True).stdout.strip()
        self.devices.append(Path(out))
        return Path(out)

    def close(self) -> None:
        for dev in self.devices:
            subprocess.run(["losetup", "-d", str(dev)], check=False, capture_output=True)


@pytest.fixture
def loops():
    loop = Loop()
    yield loop
    loop.close()


def sha(path: Path, length: int | None = None) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read(length if length is not None else -1))
    return h.hexdigest()


def dev_number(path: Path) -> str:
    rdev = os.stat(path).st_rdev
    return f"{os.major(rdev)}:{os.minor(rdev)}"
