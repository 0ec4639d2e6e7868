"""Write an image to a card: only the mapped blocks, every range checked, the unit's file added.

Order of work, so that a failure never leaves a card that looks good:
1. refuse (bad map, corrupted image, wrong/too small/mounted/system/non-removable target)
   before a single byte of the target changes - the image is read and checked in full first;
2. wipe the first MiB (the old partition table), write every mapped range except that MiB,
   flush, then write the first MiB and flush again: a card pulled or a flasher killed midway
   has no partition table, so no unit boots a half-written system;
3. drop the target's cached pages and read every range back against the map;
4. put the unit's `motcua.toml` into the FAT boot partition, found through the partition table.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from images import bmap as bmaps
from images import disk, provision
from images.errors import FlashRefused
from images.progress import Progress
from images.target import Host, Target, check, inspect

CHUNK = 4 << 20
HEAD = 1 << 20  # holds the MBR/GPT: written last


@dataclass
class Job:
    image: Path
    target: Path
    bmap: Path | None = None
    provision: Path | None = None
    force: bool = False


def _refuse(key: str, vi: str, en: str) -> FlashRefused:
    return FlashRefused(vi, en, key=key)


def load_map(image: Path, explicit: Path | None) -> bmaps.Bmap:
    if not image.is_file():
        raise _refuse("no_image", f"Không có tệp ảnh {image}", f"no image file {image}")
    path = explicit or bmaps.find_beside(image)
    if path is None:
        raise _refuse("no_bmap", f"Không tìm thấy {image}.bmap; hãy chỉ ra bằng --bmap",
                      f"no {image}.bmap found; name one with --bmap")
    found = bmaps.parse(path)
    if found.image_size != image.stat().st_size:
        raise _refuse("bmap_mismatch",
                      f"Bản đồ khối {path} dành cho ảnh {found.image_size} byte, "
                      f"nhưng {image} có {image.stat().st_size} byte",
                      f"the block map {path} is for a {found.image_size}-byte image, "
                      f"but {image} has {image.stat().st_size} bytes")
    return found


def _blocks(r: bmaps.Range) -> str:
    return f"{r.first}–{r.last}"


def verify_image(fd: int, bm: bmaps.Bmap, progress: Progress, buf: bytearray) -> None:
    progress.start("kiểm tra ảnh / checking image", bm.mapped_bytes)
    for r, offset, length in bm.spans():
        if bmaps.hash_span(fd, offset, length, bm.checksum_type, buf) != r.checksum:
            raise _refuse("image_corrupt",
                          f"Ảnh bị hỏng: khối {_blocks(r)} không khớp tổng kiểm tra; "
                          "thẻ chưa bị ghi gì",
                          f"the image is corrupted: blocks {_blocks(r)} fail their checksum; "
                          "nothing was written to the card")
        progress.advance(length)
    progress.done()


def _open_target(target: Target, size: int) -> int:
    if target.block:
        return os.open(target.path, os.O_WRONLY)
    fd = os.open(target.path, os.O_WRONLY | os.O_CREAT, 0o644)
    os.ftruncate(fd, 0)  # a file target becomes exactly the image, holes and all
    os.ftruncate(fd, size)
    return fd


def _copy_range(src: int, dst: int, r: bmaps.Range, offset: int, length: int, kind: str,
                buf: bytearray, head: bytearray, progress: Progress) -> None:
    h, view, end = hashlib.new(kind), memoryview(buf), offset + length
    while offset < end:
        n = os.preadv(src, [view[:min(len(view), end - offset)]], offset)
        if n <= 0:
            break
        h.update(view[:n])
        keep = max(0, min(HEAD - offset, n))  # the first MiB waits until the rest is on disk
        head[offset:offset + keep] = view[:keep]
        if n > keep:
            os.pwrite(dst, view[keep:n], offset + keep)
        offset += n
        progress.advance(n)
    if h.hexdigest() != r.checksum:
        raise _refuse("image_changed",
                      f"Ảnh thay đổi trong khi ghi (khối {_blocks(r)}); thẻ không dùng được",
                      f"the image changed while being written (blocks {_blocks(r)}); "
                      "the card is not usable")


def write(src: int, target: Target, bm: bmaps.Bmap, progress: Progress, buf: bytearray) -> None:
    head_len = min(HEAD, bm.image_size)
    head = bytearray(head_len)
    dst = _open_target(target, bm.image_size)
    try:
        os.pwrite(dst, head, 0)  # wipe the old table first
        progress.start("ghi / writing", bm.mapped_bytes)
        for r, offset, length in bm.spans():
            _copy_range(src, dst, r, offset, length, bm.checksum_type, buf, head, progress)
        os.fsync(dst)
        os.pwrite(dst, head, 0)
        os.fsync(dst)
        progress.done()
    finally:
        os.close(dst)


def verify_target(target: Target, bm: bmaps.Bmap, progress: Progress, buf: bytearray) -> None:
    fd = os.open(target.path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # read the medium, not the cache
        progress.start("đọc lại / verifying", bm.mapped_bytes)
        for r, offset, length in bm.spans():
            if bmaps.hash_span(fd, offset, length, bm.checksum_type, buf) != r.checksum:
                _wipe_head(target)
                raise _refuse("verify_failed",
                              f"Đọc lại {target.path} sai ở khối {_blocks(r)}: thẻ có thể hỏng; "
                              "bảng phân vùng đã bị xoá để thẻ không được dùng",
                              f"reading {target.path} back fails at blocks {_blocks(r)}: the "
                              "card may be faulty; its partition table was wiped so it is not used")
            progress.advance(length)
        progress.done()
    finally:
        os.close(fd)


def _wipe_head(target: Target) -> None:
    fd = os.open(target.path, os.O_WRONLY)
    try:
        os.pwrite(fd, bytes(HEAD), 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def provision_target(target: Path, data: bytes, scratch: Path) -> disk.Partition:
    part = disk.boot_partition(target)
    disk.put_file(target, part, data, provision.FILE_NAME, scratch)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)  # mtools closes without flushing a block device's cache
    finally:
        os.close(fd)
    return part


def prepare(job: Job, host: Host) -> tuple[bmaps.Bmap, Target, bytes | None]:
    """Everything that can refuse without reading the whole image."""
    bm = load_map(Path(job.image), job.bmap)
    data = provision.load(job.provision) if job.provision else None
    target = inspect(Path(job.target), host)
    if not target.block and target.path.exists() and target.path.samefile(job.image):
        raise _refuse("target_is_image", "Đích ghi chính là tệp ảnh",
                      "the target is the image file itself")
    check(target, bm.image_size, bm.mapped_bytes, host, job.force)
    return bm, target, data


def flash(job: Job, host: Host | None = None, progress: Progress | None = None,
          confirm=None) -> Target:
    """Flash one card; `confirm(target)` is asked once every check has passed."""
    host, progress = host or Host(), progress or Progress()
    bm, target, data = prepare(job, host)
    if confirm is not None and not confirm(target):
        raise _refuse("not_confirmed", "Đã huỷ, thẻ chưa bị ghi gì",
                      "cancelled; nothing was written to the card")
    buf = bytearray(CHUNK)
    src = os.open(job.image, os.O_RDONLY)
    try:
        verify_image(src, bm, progress, buf)
        write(src, target, bm, progress, buf)
    finally:
        os.close(src)
    verify_target(target, bm, progress, buf)
    if data is not None:
        with tempfile.TemporaryDirectory() as tmp:
            provision_target(target.path, data, Path(tmp) / provision.FILE_NAME)
    return target
