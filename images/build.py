"""Build a kiosk or counter disk image from Debian packages, without loop devices or mounts.

    python -m images.build --arch amd64 --profile kiosk --out out/ [--reduced] [--cache DIR]

Steps: debootstrap a root (cached per package set), configure it (fstab, read-only root with a
tmpfs overlay from the initramfs, the station profile), put motcua into its own virtual
environment under /opt/motcua, copy the units and udev rules from `systemd/`, then build each
partition as a plain file (FAT through mtools, ext4 with `mkfs.ext4 -d`) and assemble a GPT
disk. Output: `<name>.img`, `<name>.img.bmap`, `SHA256SUMS` and `<name>.manifest` (package
versions). `--reduced` leaves out the apps' Python dependencies and the graphical stack: a
quicker image for tests of the layout, not one to ship.
"""

from __future__ import annotations

import hashlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from drivers.message import Parser
from images import bmap, disk, foreign
from images.errors import FlashRefused

PROJECT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
SUITE = "bookworm"
PYTHON = "3.11"  # bookworm's python3
BASE = ["systemd", "systemd-sysv", "udev", "kmod", "initramfs-tools", "python3",
        "python3-venv", "ca-certificates", "iproute2"]
ARCH_PACKAGES = {"amd64": ["linux-image-amd64", "systemd-boot-efi"],
                 "arm64": ["linux-image-arm64", "raspi-firmware"]}
# (sfdisk label, boot type, Linux type): UEFI boots GPT; every Raspberry Pi's firmware reads MBR
TABLES = {"amd64": ("gpt", disk.ESP_GUID, disk.LINUX_GUID), "arm64": ("dos", "c", "83")}
PI_CONFIG = """# Raspberry Pi firmware (3, 4, 5): Debian's 64-bit kernel and its initramfs from this
# partition, the UART for a technician's serial cable. cmdline.txt is the kernel's command line.
arm_64bit=1
enable_uart=1
upstream_kernel=1
disable_overscan=1
kernel=vmlinuz
initramfs initrd.img followkernel
"""
# The apps draw through the SDL2 in Kivy's wheel on KMS/DRM: it opens libdrm, libgbm, libEGL
# and libGL/libGLESv2 at run time. Mesa's EGL (libegl-mesa0: debootstrap takes no Recommends)
# and its DRI drivers: the GPU's own (v3d on a Pi), or kms_swrast/llvmpipe on a display with
# no 3D (a plain framebuffer, QEMU's std VGA). No X server: nothing here speaks X.
APP_PACKAGES = ["libgl1", "libegl1", "libegl-mesa0", "libgles2", "libgbm1", "libgl1-mesa-dri",
                "libmtdev1", "libzbar0", "libusb-1.0-0", "fonts-dejavu-core"]
# Modules no index has as a wheel for the target, taken from Debian instead (the venv then sees
# the system's site-packages): evdev ships only as source, and building it here would mean a
# compiler emulated in the root; Debian's python3-evdev is built for the target already.
FROM_DEBIAN = {"arm64": {"evdev": "python3-evdev"}}
FIRSTBOOT = "motcua-firstboot.service"
BOOT_MOUNT = {"amd64": "/boot/efi", "arm64": "/boot/firmware"}
# consoleblank=0: the kernel's console never blanks the lobby screen (the apps keep it awake)
KERNEL_OPTIONS = "root=LABEL=motcua-root ro rootwait consoleblank=0"
ESP_MIB, DATA_MIB = 160, 64


@dataclass
class Recipe:
    arch: str
    profile: str  # kiosk | counter
    reduced: bool
    mirror: str
    cache: Path

    @property
    def name(self) -> str:
        return f"motcua-{self.profile}-{self.arch}"

    def packages(self) -> list[str]:
        if self.reduced:
            return BASE + ARCH_PACKAGES[self.arch]
        return BASE + ARCH_PACKAGES[self.arch] + APP_PACKAGES + list(self.from_debian().values())

    def from_debian(self) -> dict[str, str]:
        """Python module -> the Debian package that brings it, in a full image."""
        return {} if self.reduced else FROM_DEBIAN.get(self.arch, {})


class Steps:
    """Numbered progress lines: a build takes minutes, the technician sees where it is."""

    def __init__(self, total: int, out=print):
        self.total, self.n, self.out = total, 0, out

    def __call__(self, text: str) -> None:
        self.n += 1
        self.out(f"[{self.n}/{self.total}] {text}", flush=True)


