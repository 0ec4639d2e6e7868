"""Block maps in bmaptool's XML format (version 2.0, a checksum per range).

A block map lists the blocks of an image that hold data; the rest are holes that need not be
written. Each range carries the checksum of its bytes, and the file carries its own checksum
(computed with that field set to zeros), so a flasher can tell a damaged image or map apart
from a good one before it writes anything.
"""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from images.errors import FlashRefused

BLOCK_SIZE = 4096
_CHUNK = 4 << 20


@dataclass(frozen=True)
class Range:
    first: int  # first block, inclusive
    last: int  # last block, inclusive
    checksum: str

    def span(self, block_size: int, image_size: int) -> tuple[int, int]:
        """Byte offset and length; the image's last block may be short."""
        start = self.first * block_size
        return start, min((self.last + 1) * block_size, image_size) - start


@dataclass(frozen=True)
class Bmap:
    image_size: int
    block_size: int
    blocks_count: int
    checksum_type: str
    ranges: tuple[Range, ...]

    @property
    def mapped_bytes(self) -> int:
        return sum(r.span(self.block_size, self.image_size)[1] for r in self.ranges)

    def spans(self):
        """(range, offset, length) in image order."""
        for r in self.ranges:
            yield (r, *r.span(self.block_size, self.image_size))


def _bad(path: Path, vi: str, en: str) -> FlashRefused:
    return FlashRefused(f"Tệp bản đồ khối {path} không hợp lệ: {vi}",
                        f"the block map {path} is not valid: {en}", key="bad_bmap")


def _text(root: ET.Element, tag: str, path: Path) -> str:
    node = root.find(tag)
    if node is None or not (node.text or "").strip():
        raise _bad(path, f"thiếu <{tag}>", f"<{tag}> is missing")
    return node.text.strip()


def _number(root: ET.Element, tag: str, path: Path) -> int:
    value = _text(root, tag, path)
    if not value.isdigit():
        raise _bad(path, f"<{tag}> không phải số: {value!r}", f"<{tag}> is not a number: {value!r}")
    return int(value)


def _check_own_checksum(raw: str, root: ET.Element, kind: str, path: Path) -> None:
    node = root.find("BmapFileChecksum")
    if node is None:  # bmaptool's maps before 1.4 carry none
        return
    stated = (node.text or "").strip()
    computed = hashlib.new(kind, raw.replace(stated, "0" * len(stated)).encode()).hexdigest()
    if computed != stated:
        raise _bad(path, "tổng kiểm tra của chính tệp không khớp (tệp bị hỏng hoặc bị sửa)",
                   "its own checksum does not match (the file is damaged or was edited)")


def _range(node: ET.Element, blocks: int, path: Path) -> Range:
    text = (node.text or "").strip()
    first, _, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        raise _bad(path, f"khoảng khối sai: {text!r}", f"bad block range: {text!r}")
    r = Range(int(first), int(last or first), node.get("chksum", ""))
    if r.first > r.last or r.last >= blocks or not r.checksum:
        raise _bad(path, f"khoảng khối {text} ngoài ảnh hoặc thiếu chksum",
                   f"block range {text} lies outside the image or has no chksum")
    return r


def parse(path: Path) -> Bmap:
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise _bad(path, f"XML sai ({exc})", f"malformed XML ({exc})") from None
    version = root.get("version", "")
    if root.tag != "bmap" or not version.startswith(("1.", "2.")):
        raise _bad(path, f"không phải bmap phiên bản 1/2 ({version!r})",
                   f"not a version 1/2 bmap ({version!r})")
    kind = root.findtext("ChecksumType", "sha1").strip()
    if kind not in ("sha1", "sha256"):
        raise _bad(path, f"kiểu tổng kiểm tra lạ: {kind}", f"unknown checksum type: {kind}")
    _check_own_checksum(raw, root, kind, path)
    bmap = Bmap(_number(root, "ImageSize", path), _number(root, "BlockSize", path),
                _number(root, "BlocksCount", path), kind, ())
    ranges = tuple(_range(n, bmap.blocks_count, path) for n in root.iterfind("BlockMap/Range"))
    return Bmap(bmap.image_size, bmap.block_size, bmap.blocks_count, kind, ranges)


