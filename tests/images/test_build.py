"""The amd64 image recipe, built for real (the full image: Kivy, Mesa, the camera libraries).

Costs, measured on a shared 2-core machine at a load average of 15-24: debootstrap from the
Debian mirror about 7.5 min and the wheels about 1 min the first time (both cached in
var/image-cache/ for later runs); then about 9 min for this file (build from the cached root
4.3 min; flashing and the QEMU boot to the kiosk's home screen 3.5 min, the guest's clock
saying 1 min 51 s to `Startup finished`, the kiosk 51 s from start to its first frame).
Marked slow.

A card flashed from it, provisioned with a `motcua.toml` that points at a backend this test
starts on the host (QEMU's user network reaches the host's loopback at 10.0.2.2) and a fresh
code from `motcua device enrol-code`, boots under QEMU (UEFI, software emulation, std VGA) once;
in that boot the root is under its overlay, the first-boot agent trades the code for the unit's
token, the kiosk sends its heartbeat, and its home screen is on the display: Kivy on KMS/DRM
(bochs-drm) with Mesa's llvmpipe, grabbed through QEMU's monitor and told from a console or
any other screen by tests/images/screen.py.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from backend.app import create_app
from images import bmap, disk
from images.flasher import Job, flash
from images.progress import Progress
from images.target import Host
from tests.backend.conftest import LiveServer, free_port
from tests.images.screen import home_stats, is_home

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    cache = ROOT / "var" / "image-cache"
    cache.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "images.build", "--arch", "amd64",
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
    assert "backend" in venv and "images" in venv and "kivy" in venv and "evdev" in venv
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
                   "getty-static.service"):
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


class Vm:
    """The card under QEMU (UEFI, user network, software emulation) with a display: std VGA,
    which Debian's kernel drives with bochs-drm, so the kiosk gets a KMS/DRM device as on a
    unit. No window: the screen is grabbed through QEMU's monitor (`screendump`); the serial
    console goes to a file."""

    def __init__(self, card: Path, tmp_path: Path):
        shutil.copy(OVMF / "OVMF_VARS_4M.fd", tmp_path / "vars.fd")
        self.tmp, self.console = tmp_path, tmp_path / "console.log"
        self.monitor = tmp_path / "monitor.sock"
        self.errors = open(tmp_path / "qemu.log", "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            # -cpu max: numpy's and OpenCV's wheels need more than QEMU's default qemu64 (the
            # kiosk died with SIGILL there); any x86-64-v2 mini PC has it
            ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-m", "1536", "-no-reboot",
             "-display", "none", "-vga", "std", "-serial", f"file:{self.console}",
             "-monitor", f"unix:{self.monitor},server=on,wait=off",
             "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF / 'OVMF_CODE_4M.fd'}",
             "-drive", f"if=pflash,format=raw,file={tmp_path / 'vars.fd'}",
             "-drive", f"file={card},format=raw,if=virtio",
             "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errors)

    def log(self) -> str:
        """The serial console's text without systemd's colours."""
        text = self.console.read_bytes().decode(errors="replace") if self.console.exists() else ""
        return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)

    def wait_for(self, done, deadline_s: float, every_s: float = 2) -> bool:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            said = (self.tmp / "qemu.log").read_text()
            assert self.process.poll() is None, said + self.log()[-3000:]
            if done():
                return True
            time.sleep(every_s)
        return False

    def screen(self, name: str) -> Path:
        """The display as QEMU shows it, saved as PNG."""
        ppm = self.tmp / f"{name}.ppm"
        with socket.socket(socket.AF_UNIX) as mon:
            mon.settimeout(60)
            mon.connect(str(self.monitor))
            _until_prompt(mon)
            mon.sendall(f"screendump {ppm}\n".encode())
            _until_prompt(mon)
        png = self.tmp / f"{name}.png"
        Image.open(ppm).save(png)
        return png

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.errors.close()


def _until_prompt(mon: socket.socket) -> None:
    said = b""
    while not said.endswith(b"(qemu) "):
        said += mon.recv(4096) or b"(qemu) "


def test_a_flashed_card_boots_to_an_enrolled_kiosk(built, backend, tmp_path):
    """UEFI firmware -> systemd-boot -> kernel -> the initramfs puts the overlay over the root
    -> first boot trades the code -> the kiosk's heartbeat -> its home screen on the display.
    One boot, everything checked in it; software emulation only (no KVM here): minutes."""
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

    vm = Vm(card, tmp_path)
    try:
        assert vm.wait_for(lambda: bool((seen(db) or {}).get("last_seen")), 1500), vm.log()[-4000:]
        shots = []  # the kiosk draws its first frame some time after its first heartbeat

        def home_shown() -> bool:
            shots.append(vm.screen("screen"))
            return is_home(home_stats(shots[-1]))

        shown = vm.wait_for(home_shown, 900, every_s=10)
        log = vm.log()
    finally:
        vm.stop()
    assert shown, (home_stats(shots[-1]), log[-4000:])
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