def run(*args: str, **kw) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, check=False, **kw)
    if done.returncode:
        tail = (done.stderr or done.stdout).strip()[-800:]
        raise FlashRefused(f"Lệnh thất bại: {' '.join(args[:3])}: {tail}",
                           f"command failed: {' '.join(args[:3])}: {tail}", key="build_failed")
    return done.stdout


def host_mirror(sources: Path = Path("/etc/apt/sources.list.d/debian.sources")) -> str:
    """The Debian mirror this host already uses, so a build needs no mirror written down."""
    for path in (sources, Path("/etc/apt/sources.list")):
        text = path.read_text() if path.exists() else ""
        found = re.search(r"(?:URIs:|^deb)\s+(\S+/debian)\b", text, re.M)
        if found:
            return found.group(1)
    raise FlashRefused("Không thấy kho Debian nào; hãy chỉ ra bằng --mirror",
                       "no Debian mirror found; name one with --mirror", key="no_mirror")


def bootstrap(recipe: Recipe, rootfs: Path) -> None:
    """debootstrap once per package set; later builds copy the cached root. It is made under
    another name and renamed when complete: an interrupted run (its files appear early) is
    never taken for a cached root."""
    key = hashlib.sha256(" ".join([recipe.arch, SUITE, recipe.mirror, *recipe.packages()])
                         .encode()).hexdigest()[:16]
    cached = recipe.cache / f"rootfs-{recipe.arch}-{key}"
    if not (cached / "etc" / "os-release").exists():
        partial = cached.with_name(cached.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        # non-free-firmware: Debian keeps the Raspberry Pi's boot firmware there
        run("debootstrap", "--variant=minbase", f"--arch={recipe.arch}",
            "--components=main,non-free-firmware",
            f"--include={','.join(recipe.packages())}", SUITE, str(partial), recipe.mirror)
        shutil.rmtree(cached, ignore_errors=True)
        partial.rename(cached)
    run("cp", "-a", f"{cached}/.", str(rootfs))


# raspi-firmware's post-update hook copies the kernel to /boot/firmware and, in a chroot it
# cannot recognise (no /proc here), stops the build: "missing /boot/firmware, did you forget to
# mount it?". This builder fills the boot partition itself (pi_files), so the hook is told to
# defer, as it is when the kernel package runs it.
INITRAMFS_ENV = {"arm64": ["env", "INITRAMFS_TOOLS_KERNEL_HOOK=1"]}


def configure(recipe: Recipe, rootfs: Path) -> None:
    etc = rootfs / "etc"
    boot = BOOT_MOUNT[recipe.arch]
    (etc / "fstab").write_text((HERE / "rootfs" / "fstab").read_text().replace("/boot/efi", boot))
    network = etc / "systemd" / "network"
    network.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "rootfs" / "20-wired.network", network / "20-wired.network")
    (etc / "hostname").write_text("motcua-unit\n")  # first boot sets the real one
    (etc / "machine-id").write_text("")  # each unit makes its own at first boot
    (etc / "motcua").mkdir(exist_ok=True)
    (etc / "motcua" / "image.toml").write_text(
        f'profile = "{recipe.profile}"\narch = "{recipe.arch}"\nsuite = "{SUITE}"\n'
        f'provisioning = "{boot}/motcua.toml"\n')
    for folder in ("var/lib/motcua", boot.lstrip("/")):
        (rootfs / folder).mkdir(parents=True, exist_ok=True)
    hook = etc / "initramfs-tools" / "scripts" / "init-bottom" / "motcua-overlay"
    hook.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "rootfs" / "motcua-overlay", hook)
    hook.chmod(0o755)
    with open(etc / "initramfs-tools" / "modules", "a") as f:
        f.write("overlay\n")
    run("chroot", str(rootfs), *INITRAMFS_ENV.get(recipe.arch, []), "update-initramfs", "-u",
        "-k", "all")


MACHINES = {"amd64": "x86_64", "arm64": "aarch64"}


def platforms(arch: str) -> list[str]:
    """`--platform` for every manylinux wheel bookworm's glibc (2.36) can load: pip takes only
    the tags it is given (manylinux_2_36 alone found no Pillow; 2014 is manylinux_2_17)."""
    return [f"manylinux_2_{minor}_{MACHINES[arch]}" for minor in range(17, 37)]
HOST_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine())
# Not in a reduced image: camera decoding (large) and evdev (source only); the headless kiosk
# opens no camera or scanner, but prints through the rest.
REDUCED_SKIP = ("opencv-python-headless", "zxing-cpp", "pyzbar", "evdev")


