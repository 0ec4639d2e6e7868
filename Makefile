# Two entry points do all the set-up on a fresh Debian machine (as root):
#   make demo   - the backend on a fresh SQLite file with demo procedures, users and cases
#   make test   - the whole test suite
#   make test-fast - the edit loop: no server processes, screenshots or browser
VENV     ?= .venv
PY       := $(VENV)/bin/python
PIP      := $(VENV)/bin/pip
APT_PKGS := python3-venv python3-dev libzbar0 libusb-1.0-0 libgl1 libegl1 libgl1-mesa-dri \
            libmtdev1 espeak-ng sox alsa-utils fonts-dejavu-core sqlite3 chromium xvfb xclip \
            x11-xserver-utils systemd postgresql mtools fdisk bmap-tools debootstrap \
            qemu-system-x86 ovmf
# Chromium's Vietnamese UI strings and date format, for the back-office screenshots.
APT_PKGS += chromium-l10n
STAMP    := $(VENV)/.installed

.PHONY: demo test test-fast lint setup apt clean image-arm64

demo: setup
	$(VENV)/bin/motcua demo

# Tests run on one worker per core (at most four; each holds a Chromium, maybe a PostgreSQL);
# a module stays on one worker, so its module-scoped fixtures are built once.
XDIST    := -n auto --maxprocesses 4 --dist loadfile

# Bytecode is written even where the environment sets PYTHONDONTWRITEBYTECODE: otherwise every
# worker of every run compiles each module again and re-rewrites each test file's asserts
# (about six seconds of CPU a worker). __pycache__ is in .gitignore.
BYTECODE := PYTHONDONTWRITEBYTECODE=

test: setup
	$(VENV)/bin/ruff check .
	$(BYTECODE) $(PY) -m pytest -q $(XDIST)

test-fast: setup
	$(BYTECODE) $(PY) -m pytest -q $(XDIST) -m "not slow"

lint: setup
	$(VENV)/bin/ruff check .

setup: apt $(STAMP)

# Install only what is missing, so a second run costs nothing and needs no network.
apt:
	@missing=$$(for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "apt: installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[all]'
	touch $(STAMP)

# The Raspberry Pi (arm64) kiosk image, built for real: every program in its root runs under
# qemu-user-static, 1.5-3 h on a shared 2-core machine (docs/technician-units.md), so
# not in CI, which checks the recipe's layout (tests/images/test_arm64.py). The bootstrapped
# root is cached in var/image-cache for the next build.
image-arm64: setup
	dpkg -s qemu-user-static >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static
	nice -n 10 $(PY) -m images.build --arch arm64 --profile kiosk --out out/arm64

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
