"""Block maps: made from a real sparse disk image, read back, and understood by bmaptool."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from images import bmap
from images.errors import FlashRefused


def test_map_covers_exactly_the_data_and_checksums_each_range(unit_image):
    bm = bmap.parse(unit_image.with_name("unit.img.bmap"))
    size = unit_image.stat().st_size
    assert bm.image_size == size and bm.block_size == 4096 and bm.checksum_type == "sha256"
    assert 4 << 20 < bm.mapped_bytes < size // 2  # the holes are left out
    data = unit_image.read_bytes()
    for r, offset, length in bm.spans():
        assert hashlib.sha256(data[offset:offset + length]).hexdigest() == r.checksum
    mapped = bytearray(size)
    for _, offset, length in bm.spans():
        mapped[offset:offset + length] = data[offset:offset + length]
    assert bytes(mapped) == data  # whatever is not mapped reads as zeros


def test_an_edited_map_is_refused(unit_image, tmp_path):
    text = unit_image.with_name("unit.img.bmap").read_text()
    edited = tmp_path / "edited.bmap"
    edited.write_text(text.replace("<BlocksCount> ", "<BlocksCount> 1", 1))
    with pytest.raises(FlashRefused, match="own checksum does not match"):
        bmap.parse(edited)
    broken = tmp_path / "broken.bmap"
    broken.write_text(text[:200])
    with pytest.raises(FlashRefused, match="malformed XML"):
        bmap.parse(broken)


def test_found_beside_the_image_by_name(tmp_path):
    image = tmp_path / "kiosk.img.gz"
    image.write_bytes(b"x")
    assert bmap.find_beside(image) is None
    (tmp_path / "kiosk.img.bmap").write_text("")
    assert bmap.find_beside(image) == tmp_path / "kiosk.img.bmap"
    (tmp_path / "kiosk.img.gz.bmap").write_text("")
    assert bmap.find_beside(image) == tmp_path / "kiosk.img.gz.bmap"


def test_bmaptool_accepts_our_map_and_we_read_its_map(unit_image, tmp_path):
    target = tmp_path / "copy.img"
    subprocess.run(["bmaptool", "copy", "--bmap", str(unit_image) + ".bmap", str(unit_image),
                    str(target)], check=True, capture_output=True)
    assert target.read_bytes() == unit_image.read_bytes()
    theirs = tmp_path / "theirs.bmap"
    subprocess.run(["bmaptool", "create", "-o", str(theirs), str(unit_image)], check=True,
                   capture_output=True)
    parsed = bmap.parse(theirs)
    ours = bmap.parse(unit_image.with_name("unit.img.bmap"))
    assert (parsed.image_size, parsed.mapped_bytes) == (ours.image_size, ours.mapped_bytes)
    data = unit_image.read_bytes()
    for r, offset, length in parsed.spans():
        assert hashlib.sha256(data[offset:offset + length]).hexdigest() == r.checksum