def requirements(recipe: Recipe, wheel: Path) -> list[str]:
    """What pip installs in the root: the motcua wheel with the recipe's extras, less what a
    reduced image leaves out or Debian brings."""
    if not recipe.reduced and not recipe.from_debian():
        return [f"{wheel}[drivers,apps]"]
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"]
    wanted = extras["drivers"] + ([] if recipe.reduced else extras["apps"])
    skip = REDUCED_SKIP if recipe.reduced else tuple(recipe.from_debian())
    return [str(wheel), *(r for r in wanted if not r.startswith(skip))]


def wheels_for(recipe: Recipe, wheel: Path) -> Path:
    """The app's dependencies as wheels for the target, fetched once per (arch, requirements,
    pyproject.toml) and kept in the cache, so the root installs them with no index. On the
    build machine's own architecture (and Python) sources are built into wheels here; for
    another only binary wheels can be had (no emulated compiler)."""
    wanted = requirements(recipe, wheel)
    pins = (PROJECT / "pyproject.toml").read_bytes() + " ".join(wanted[1:]).encode()
    folder = recipe.cache / f"wheels-{recipe.arch}-{hashlib.sha256(pins).hexdigest()[:16]}"
    if not (folder / ".complete").exists():
        pip = [sys.executable, "-m", "pip"]
        if recipe.arch == HOST_ARCH and f"{sys.version_info[0]}.{sys.version_info[1]}" == PYTHON:
            run(*pip, "wheel", "-q", "-w", str(folder), *wanted)
        else:
            tags = [flag for tag in platforms(recipe.arch) for flag in ("--platform", tag)]
            run(*pip, "download", "-q", "-d", str(folder), "--only-binary=:all:", *tags,
                "--python-version", PYTHON, "--implementation", "cp", *wanted)
        (folder / ".complete").write_text("")
    return folder


def app_source(folder: Path) -> Path:
    """Only what the wheel is made of: setuptools walks every file under the project while it
    builds, and var/image-cache holds whole root file systems."""
    setup = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    for package in (p.rstrip("*") for p in setup["packages"]["find"]["include"]):
        shutil.copytree(PROJECT / package, folder / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, folder / name)
    return folder


def install_app(recipe: Recipe, rootfs: Path, wheels: Path) -> None:
    """motcua in its own venv: the wheel is built here, it and its dependencies (cached wheels)
    installed inside the new root without reaching an index."""
    source = app_source(wheels.parent / "source")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source))
    wheel = next(wheels.glob("motcua-*.whl"))
    inside = rootfs / "opt" / "motcua"
    shutil.copytree(wheels_for(recipe, wheel), inside / "wheels")
    shutil.copy(wheel, inside / "wheels" / wheel.name)
    shared = ["--system-site-packages"] if recipe.from_debian() else []
    run("chroot", str(rootfs), "python3", "-m", "venv", *shared, "/opt/motcua/venv")
    inside_names = [w.replace(str(wheel), f"/opt/motcua/wheels/{wheel.name}")
                    for w in requirements(recipe, wheel)]
    run("chroot", str(rootfs), "/opt/motcua/venv/bin/pip", "install", "-q", "--no-index",
        "--find-links", "/opt/motcua/wheels", *inside_names)
    shutil.rmtree(inside / "wheels")
    # drivers/ finds the station and device profiles beside its package (drivers/profiles.py)
    shutil.copytree(PROJECT / "hardware_profiles",
                    inside / "venv" / "lib" / f"python{PYTHON}" / "site-packages"
                    / "hardware_profiles")


ENABLED = {"kiosk": ["motcua-firstboot.service", "motcua-kiosk.service", "motcua-selftest.timer"],
           "counter": ["motcua-firstboot.service", "motcua-counter.service",
                       "motcua-selftest.timer"]}
HEADLESS = """# Built with --reduced: no graphical stack in this image, so the kiosk runs with no
# screen (kiosk_app/headless.py): READY once the backend answers its heartbeat. No devices either: a
# test machine has none, and the station profile's would be looked for.
[Service]
Environment=MOTCUA_KIOSK_PRINTER=none MOTCUA_KIOSK_CAMERA=none MOTCUA_KIOSK_SCANNER=none
Environment=MOTCUA_KIOSK_AUDIO=none
StandardOutput=journal+console
ExecStart=
ExecStart=/opt/motcua/venv/bin/python -m kiosk_app --headless
"""


