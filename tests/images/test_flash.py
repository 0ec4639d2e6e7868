"""`motcua flash` on image files and loop devices: written, verified, provisioned, or refused."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from images import bmap, disk
from images.errors import FlashRefused
from images.flasher import Job, flash
from images.progress import Progress
from images.target import Host
from tests.images.conftest import dev_number, sha

ROOT = Path(__file__).resolve().parents[2]


def motcua(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backend.cli", "flash", *args], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=300)


def same_mapped_bytes(image: Path, target: Path, since: int = 0) -> bool:
    """Every mapped byte from `since` on (the boot partition changes when provisioned)."""
    bm = bmap.parse(Path(str(image) + ".bmap"))
    with open(image, "rb") as a, open(target, "rb") as b:
        for _, offset, length in bm.spans():
            if offset < since:
                continue
            a.seek(offset)
            b.seek(offset)
            if a.read(length) != b.read(length):
                return False
    return True


def test_flash_to_a_file_writes_the_image_and_the_units_file(unit_image, provision_file,
                                                             tmp_path):
    target = tmp_path / "card.img"
    done = motcua(str(unit_image), str(target), "--provision", str(provision_file))
    assert done.returncode == 0, done.stderr
    assert "written and verified" in done.stdout
    for phase in ("checking image", "writing", "verifying"):
        assert phase in done.stderr
    assert "MB/s" in done.stderr and "còn lại / left" in done.stderr
    part = disk.boot_partition(target)
    assert disk.read_file(target, part, "motcua.toml") == provision_file.read_bytes()
    assert disk.read_file(target, part, "EFI/BOOT/BOOTX64.EFI")  # the image's own files stay
    assert disk.read_table(target) == disk.read_table(unit_image)
    root = disk.read_table(target)[1]
    with open(unit_image, "rb") as a, open(target, "rb") as b:  # root file system untouched
        a.seek(root.offset)
        b.seek(root.offset)
        assert a.read() == b.read()
    assert target.stat().st_blocks * 512 < unit_image.stat().st_size // 2  # holes stay holes


def test_a_corrupted_block_is_refused_before_the_target_is_touched(unit_image, tmp_path):
    bad = tmp_path / "bad.img"
    shutil.copy(unit_image, bad)
    shutil.copy(str(unit_image) + ".bmap", str(bad) + ".bmap")
    last = bmap.parse(Path(str(bad) + ".bmap")).ranges[-2]
    with open(bad, "r+b") as f:
        f.seek(last.first * 4096 + 100)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))
    target = tmp_path / "card.img"
    target.write_bytes(b"old card contents" * 1000)
    before = sha(target)
    done = motcua(str(bad), str(target))
    assert done.returncode == 2
    assert f"blocks {last.first}–{last.last} fail their checksum" in done.stderr
    assert "Ảnh bị hỏng" in done.stderr and "nothing was written" in done.stderr
    assert sha(target) == before


def test_bad_input_is_refused_in_both_languages_with_nothing_written(unit_image, tmp_path):
    target = tmp_path / "card.img"
    bad_toml = tmp_path / "unit.toml"
    bad_toml.write_text('backend_url = "motcua.local"\n')
    done = motcua(str(unit_image), str(target), "--provision", str(bad_toml))
    assert done.returncode == 2 and not target.exists()
    assert "backend_url phải là địa chỉ http(s)://" in done.stderr
    assert "backend_url must be an http(s):// address" in done.stderr
    bad_toml.write_text("backend_url = \n")
    assert "not UTF-8 TOML" in motcua(str(unit_image), str(target), "--provision",
                                      str(bad_toml)).stderr
    lone = tmp_path / "lone.img"
    shutil.copy(unit_image, lone)
    done = motcua(str(lone), str(target))
    assert "Không tìm thấy" in done.stderr and "name one with --bmap" in done.stderr
    done = motcua(str(lone), str(target), "--bmap", str(unit_image) + ".bmap")
    assert done.returncode == 0, done.stderr  # --bmap names a map kept elsewhere
    assert "the target is the image file itself" in motcua(str(lone), str(lone), "--bmap",
                                                           str(unit_image) + ".bmap").stderr
    assert not target.with_suffix(".toml").exists()


def test_a_loop_device_is_written_and_read_back_with_force(unit_image, provision_file, loops,
                                                          tmp_path):
    size = unit_image.stat().st_size
    dev = loops.attach(tmp_path / "card.bin", size + (8 << 20), b"\xaa" * (2 << 20))
    done = motcua(str(unit_image), str(dev), "--provision", str(provision_file), "--yes")
    assert done.returncode == 2
    assert "không phải ổ tháo rời" in done.stderr and "add --force" in done.stderr
    done = motcua(str(unit_image), str(dev), "--provision", str(provision_file), "--yes",
                  "--force")
    assert done.returncode == 0, done.stderr
    assert same_mapped_bytes(unit_image, dev, since=disk.read_table(unit_image)[1].offset)
    assert disk.read_file(dev, disk.boot_partition(dev), "motcua.toml") == \
        provision_file.read_bytes()
    done = motcua(str(unit_image), str(dev), "--force")  # no terminal and no --yes
    assert done.returncode != 0 and "use --yes" in done.stderr


def test_a_short_card_is_refused_untouched(unit_image, loops, tmp_path):
    dev = loops.attach(tmp_path / "short.bin", unit_image.stat().st_size - (1 << 20),
                       b"\x55" * 4096)
    before = sha(dev)
    done = motcua(str(unit_image), str(dev), "--yes", "--force")
    assert done.returncode == 2
    assert "quá nhỏ" in done.stderr and "is too small" in done.stderr
    assert sha(dev) == before


def test_mounted_system_and_partition_targets_are_refused(unit_image, loops, tmp_path):
    dev = loops.attach(tmp_path / "card.bin", unit_image.stat().st_size + (1 << 20))
    job = Job(unit_image, dev, force=True)
    quiet = Progress(io.StringIO())
    mounts = tmp_path / "mounts"
    mounts.write_text(f"{dev} /media/card ext4 rw 0 0\n")
    with pytest.raises(FlashRefused, match=r"is mounted: .* /media/card"):
        flash(job, Host(mounts=(mounts,)), quiet)
    with pytest.raises(FlashRefused, match="the disk this system runs from"):
        flash(job, Host(root_dev=dev_number(dev)), quiet)
    flash(job, Host(), quiet)  # the same card, free: written
    subprocess.run(["partx", "-a", str(dev)], check=True, capture_output=True)
    part = Path(f"{dev}p1")
    with pytest.raises(FlashRefused, match=rf"{part} is a partition; choose the whole card"):
        flash(Job(unit_image, part, force=True), Host(), quiet)
    partitioned = tmp_path / "mounts2"
    partitioned.write_text(f"{part} /boot/efi vfat rw 0 0\n")
    with pytest.raises(FlashRefused, match=r"is mounted: .*p1 /boot/efi"):
        flash(job, Host(mounts=(partitioned,)), quiet)
    subprocess.run(["partx", "-d", str(dev)], check=False, capture_output=True)


def fake_sysfs(root: Path, dev: Path, removable: str, bus: str) -> Path:
    """A sysfs with one disk, the loop device's numbers, under a made-up bus path."""
    name = dev.name
    node = root / "devices" / bus / "block" / name
    node.mkdir(parents=True)
    (node / "removable").write_text(removable + "\n")
    (node / "dev").write_text(dev_number(dev) + "\n")
    (root / "dev" / "block").mkdir(parents=True)
    (root / "dev" / "block" / dev_number(dev)).symlink_to(node)
    (root / "block").mkdir()
    (root / "block" / name).symlink_to(node)
    return root


