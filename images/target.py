"""What a flash target is, and whether it may be written: checked through sysfs and the mount table.

`Host` holds where those are read from, so tests can hand in a made-up sysfs or mount table
and still use real loop devices and files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from images.errors import FlashRefused


@dataclass(frozen=True)
class Host:
    sysfs: Path = Path("/sys")
    mounts: tuple[Path, ...] = (Path("/proc/mounts"), Path("/proc/swaps"))
    root: Path = Path("/")  # the disk holding this file system is the one the system runs from
    root_dev: str | None = None  # "major:minor", overriding `root`


@dataclass
class Target:
    path: Path
    block: bool
    size: int  # bytes a block device holds; for a file, what its file system can still take
    name: str = ""  # the kernel's name of the whole disk (sdb, mmcblk0, loop3)
    devs: set[str] = field(default_factory=set)  # "major:minor" of the disk and its partitions

    def describe(self, host: Host) -> str:
        if not self.block:
            return str(self.path)
        disk = host.sysfs / "block" / self.name
        model = _read(disk / "device" / "model") or _read(disk / "device" / "name")
        return f"{self.path} ({model or self.name}, {self.size / 1e9:.1f} GB)"

    def serial(self, host: Host) -> str:
        disk = host.sysfs / "block" / self.name
        return _read(disk / "device" / "serial") or _read(disk / "device" / "cid") or ""


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _dev(rdev: int) -> str:
    return f"{os.major(rdev)}:{os.minor(rdev)}"


def _refuse(key: str, vi: str, en: str) -> FlashRefused:
    return FlashRefused(vi, en, key=key)


def inspect(path: Path, host: Host) -> Target:
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return _file_target(path)
    if stat.S_ISBLK(st.st_mode):
        return _block_target(path, st.st_rdev, host)
    if stat.S_ISREG(st.st_mode):
        return _file_target(path)
    raise _refuse("bad_target", f"{path} không phải thiết bị khối hay tệp thường",
                  f"{path} is neither a block device nor a regular file")


def _file_target(path: Path) -> Target:
    if not path.parent.is_dir():
        raise _refuse("bad_target", f"Thư mục {path.parent} không tồn tại",
                      f"the folder {path.parent} does not exist")
    fs = os.statvfs(path.parent)
    have = path.stat().st_blocks * 512 if path.exists() else 0
    return Target(path, False, fs.f_bavail * fs.f_frsize + have)


def _block_target(path: Path, rdev: int, host: Host) -> Target:
    node = (host.sysfs / "dev" / "block" / _dev(rdev)).resolve()
    if (node / "partition").exists():
        raise _refuse("partition_target",
                      f"{path} là một phân vùng; hãy chọn cả thẻ ({node.parent.name})",
                      f"{path} is a partition; choose the whole card ({node.parent.name})")
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
    finally:
        os.close(fd)
    parts = {_read(p / "dev") for p in node.iterdir() if (p / "partition").exists()}
    return Target(path, True, size, node.name, {_dev(rdev), *parts})


def mounted_devs(host: Host) -> dict[str, str]:
    """"major:minor" -> where it is in use, for every device in the mount and swap tables."""
    used = {}
    for table in host.mounts:
        try:
            lines = table.read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            bits = line.split()
            if len(bits) >= 2 and bits[0].startswith("/dev/"):
                try:
                    used[_dev(os.stat(bits[0]).st_rdev)] = f"{bits[0]} {bits[1]}"
                except OSError:
                    continue
    return used


def system_disks(host: Host) -> set[str]:
    """Whole disks under the root file system, through partitions and device-mapper layers."""
    start = host.root_dev or _dev(host.root.stat().st_dev)
    node = (host.sysfs / "dev" / "block" / start).resolve()
    if not node.exists():
        return set()
    return _disks_under(node)


def _disks_under(node: Path) -> set[str]:
    if (node / "partition").exists():
        node = node.parent
    slaves = sorted((node / "slaves").glob("*")) if (node / "slaves").is_dir() else []
    if not slaves:
        return {node.name}
    found: set[str] = set()
    for slave in slaves:
        found |= _disks_under(slave.resolve())
    return found


def removable(target: Target, host: Host) -> bool:
    """Marked removable, on USB (card readers often say 0), or an SD/MMC slot."""
    disk = host.sysfs / "block" / target.name
    if _read(disk / "removable") == "1" or target.name.startswith("mmcblk"):
        return True
    return "/usb" in str(disk.resolve())


def check(target: Target, image_size: int, mapped: int, host: Host, force: bool) -> None:
    """Every refusal, before anything is written."""
    if not target.block:
        if target.size < mapped:
            raise _refuse("target_too_small",
                          f"Không đủ chỗ cho {target.path}: cần {mapped} byte, còn {target.size}",
                          f"not enough room for {target.path}: {mapped} bytes needed, "
                          f"{target.size} free")
        return
    if target.size < image_size:
        raise _refuse("target_too_small",
                      f"Thẻ {target.path} quá nhỏ: ảnh cần {image_size} byte, thẻ có {target.size}",
                      f"card {target.path} is too small: the image needs {image_size} bytes, "
                      f"the card holds {target.size}")
    if target.name in system_disks(host):
        raise _refuse("system_disk", f"{target.path} là ổ đĩa mà hệ thống đang chạy từ đó",
                      f"{target.path} is the disk this system runs from")
    used = mounted_devs(host)
    busy = sorted(used[d] for d in target.devs if d in used)
    if busy:
        raise _refuse("target_mounted",
                      f"{target.path} đang được gắn (mount): {'; '.join(busy)} — hãy umount trước",
                      f"{target.path} is mounted: {'; '.join(busy)} — unmount it first")
    if not force and not removable(target, host):
        raise _refuse("not_removable",
                      f"{target.path} không phải ổ tháo rời được; nếu chắc chắn, thêm --force",
                      f"{target.path} is not a removable disk; add --force if you are sure")