def install_units(recipe: Recipe, rootfs: Path, source: Path = PROJECT / "systemd") -> list[str]:
    """Copy udev rules and every unit from `systemd/`; enable the profile's own (a kiosk does
    not run the counter app or the site server)."""
    rules = rootfs / "etc" / "udev" / "rules.d"
    rules.mkdir(parents=True, exist_ok=True)
    for rule in sorted((source / "udev").glob("*.rules")):
        shutil.copy(rule, rules / rule.name)
    units = sorted(p for p in source.glob("*") if p.suffix in (".service", ".timer"))
    target = rootfs / "etc" / "systemd" / "system"
    for unit in units:
        shutil.copy(unit, target / unit.name)
    # motcua.toml is on the boot partition, mounted with nofail: not ordered by local-fs.target
    dropin(rootfs, FIRSTBOOT, "boot.conf",
           f"[Unit]\nRequiresMountsFor={BOOT_MOUNT[recipe.arch]}\n")
    if recipe.reduced:  # no Kivy: the screens that need it are masked, the kiosk is headless
        dropin(rootfs, "motcua-kiosk.service", "headless.conf", HEADLESS)
        (target / "motcua-firstboot-screen.service").unlink()
        run("systemctl", f"--root={rootfs}", "mask", "motcua-firstboot-screen.service")
    run("systemctl", f"--root={rootfs}", "enable", *ENABLED[recipe.profile],
        "systemd-networkd.service")
    return [u.name for u in units]


def dropin(rootfs: Path, unit: str, name: str, text: str) -> None:
    folder = rootfs / "etc" / "systemd" / "system" / f"{unit}.d"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def lock_down(rootfs: Path, source: Path = PROJECT / "systemd" / "lockdown") -> None:
    """`systemd/lockdown/etc` onto /etc; the motcua user made now (at run time /etc is a tmpfs
    overlay that forgets); Ctrl-Alt-Del and every text-console getty masked. The serial
    console (serial-getty@) stays: a technician's cable, and the boot test's window."""
    shutil.copytree(source / "etc", rootfs / "etc", dirs_exist_ok=True)
    run("systemd-sysusers", f"--root={rootfs}")
    run("systemctl", f"--root={rootfs}", "mask", "ctrl-alt-del.target", "getty@.service",
        "autovt@.service", "getty-static.service")


def esp_files(recipe: Recipe, rootfs: Path, scratch: Path) -> dict[str, Path]:
    """The boot partition: the loader (systemd-boot, or the Pi's firmware), kernel, initramfs."""
    kernel = max((rootfs / "boot").glob("vmlinuz-*"))
    initrd = max((rootfs / "boot").glob("initrd.img-*"))
    loader = pi_files(rootfs, scratch) if recipe.arch == "arm64" else uefi_files(rootfs, scratch)
    return {**loader, "vmlinuz": kernel, "initrd.img": initrd}


def uefi_files(rootfs: Path, scratch: Path) -> dict[str, Path]:
    loader = scratch / "loader.conf"
    loader.write_text("default motcua.conf\ntimeout 0\n")
    entry = scratch / "motcua.conf"
    entry.write_text("title motcua\nlinux /vmlinuz\ninitrd /initrd.img\n"
                     f"options {KERNEL_OPTIONS} console=tty0 console=ttyS0\n")
    efi = rootfs / "usr" / "lib" / "systemd" / "boot" / "efi" / "systemd-bootx64.efi"
    return {"EFI/BOOT/BOOTX64.EFI": efi, "loader/loader.conf": loader,
            "loader/entries/motcua.conf": entry}


def pi_files(rootfs: Path, scratch: Path) -> dict[str, Path]:
    """Debian's raspi-firmware (bootcode.bin, start*.elf, fixup*.dat) and the kernel package's
    Raspberry Pi device trees, config.txt and cmdline.txt."""
    files = {p.name: p for p in sorted((rootfs / "usr/lib/raspi-firmware").glob("*"))
             if p.is_file()}
    files |= {dtb.name: dtb for dtb in sorted(rootfs.glob("usr/lib/linux-image-*/broadcom/"
                                                          "bcm2*-rpi-*.dtb"))}
    if not any(name.startswith("start") for name in files) or not any(
            name.endswith(".dtb") for name in files):
        raise FlashRefused("Thiếu firmware hoặc device tree của Raspberry Pi trong gốc",
                           "the root lacks the Raspberry Pi firmware or device trees "
                           "(raspi-firmware, linux-image-arm64)", key="no_pi_firmware")
    (scratch / "config.txt").write_text(PI_CONFIG)
    (scratch / "cmdline.txt").write_text(f"{KERNEL_OPTIONS} console=tty0 console=ttyS1,115200\n")
    return {**files, "config.txt": scratch / "config.txt", "cmdline.txt": scratch / "cmdline.txt"}


