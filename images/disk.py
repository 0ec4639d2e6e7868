"""Disk images as plain files: partition tables read and written without loop devices or mounts.

The FAT boot partition is reached through mtools at a byte offset (`-i disk@@offset`), so a card
or an image file is changed in place without mounting it - this machine's kernel, like many
build hosts, cannot mount FAT at all.
"""

from __future__ import annotations

import os
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from images.bmap import data_extents
from images.errors import FlashRefused

SECTOR = 512
ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
BASIC_DATA_GUID = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
LINUX_GUID = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
_FAT_MBR_TYPES = {0x01, 0x04, 0x06, 0x0B, 0x0C, 0x0E, 0xEF}
_MIB = 1 << 20


@dataclass(frozen=True)
class Partition:
    number: int
    offset: int  # bytes
    size: int  # bytes
    type: str  # GPT type GUID, or the MBR type as "0x0c"
    name: str = ""

    @property
    def is_fat(self) -> bool:
        if self.type.startswith("0x"):
            return int(self.type, 16) in _FAT_MBR_TYPES
        return self.type in (ESP_GUID, BASIC_DATA_GUID)


def _guid(raw: bytes) -> str:
    a, b, c = struct.unpack("<IHH", raw[:8])
    return f"{a:08X}-{b:04X}-{c:04X}-{raw[8:10].hex().upper()}-{raw[10:16].hex().upper()}"


def _gpt(fd: int) -> list[Partition]:
    header = os.pread(fd, 92, SECTOR)
    if header[:8] != b"EFI PART":
        return []
    entries_lba, count, entry_size = struct.unpack_from("<QII", header, 72)
    table = os.pread(fd, count * entry_size, entries_lba * SECTOR)
    parts = []
    for i in range(count):
        entry = table[i * entry_size:(i + 1) * entry_size]
        if len(entry) < 128 or entry[:16] == bytes(16):
            continue
        first, last = struct.unpack_from("<QQ", entry, 32)
        name = entry[56:128].decode("utf-16-le", "replace").rstrip("\0")
        parts.append(Partition(i + 1, first * SECTOR, (last - first + 1) * SECTOR,
                               _guid(entry[:16]), name))
    return parts


def _mbr(sector: bytes) -> list[Partition]:
    parts = []
    for i in range(4):
        kind, = struct.unpack_from("<B", sector, 446 + i * 16 + 4)
        start, count = struct.unpack_from("<II", sector, 446 + i * 16 + 8)
        if kind and count:
            parts.append(Partition(i + 1, start * SECTOR, count * SECTOR, f"0x{kind:02x}"))
    return parts


def read_table(path: Path) -> list[Partition]:
    """Partitions of a disk image or block device; [] when it carries no table."""
    fd = os.open(path, os.O_RDONLY)
    try:
        sector = os.pread(fd, SECTOR, 0)
        if len(sector) < SECTOR or sector[510:512] != b"\x55\xaa":
            return []
        parts = _mbr(sector)
        if any(p.type == "0xee" for p in parts):
            return _gpt(fd)
        return parts
    finally:
        os.close(fd)


def boot_partition(path: Path) -> Partition:
    """The FAT partition the first-boot files go to: the EFI system partition, or the first FAT."""
    parts = read_table(path)
    if not parts:
        raise FlashRefused(f"{path} không có bảng phân vùng (MBR/GPT)",
                           f"{path} has no partition table (MBR/GPT)", key="no_partition_table")
    for p in sorted(parts, key=lambda p: (p.type != ESP_GUID, p.number)):
        if p.is_fat:
            return p
    raise FlashRefused(f"{path} không có phân vùng khởi động FAT",
                       f"{path} has no FAT boot partition", key="no_boot_partition")


def _mtools_env() -> dict:
    """mtools' geometry check is off: a partition inside a disk image has no drive geometry."""
    return {**os.environ, "MTOOLS_SKIP_CHECK": "1"}


def mtools(*args: str) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, env=_mtools_env(),
                          check=False)
    if done.returncode:
        raise FlashRefused(f"Lệnh {args[0]} thất bại: {done.stderr.strip()}",
                           f"{args[0]} failed: {done.stderr.strip()}", key="mtools_failed")
    return done.stdout


def fat_spec(disk: Path, part: Partition) -> str:
    return f"{disk}@@{part.offset}"