def find_beside(image: Path) -> Path | None:
    """As bmaptool does: `a.img.gz` -> `a.img.gz.bmap`, then `a.img.bmap`, then `a.bmap`."""
    stem = str(image)
    while True:
        candidate = Path(stem + ".bmap")
        if candidate.is_file():
            return candidate
        stem, ext = os.path.splitext(stem)
        if not ext:
            return None


def data_extents(fd: int, size: int):
    """Byte extents that hold data, as the file system reports them (SEEK_DATA/SEEK_HOLE)."""
    pos = 0
    while pos < size:
        try:
            start = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError:  # ENXIO: only a hole is left
            return
        end = os.lseek(fd, start, os.SEEK_HOLE)
        yield start, min(end, size)
        pos = end


def mapped_blocks(fd: int, size: int, block_size: int) -> list[tuple[int, int]]:
    """Inclusive block ranges that touch data, merged where they meet."""
    blocks: list[tuple[int, int]] = []
    for start, end in data_extents(fd, size):
        first, last = start // block_size, (end - 1) // block_size
        if blocks and first <= blocks[-1][1] + 1:
            blocks[-1] = (blocks[-1][0], max(last, blocks[-1][1]))
        else:
            blocks.append((first, last))
    return blocks


def hash_span(fd: int, offset: int, length: int, kind: str, buf: bytearray | None = None) -> str:
    h = hashlib.new(kind)
    view = memoryview(buf or bytearray(_CHUNK))
    while length > 0:
        n = os.preadv(fd, [view[:min(length, len(view))]], offset)
        if n <= 0:
            break  # a short file: the checksum then cannot match
        h.update(view[:n])
        offset, length = offset + n, length - n
    return h.hexdigest()


def generate(image: Path, block_size: int = BLOCK_SIZE, kind: str = "sha256") -> str:
    """The bmap XML text of an image file, checksums included."""
    image = Path(image)
    size = image.stat().st_size
    fd = os.open(image, os.O_RDONLY)
    try:
        lines = []
        mapped = 0
        for first, last in mapped_blocks(fd, size, block_size):
            r = Range(first, last, "")
            offset, length = r.span(block_size, size)
            text = f"{first}-{last}" if last > first else str(first)
            lines.append(f'        <Range chksum="{hash_span(fd, offset, length, kind)}"> '
                         f"{text} </Range>")
            mapped += last - first + 1
    finally:
        os.close(fd)
    return _document(size, block_size, mapped, kind, lines)


def _document(size: int, block_size: int, mapped: int, kind: str, lines: list[str]) -> str:
    zeros = "0" * hashlib.new(kind).digest_size * 2
    blocks = (size + block_size - 1) // block_size
    text = "\n".join([
        '<?xml version="1.0" ?>',
        '<bmap version="2.0">',
        f"    <ImageSize> {size} </ImageSize>",
        f"    <BlockSize> {block_size} </BlockSize>",
        f"    <BlocksCount> {blocks} </BlocksCount>",
        f"    <MappedBlocksCount> {mapped} </MappedBlocksCount>",
        f"    <ChecksumType> {kind} </ChecksumType>",
        f"    <BmapFileChecksum> {zeros} </BmapFileChecksum>",
        "    <BlockMap>", *lines, "    </BlockMap>", "</bmap>", ""])
    return text.replace(zeros, hashlib.new(kind, text.encode()).hexdigest())


def write_for(image: Path, block_size: int = BLOCK_SIZE) -> Path:
    """Write `<image>.bmap` beside the image and return its path."""
    path = Path(str(image) + ".bmap")
    path.write_text(generate(image, block_size), encoding="utf-8")
    return path
