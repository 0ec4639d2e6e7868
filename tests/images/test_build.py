"""The amd64 image recipe, built for real (reduced: no graphical stack, no Python dependencies).

Costs, measured on a shared 2-core machine: debootstrap from the Debian mirror about 9 min the
first time (the bootstrapped root is cached in var/image-cache/ for later runs); then about
6 min for the rest of this file (wheel, initramfs, file systems, and the QEMU boot). Marked slow.

Then a card flashed from it (with a provisioning file) boots under QEMU (UEFI, software
emulation: several minutes) to the serial login, the root under its overlay.

Not done here, said plainly: the kiosk service starting and enrolling against a backend on the
host. The first-boot agent (motcua-firstboot.service) and the app units do not exist in
systemd/ yet, and a reduced image has no graphical stack for the kiosk.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from images import bmap, disk
from images.flasher import Job, flash
from images.progress import Progress
from images.target import Host

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    cache = ROOT / "var" / "image-cache"
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "images.build", "--arch", "amd64", "--reduced",
                           "--out", str(out), "--cache", str(cache)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "[7/7] bmap, SHA256SUMS" in done.stdout  # progress shown step by step
    return out / "motcua-kiosk-amd64.img"


def e2fs(tool: list[str], image: Path, part: disk.Partition) -> str:
    """Run an e2fsprogs tool on one partition of the image (`file?offset=N`), no mounting."""
    return subprocess.run([*tool, f"{image}?offset={part.offset}"], capture_output=True,
                          text=True, check=True).stdout


def debugfs(image: Path, part: disk.Partition, command: str) -> str:
    return e2fs(["debugfs", "-R", command], image, part)


def test_partition_table_boot_and_root_contents(built):
    table = disk.read_table(built)
    assert [(p.name, p.type) for p in table] == [
        ("boot", disk.ESP_GUID), ("root", disk.LINUX_GUID), ("data", disk.LINUX_GUID)]
    esp = disk.boot_partition(built)
    entry = disk.read_file(built, esp, "loader/entries/motcua.conf").decode()
    assert "root=LABEL=motcua-root ro" in entry
    assert disk.read_file(built, esp, "EFI/BOOT/BOOTX64.EFI")[:2] == b"MZ"  # a PE binary
    assert disk.read_file(built, esp, "vmlinuz")[:2] == b"MZ"
    assert len(disk.read_file(built, esp, "initrd.img")) > 1 << 20
    fstab = debugfs(built, table[1], "cat /etc/fstab")
    assert "LABEL=motcua-data  /var/lib/motcua" in fstab
    hook = debugfs(built, table[1], "cat /etc/initramfs-tools/scripts/init-bottom/motcua-overlay")
    assert "lowerdir=/motcua-ro" in hook
    assert "60-motcua-printers.rules" in debugfs(built, table[1], "ls /etc/udev/rules.d")
    venv = debugfs(built, table[1], "ls /opt/motcua/venv/lib/python3.11/site-packages")
    assert "backend" in venv and "images" in venv
    assert "profile = \"kiosk\"" in debugfs(built, table[1], "cat /etc/motcua/image.toml")
    assert "volume name:   motcua-data" in e2fs(["dumpe2fs", "-h"], built, table[2])
    assert "volume name:   motcua-root" in e2fs(["dumpe2fs", "-h"], built, table[1])


def test_outputs_sums_manifest_and_map(built):
    out = built.parent
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    manifest = (out / "motcua-kiosk-amd64.manifest").read_text()
    assert "\nlinux-image-amd64\t" in manifest and "\nsystemd\t" in manifest
    assert "motcua==0.1.0" in manifest
    bm = bmap.parse(Path(str(built) + ".bmap"))
    assert bm.mapped_bytes < built.stat().st_size


def test_the_built_image_flashes_and_takes_a_provisioning_file(built, tmp_path):
    unit = tmp_path / "motcua.toml"
    unit.write_text('backend_url = "http://10.0.2.2:8000"\nhostname = "kiosk-01"\n')
    card = tmp_path / "card.img"
    flash(Job(built, card, provision=unit), Host(), Progress(io.StringIO()))
    assert disk.read_file(card, disk.boot_partition(card), "motcua.toml") == unit.read_bytes()


OVMF = Path("/usr/share/OVMF")


def test_a_flashed_card_boots_under_qemu_to_a_read_only_root(built, tmp_path):
    """UEFI firmware -> systemd-boot -> kernel -> the initramfs puts the overlay over the root ->
    systemd reaches the serial login. Software emulation only (no KVM here): minutes, so the
    console is polled with a generous deadline."""
    unit = tmp_path / "motcua.toml"
    unit.write_text('backend_url = "http://10.0.2.2:8000"\nhostname = "kiosk-01"\n')
    card = tmp_path / "card.img"
    flash(Job(built, card, provision=unit), Host(), Progress(io.StringIO()))
    shutil.copy(OVMF / "OVMF_VARS_4M.fd", tmp_path / "vars.fd")
    console = tmp_path / "console.log"
    with open(console, "wb") as out:
        vm = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "q35", "-m", "1024", "-nographic", "-no-reboot",
             "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF / 'OVMF_CODE_4M.fd'}",
             "-drive", f"if=pflash,format=raw,file={tmp_path / 'vars.fd'}",
             "-drive", f"file={card},format=raw,if=virtio"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline and b"login:" not in console.read_bytes():
            assert vm.poll() is None, console.read_bytes()[-3000:].decode(errors="replace")
            time.sleep(2)
    finally:
        vm.kill()
        vm.wait()
    log = console.read_bytes().decode(errors="replace")
    assert "motcua-overlay: root read-only, writes go to a tmpfs overlay" in log
    assert "motcua-unit login:" in log, log[-3000:]
