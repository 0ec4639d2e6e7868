"""The amd64 image recipe, built for real (reduced: no graphical stack, no camera libraries).

Costs, measured on a shared 2-core machine at a load average near 19: debootstrap from the
Debian mirror about 8.5 min and the wheels about 0.5 min the first time (both cached in
var/image-cache/ for later runs); then about 8 min for this file (build about 4 min; the
QEMU boot to the kiosk's READY about 4 min, the guest's clock saying 112 s). Marked slow.

A card flashed from it, provisioned with a `motcua.toml` that points at a backend this test
starts on the host (QEMU's user network reaches the host's loopback at 10.0.2.2) and a fresh
code from `motcua device enrol-code`, boots under QEMU (UEFI, software emulation) once; in that
boot the root is under its overlay, the first-boot agent trades the code for the unit's token,
and the kiosk unit starts. Said plainly: the kiosk runs HEADLESS here (`python -m kiosk_app
--headless`, a drop-in the reduced image adds; no devices): QEMU without a GPU and an image
without the graphical stack cannot show the Kivy window, so READY means "the backend answered
the heartbeat made with the unit's own token", not "the first frame is drawn".
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from backend.app import create_app
from images import bmap, disk
from images.flasher import Job, flash
from images.progress import Progress
from images.target import Host
from tests.backend.conftest import LiveServer, free_port

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


def test_lock_down_in_the_built_root(built):
    """systemd/lockdown is in /etc, Ctrl-Alt-Del and the text-console gettys are masked, the
    console never blanks, and the motcua user exists before the first boot."""
    root = disk.read_table(built)[1]
    for masked in ("ctrl-alt-del.target", "getty@.service", "autovt@.service",
                   "getty-static.service", "motcua-firstboot-screen.service"):
        assert 'Fast link dest: "/dev/null"' in debugfs(built, root,
                                                       f"stat /etc/systemd/system/{masked}")
    assert "NAutoVTs=0" in debugfs(built, root, "cat /etc/systemd/logind.conf.d/motcua.conf")
    assert "CtrlAltDelBurstAction=none" in debugfs(
        built, root, "cat /etc/systemd/system.conf.d/motcua.conf")
    assert "kernel.sysrq = 0" in debugfs(built, root, "cat /etc/sysctl.d/90-motcua.conf")
    assert "85-motcua-no-usb-storage.rules" in debugfs(built, root, "ls /etc/udev/rules.d")
    assert re.search(r"^motcua:x:\d+:\d+:", debugfs(built, root, "cat /etc/passwd"), re.M)
    entry = disk.read_file(built, disk.boot_partition(built), "loader/entries/motcua.conf")
    assert " consoleblank=0" in entry.decode() and " ro " in entry.decode()
    wants = debugfs(built, root, "ls /etc/systemd/system/multi-user.target.wants")
    assert "motcua-kiosk.service" in wants and "motcua-counter.service" not in wants


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    """The site's backend on the host's loopback, on a port the OS picks."""
    db = tmp_path_factory.mktemp("backend") / "motcua.sqlite"
    motcua("--db", str(db), "db", "init")
    live = LiveServer(create_app(db), free_port()).start()
    yield live, db
    live.stop()


def motcua(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "backend.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


OVMF = Path("/usr/share/OVMF")
STATION = "x86-kiosk-landscape"


def boot(card: Path, tmp_path: Path, done, deadline_s: float = 900) -> str:
    """Boot `card` under QEMU (UEFI, user network) until `done(console)`; the console log."""
    shutil.copy(OVMF / "OVMF_VARS_4M.fd", tmp_path / "vars.fd")
    console = tmp_path / "console.log"
    with open(console, "wb") as out:
        vm = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "q35", "-m", "1024", "-nographic", "-no-reboot",
             "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF / 'OVMF_CODE_4M.fd'}",
             "-drive", f"if=pflash,format=raw,file={tmp_path / 'vars.fd'}",
             "-drive", f"file={card},format=raw,if=virtio",
             "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline and not done(plain(console)):
            assert vm.poll() is None, plain(console)[-3000:]
            time.sleep(2)
    finally:
        vm.kill()
        vm.wait()
    return plain(console)


def plain(console: Path) -> str:
    """The serial console's text without systemd's colours."""
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", console.read_bytes().decode(errors="replace"))


def test_a_flashed_card_boots_to_an_enrolled_kiosk(built, backend, tmp_path):
    """UEFI firmware -> systemd-boot -> kernel -> the initramfs puts the overlay over the root
    -> first boot trades the code -> the kiosk unit is READY after a heartbeat. One boot,
    everything checked in it; software emulation only (no KVM here): minutes."""
    server, db = backend
    said = motcua("--db", str(db), "device", "enrol-code", "--station", STATION, "--ttl", "30m")
    code = re.search(r"code: (\S+)", said).group(1)
    unit = tmp_path / "motcua.toml"
    unit.write_text(f'backend_url = "http://10.0.2.2:{server.url.rsplit(":", 1)[1]}"\n'
                    f'station = "{STATION}"\nhostname = "kiosk-01"\nenrol_code = "{code}"\n')
    card = tmp_path / "card.img"
    flash(Job(built, card, provision=unit), Host(), Progress(io.StringIO()))

    def seen(db_path: Path) -> dict | None:
        with sqlite3.connect(db_path) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute("select * from devices where name = 'kiosk-01'").fetchone()
        return dict(row) if row else None

    def kiosk_ready(log: str) -> bool:
        return "motcua-kiosk: READY (headless)" in log and bool((seen(db) or {}).get("last_seen"))

    log = boot(card, tmp_path, kiosk_ready)
    # printed by the kiosk right after systemd took its READY=1 (the unit's output goes to the
    # console in the reduced image); the heartbeat that made it READY is on the backend
    assert "motcua-kiosk: READY (headless)" in log, log[-4000:]
    assert "motcua-overlay: root read-only, writes go to a tmpfs overlay" in log
    assert re.search(r"Kernel command line:.* ro .*consoleblank=0", log), log[:4000]
    assert not re.search(r"Started getty@tty\d", log)  # no text console to switch to
    assert "Mounted var-lib-motcua.mount - /var/lib/motcua" in log  # the data partition
    # The root under the overlay was never written: first boot set the hostname to kiosk-01 in
    # the overlay only, and the file system was never mounted read-write.
    root = disk.read_table(card)[1]
    assert debugfs(card, root, "cat /etc/hostname").strip() == "motcua-unit"
    assert re.search(r"Last mount time:\s+n/a", e2fs(["dumpe2fs", "-h"], card, root))
    device = seen(db)
    assert device and device["last_seen"] and device["station"] == STATION, device
    with sqlite3.connect(db) as conn:
        used = conn.execute("select used_at, device_id from enrol_codes").fetchall()
    assert used == [(used[0][0], device["id"])] and used[0][0]  # the code is spent
    again = requests.post(f"{server.url}/api/v1/devices/enrol", timeout=10,
                          json={"code": code, "name": "kiosk-02"})
    assert again.status_code == 409 and again.json()["error"] == "enrol_code_used", again.text