@pytest.mark.parametrize(("removable", "bus", "accepted"), [
    ("1", "platform", True), ("0", "pci0000:00/usb1/1-1", True), ("0", "pci0000:00/ata1", False)])
def test_removable_cards_need_no_force(unit_image, loops, tmp_path, removable, bus, accepted):
    dev = loops.attach(tmp_path / "card.bin", unit_image.stat().st_size)
    host = Host(sysfs=fake_sysfs(tmp_path / "sys", dev, removable, bus), mounts=())
    job = Job(unit_image, dev)
    if accepted:
        flash(job, host, Progress(io.StringIO()))
        assert same_mapped_bytes(unit_image, dev)
    else:
        with pytest.raises(FlashRefused, match="not a removable disk"):
            flash(job, host, Progress(io.StringIO()))


def test_an_interrupted_write_leaves_no_partition_table_and_a_reflash_works(big_image, tmp_path):
    target = tmp_path / "card.img"
    target.write_bytes(big_image.read_bytes()[:1 << 20])  # the card held a good table before
    assert disk.read_table(target)
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "flash", str(big_image),
                             str(target)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "writing" in line:
            proc.kill()
            break
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -9, "the flasher finished before it could be interrupted"
    assert disk.read_table(target) == []  # a half-written card cannot boot
    with pytest.raises(FlashRefused, match="has no partition table"):
        disk.boot_partition(target)
    done = motcua(str(big_image), str(target))
    assert done.returncode == 0, done.stderr
    assert same_mapped_bytes(big_image, target)


def test_a_write_protected_card_is_named_not_a_traceback(unit_image, loops, tmp_path):
    backing = tmp_path / "locked.bin"
    loops.attach(backing, unit_image.stat().st_size)
    subprocess.run(["losetup", "-d", str(loops.devices.pop())], check=True)
    locked = Path(subprocess.run(["losetup", "--find", "--show", "--read-only", str(backing)],
                                 check=True, capture_output=True, text=True).stdout.strip())
    loops.devices.append(locked)
    done = motcua(str(unit_image), str(locked), "--yes", "--force")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"Lỗi ghi/đọc {locked}" in done.stderr and f"I/O error on {locked}" in done.stderr