def manifest(rootfs: Path) -> str:
    debs = run("dpkg-query", f"--admindir={rootfs}/var/lib/dpkg", "-W",
               "-f", "${Package}\t${Version}\t${Architecture}\n")
    pips = run("chroot", str(rootfs), "/opt/motcua/venv/bin/pip", "list", "--format=freeze")
    return "# Debian packages\n" + debs + "# motcua venv (/opt/motcua/venv)\n" + pips


def _tree_size(root: Path) -> int:
    return int(run("du", "-sb", "--apparent-size", str(root)).split()[0])


def partitions(recipe: Recipe, rootfs: Path, work: Path) -> list[disk.PartSpec]:
    esp = disk.make_fat(work / "esp.fat", ESP_MIB << 20, "MOTCUA-BOOT",
                        esp_files(recipe, rootfs, work))
    size = (_tree_size(rootfs) * 13 // 10 + (128 << 20)) // (1 << 20) << 20
    root = disk.make_ext4(work / "root.ext4", size, "motcua-root", rootfs)
    empty = work / "data"
    empty.mkdir()
    data = disk.make_ext4(work / "data.ext4", DATA_MIB << 20, "motcua-data", empty)
    _, boot, linux = TABLES[recipe.arch]
    return [disk.PartSpec("boot", boot, esp), disk.PartSpec("root", linux, root),
            disk.PartSpec("data", linux, data)]


def sums(out: Path, names: list[str]) -> None:
    lines = []
    for name in names:
        h = hashlib.sha256()
        with open(out / name, "rb") as f:
            while chunk := f.read(4 << 20):
                h.update(chunk)
        lines.append(f"{h.hexdigest()}  {name}\n")
    (out / "SHA256SUMS").write_text("".join(lines))


def build(recipe: Recipe, out: Path, say=print) -> Path:
    if recipe.arch != HOST_ARCH:
        foreign.ready(recipe.arch)
    out.mkdir(parents=True, exist_ok=True)
    step = Steps(7, say)
    with tempfile.TemporaryDirectory(dir=recipe.cache) as tmp:
        work = Path(tmp)
        rootfs = work / "rootfs"
        rootfs.mkdir()
        step(f"debootstrap {SUITE} {recipe.arch} ({len(recipe.packages())} gói / packages)")
        bootstrap(recipe, rootfs)
        step("cấu hình, initramfs với overlay / configure, initramfs with the overlay")
        configure(recipe, rootfs)
        step("motcua vào venv / motcua into its venv" + (" (reduced)" if recipe.reduced else ""))
        install_app(recipe, rootfs, work / "wheels")
        step("units, udev, lock-down: " + ", ".join(install_units(recipe, rootfs)))
        lock_down(rootfs)
        (out / f"{recipe.name}.manifest").write_text(manifest(rootfs))
        step("phân vùng / partitions: FAT (mtools), ext4 (mkfs.ext4 -d)")
        parts = partitions(recipe, rootfs, work)
        step("ghép đĩa GPT / assemble the GPT disk")
        image = out / f"{recipe.name}.img"
        disk.assemble(image, parts, TABLES[recipe.arch][0])
        step("bmap, SHA256SUMS")
        bmap.write_for(image)
        sums(out, [image.name, image.name + ".bmap", f"{recipe.name}.manifest"])
    return image


def main(argv: list[str] | None = None) -> int:
    p = Parser(prog="python -m images.build", description=__doc__.split("\n")[0])
    p.add_argument("--arch", default="amd64", choices=["amd64", "arm64"])
    p.add_argument("--profile", default="kiosk", choices=["kiosk", "counter"])
    p.add_argument("--out", default="out")
    p.add_argument("--mirror", help="Debian mirror (default: the one this host's apt uses)")
    p.add_argument("--cache", default="var/image-cache", help="bootstrapped roots are kept here")
    p.add_argument("--reduced", action="store_true",
                   help="no graphical stack and no Python dependencies (layout tests)")
    args = p.parse_args(argv)
    cache = Path(args.cache).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    recipe = Recipe(args.arch, args.profile, args.reduced, args.mirror or host_mirror(), cache)
    try:
        image = build(recipe, Path(args.out))
    except FlashRefused as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    print(f"Xong / done: {image} (+ .bmap, SHA256SUMS, .manifest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
