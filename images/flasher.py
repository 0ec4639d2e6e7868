"""Write an image to a card: only the mapped blocks, every range checked, the unit's file added.

Order of work, so that a failure never leaves a card that looks good:
1. refuse (bad map, corrupted image, wrong/too small/mounted/system/non-removable target)
   before a single byte of the target changes - the image is read and checked in full first;
2. wipe the first MiB (the old partition table), write every mapped range except that MiB,
   flush, then write the first MiB and flush again: a card pulled or a flasher killed midway
   has no partition table, so no unit boots a half-written system;
3. drop the target's cached pages and read every range back against the map (this also
   catches an image that changed between the check and the write);
4. put the unit's `motcua.toml` into the FAT boot partition, found through the partition table.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from images import bmap as bmaps
from images import disk, provision
from images.errors import FlashRefused
from images.progress import Progress
from images.target import Host, Target, check, inspect

CHUNK = 4 << 20
HEAD = 1 << 20  # holds the MBR/GPT: written last
HASHERS = 2


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


def _first_bad(fd: int, bm: bmaps.Bmap, progress: Progress) -> bmaps.Range | None:
    """The first range whose bytes in `fd` fail the map's checksum, or None.

    Ranges are hashed two at a time: hashlib lets go of the GIL, and on a small board's CPU
    hashing, not the card, is what a check pass waits for.
    """
    def digest(span):
        _, offset, length = span
        return bmaps.hash_span(fd, offset, length, bm.checksum_type)

    spans = list(bm.spans())
    with ThreadPoolExecutor(max_workers=HASHERS) as pool:
        for (r, _, length), got in zip(spans, pool.map(digest, spans), strict=True):
            if got != r.checksum:
                pool.shutdown(cancel_futures=True)
                return r
            progress.advance(length)
    return None


def verify_image(fd: int, bm: bmaps.Bmap, progress: Progress) -> None:
    progress.start("kiểm tra ảnh / checking image", bm.mapped_bytes)
    bad = _first_bad(fd, bm, progress)
    if bad is not None:
        raise _refuse("image_corrupt",
                      f"Ảnh bị hỏng: khối {_blocks(bad)} không khớp tổng kiểm tra; "
                      "thẻ chưa bị ghi gì",
                      f"the image is corrupted: blocks {_blocks(bad)} fail their checksum; "
                      "nothing was written to the card")
    progress.done()


def _open_target(target: Target, size: int) -> int:
    if target.block:
        return os.open(target.path, os.O_WRONLY)
    fd = os.open(target.path, os.O_WRONLY | os.O_CREAT, 0o644)
    os.ftruncate(fd, 0)  # a file target becomes exactly the image, holes and all
    os.ftruncate(fd, size)
    return fd


def _copy_range(src: int, dst: int, offset: int, length: int, buf: bytearray,
                head: bytearray, progress: Progress) -> None:
    """Copy one range; its check is the read-back, which compares the card with the map."""
    view, end = memoryview(buf), offset + length
    while offset < end:
        n = os.preadv(src, [view[:min(len(view), end - offset)]], offset)
        if n <= 0:
            raise _refuse("image_short", "Tệp ảnh ngắn hơn bản đồ khối",
                          "the image file is shorter than its block map")
        keep = max(0, min(HEAD - offset, n))  # the first MiB waits until the rest is on disk
        head[offset:offset + keep] = view[:keep]
        if n > keep:
            os.pwrite(dst, view[keep:n], offset + keep)
        offset += n
        progress.advance(n)


def write(src: int, target: Target, bm: bmaps.Bmap, progress: Progress, buf: bytearray) -> None:
    head_len = min(HEAD, bm.image_size)
    head = bytearray(head_len)
    dst = _open_target(target, bm.image_size)
    try:
        os.pwrite(dst, head, 0)  # wipe the old table first
        progress.start("ghi / writing", bm.mapped_bytes)
        for _, offset, length in bm.spans():
            _copy_range(src, dst, offset, length, buf, head, progress)
        os.fsync(dst)
        os.pwrite(dst, head, 0)
        os.fsync(dst)
        progress.done()
    finally:
        os.close(dst)


def verify_target(target: Target, bm: bmaps.Bmap, progress: Progress) -> None:
    fd = os.open(target.path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # read the medium, not the cache
        progress.start("đọc lại / verifying", bm.mapped_bytes)
        bad = _first_bad(fd, bm, progress)
    finally:
        os.close(fd)
    if bad is not None:
        _wipe_head(target)
        raise _refuse("verify_failed",
                      f"Đọc lại {target.path} sai ở khối {_blocks(bad)}: thẻ có thể hỏng "
                      "(hoặc ảnh đã đổi trong khi ghi); bảng phân vùng đã bị xoá để thẻ "
                      "không được dùng",
                      f"reading {target.path} back fails at blocks {_blocks(bad)}: the card may "
                      "be faulty (or the image changed while being written); its partition "
                      "table was wiped so it is not used")
    progress.done()


def _wipe_head(target: Target) -> None:
    fd = os.open(target.path, os.O_WRONLY)
    try:
        os.pwrite(fd, bytes(HEAD), 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def _io(step, target: Target, *args) -> None:
    """A card that fails to open, fills up or breaks midway is named, not a traceback."""
    try:
        step(*args)
    except OSError as exc:
        raise _refuse("target_io",
                      f"Lỗi ghi/đọc {target.path}: {exc.strerror}; thẻ không dùng được, "
                      "hãy ghi lại (hoặc thay thẻ)",
                      f"I/O error on {target.path}: {exc.strerror}; the card is not usable, "
                      "flash it again (or use another card)") from None


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
    src = os.open(job.image, os.O_RDONLY)
    try:
        verify_image(src, bm, progress)
        _io(write, target, src, target, bm, progress, bytearray(CHUNK))
    finally:
        os.close(src)
    _io(verify_target, target, target, bm, progress)
    if data is not None:
        with tempfile.TemporaryDirectory() as tmp:
            provision_target(target.path, data, Path(tmp) / provision.FILE_NAME)
    return target