def put_file(disk: Path, part: Partition, data: bytes, name: str, scratch: Path) -> None:
    """Write one file into a FAT partition of a disk without mounting it, then read it back."""
    scratch.write_bytes(data)
    mtools("mcopy", "-o", "-i", fat_spec(disk, part), str(scratch), f"::{name}")
    if read_file(disk, part, name) != data:
        raise FlashRefused(f"Đọc lại {name} trên {disk} không khớp với tệp đã ghi",
                           f"{name} read back from {disk} differs from what was written",
                           key="provision_readback")


def read_file(disk: Path, part: Partition, name: str) -> bytes:
    done = subprocess.run(["mtype", "-i", fat_spec(disk, part), f"::{name}"],
                          capture_output=True, env=_mtools_env(), check=False)
    return done.stdout if done.returncode == 0 else b""


# --- assembling a disk from partition files (used by the image builder and by tests) ---

@dataclass(frozen=True)
class PartSpec:
    name: str
    type: str  # sfdisk type: a GPT GUID, or an MBR type such as "c"
    content: Path  # a file holding the partition's file system


def make_fat(path: Path, size: int, label: str, files: dict[str, Path]) -> Path:
    """A FAT file system in a plain file, filled through mtools."""
    with open(path, "wb") as f:
        f.truncate(size)
    mtools("mformat", "-i", str(path), "-v", label, "-T", str(size // SECTOR),
           "-h", "64", "-s", "32", "::")
    for name in sorted(files):
        for parent in _parents(name):
            subprocess.run(["mmd", "-D", "s", "-i", str(path), f"::{parent}"],
                           capture_output=True, env=_mtools_env(),
                           check=False)  # already there is fine
        mtools("mcopy", "-o", "-i", str(path), str(files[name]), f"::{name}")
    return path


def _parents(name: str) -> list[str]:
    bits = name.split("/")[:-1]
    return ["/".join(bits[:i + 1]) for i in range(len(bits))]


def make_ext4(path: Path, size: int, label: str, source: Path) -> Path:
    """An ext4 file system filled from a directory (`mkfs.ext4 -d`), no mounting."""
    if path.exists():
        path.unlink()
    done = subprocess.run(["mkfs.ext4", "-q", "-F", "-L", label, "-d", str(source), str(path),
                           f"{size // 1024}k"], capture_output=True, text=True, check=False)
    if done.returncode:
        raise FlashRefused(f"mkfs.ext4 thất bại: {done.stderr.strip()}",
                           f"mkfs.ext4 failed: {done.stderr.strip()}", key="mkfs_failed")
    return path


def _round_up(n: int, step: int = _MIB) -> int:
    return (n + step - 1) // step * step


def assemble(disk: Path, parts: list[PartSpec], label: str = "gpt") -> list[Partition]:
    """A disk image holding the given partition files, 1 MiB aligned, holes kept as holes;
    `label` "gpt" (types are GUIDs) or "dos" (MBR, types like "c" for FAT32 LBA)."""
    sizes = [_round_up(p.content.stat().st_size) for p in parts]
    total = _MIB + sum(sizes) + _MIB  # room for both GPT copies
    with open(disk, "wb") as f:
        f.truncate(total)
    named = label == "gpt"  # MBR partitions have no names
    script = [f"label: {label}"] + [
        f"size={size // SECTOR}, type={p.type}" + (f", name={p.name}" if named else "")
        for p, size in zip(parts, sizes, strict=True)]
    done = subprocess.run(["sfdisk", "-q", "--no-reread", "--no-tell-kernel", str(disk)],
                          input="\n".join(script) + "\n", capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise FlashRefused(f"sfdisk thất bại: {done.stderr.strip()}",
                           f"sfdisk failed: {done.stderr.strip()}", key="sfdisk_failed")
    table = read_table(disk)
    for spec, part in zip(parts, table, strict=True):
        _copy_sparse(spec.content, disk, part.offset)
    return table


def _copy_sparse(source: Path, disk: Path, offset: int) -> None:
    with open(source, "rb") as src, open(disk, "r+b") as dst:
        size = os.fstat(src.fileno()).st_size
        for start, end in data_extents(src.fileno(), size):
            pos = start
            while pos < end:
                chunk = os.pread(src.fileno(), min(4 * _MIB, end - pos), pos)
                os.pwrite(dst.fileno(), chunk, offset + pos)
                pos += len(chunk)
