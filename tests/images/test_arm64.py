"""The Raspberry Pi (arm64) recipe's layout: MBR with the firmware's FAT partition first, the
Pi firmware, device trees, config.txt and cmdline.txt on it, and the same root and data
partitions as the amd64 image.

Said plainly: CI does not debootstrap or boot the arm64 image. Its root comes through
qemu-user-static (every program of the second stage, the initramfs and pip emulated), which
would not fit the CI budget beside the amd64 build and boot, and QEMU cannot boot a Raspberry
Pi's firmware. So the recipe's own functions build the partitions here from a stand-in root
holding the file names Debian's raspi-firmware and linux-image-arm64 install; the binfmt
registration is checked against a folder standing for /proc/sys/fs/binfmt_misc.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from images import build, disk, foreign
from images.errors import FlashRefused

FIRMWARE = ["bootcode.bin", "start4.elf", "fixup4.dat", "start.elf", "fixup.dat"]
DTBS = ["bcm2711-rpi-4-b.dtb", "bcm2837-rpi-3-b-plus.dtb", "bcm2712-rpi-5-b.dtb"]


def stand_in_root(root: Path) -> Path:
    """The files the two Debian packages put where the recipe looks for them."""
    for name in FIRMWARE:
        (root / "usr/lib/raspi-firmware").mkdir(parents=True, exist_ok=True)
        (root / "usr/lib/raspi-firmware" / name).write_bytes(name.encode() * 100)
    dtbs = root / "usr/lib/linux-image-6.1.0-28-arm64/broadcom"
    dtbs.mkdir(parents=True)
    for name in DTBS:
        (dtbs / name).write_bytes(b"\xd0\x0d\xfe\xed" + name.encode())
    (root / "boot").mkdir()
    (root / "boot/vmlinuz-6.1.0-28-arm64").write_bytes(b"kernel" * 1000)
    (root / "boot/initrd.img-6.1.0-28-arm64").write_bytes(b"initrd" * 1000)
    (root / "etc").mkdir()
    (root / "etc/hostname").write_text("motcua-unit\n")
    return root


@pytest.fixture
def recipe(tmp_path) -> build.Recipe:
    return build.Recipe("arm64", "kiosk", True, "http://deb.debian.org/debian", tmp_path)


def test_packages_come_from_debian(recipe):
    assert {"linux-image-arm64", "raspi-firmware"} <= set(recipe.packages())
    assert "systemd-boot-efi" not in recipe.packages()  # the Pi's firmware is its loader
    assert build.BOOT_MOUNT["arm64"] == "/boot/firmware"


def test_partition_layout_and_boot_files(recipe, tmp_path):
    root = stand_in_root(tmp_path / "rootfs")
    work = tmp_path / "work"
    work.mkdir()
    image = tmp_path / "pi.img"
    disk.assemble(image, build.partitions(recipe, root, work), build.TABLES["arm64"][0])
    table = disk.read_table(image)
    assert [p.type for p in table] == ["0x0c", "0x83", "0x83"]  # MBR: FAT32 LBA, Linux, Linux
    boot = disk.boot_partition(image)
    assert boot.number == table[0].number
    for name in [*FIRMWARE, *DTBS]:
        assert disk.read_file(image, boot, name)
    assert disk.read_file(image, boot, "vmlinuz") == b"kernel" * 1000
    config = disk.read_file(image, boot, "config.txt").decode()
    for line in ("arm_64bit=1", "kernel=vmlinuz", "initramfs initrd.img followkernel"):
        assert line in config.splitlines()
    cmdline = disk.read_file(image, boot, "cmdline.txt").decode()
    assert cmdline.count("\n") == 1  # the firmware reads one line
    assert "root=LABEL=motcua-root ro rootwait consoleblank=0" in cmdline


def test_a_root_without_the_pi_firmware_is_refused(recipe, tmp_path):
    root = stand_in_root(tmp_path / "rootfs")
    for name in FIRMWARE:
        (root / "usr/lib/raspi-firmware" / name).unlink()
    with pytest.raises(FlashRefused) as refused:
        build.esp_files(recipe, root, tmp_path)
    assert "raspi-firmware" in refused.value.en and "Raspberry Pi" in refused.value.vi


def test_binfmt_registered_by_hand(tmp_path, monkeypatch):
    binfmt = tmp_path / "binfmt_misc"
    binfmt.mkdir()
    (binfmt / "register").write_text("")
    monkeypatch.setattr(foreign.shutil, "which", lambda name: f"/usr/bin/{name}")
    foreign.ready("arm64", binfmt)
    line = (binfmt / "register").read_text()
    assert line.startswith(":qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01")
    assert line.endswith(":/usr/bin/qemu-aarch64-static:F")  # F: usable inside the chroot
    assert line.count(":") == 7


def test_a_missing_emulator_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(foreign.shutil, "which", lambda name: None)
    with pytest.raises(FlashRefused) as refused:
        foreign.ready("arm64", tmp_path)
    assert "apt-get install qemu-user-static" in refused.value.en
    assert "Cần qemu-aarch64-static" in refused.value.vi


def test_evdev_comes_from_debian_in_a_full_pi_image(tmp_path):
    """No index has an arm64 wheel of evdev: the full Pi image takes Debian's python3-evdev
    (its venv sees the system's site-packages) and asks pip for everything else."""
    pi = build.Recipe("arm64", "kiosk", False, "http://deb.debian.org/debian", tmp_path)
    wheel = tmp_path / "motcua-0.1.0-py3-none-any.whl"
    assert "python3-evdev" in pi.packages() and "libgbm1" in pi.packages()
    wanted = build.requirements(pi, wheel)
    assert wanted[0] == str(wheel)
    assert not [r for r in wanted if r.startswith("evdev")]
    assert "kivy[base]==2.3.1" in wanted and any(r.startswith("opencv") for r in wanted)
    x86 = build.Recipe("amd64", "kiosk", False, "http://deb.debian.org/debian", tmp_path)
    assert build.requirements(x86, wheel) == [f"{wheel}[drivers,apps]"]
    assert "python3-evdev" not in x86.packages()


def test_the_pi_firmware_hook_defers_when_the_initramfs_is_remade(recipe, tmp_path, monkeypatch):
    """In the real build, raspi-firmware's post-update hook stopped `update-initramfs` in the
    root (it looks for a mounted /boot/firmware); the recipe tells it to defer, on arm64 only."""
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(build, "run", lambda *args, **_kw: calls.append(args) or "")
    for root in ("rootfs", "x86"):
        (tmp_path / root / "etc").mkdir(parents=True)
    build.configure(recipe, tmp_path / "rootfs")
    assert calls == [("chroot", str(tmp_path / "rootfs"), "env", "INITRAMFS_TOOLS_KERNEL_HOOK=1",
                      "update-initramfs", "-u", "-k", "all")]
    assert (tmp_path / "rootfs" / "boot" / "firmware").is_dir()
    x86 = build.Recipe("amd64", "kiosk", True, recipe.mirror, tmp_path)
    calls.clear()
    build.configure(x86, tmp_path / "x86")
    assert calls == [("chroot", str(tmp_path / "x86"), "update-initramfs", "-u", "-k", "all")]


def test_wheels_for_the_pi_are_asked_for_every_manylinux_tag_bookworm_loads():
    """The real build found no Pillow with manylinux_2_36 alone: pip does not widen a tag."""
    tags = build.platforms("arm64")
    assert tags[0] == "manylinux_2_17_aarch64" and tags[-1] == "manylinux_2_36_aarch64"
    assert "manylinux_2_28_aarch64" in tags and len(tags) == 20
