"""Driver packages import a module only when one of its names is first asked for."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ["drivers.audio", "drivers.cameras", "drivers.displays", "drivers.modems",
            "drivers.scanners"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_lazy_name_resolves_and_an_unknown_one_is_an_attribute_error(package):
    module = importlib.import_module(package)
    for name in module._LAZY:
        assert getattr(module, name).__name__ == name
    with pytest.raises(AttributeError, match=f"module '{package}' has no attribute 'Nope'"):
        module.Nope  # noqa: B018


def test_importing_the_camera_package_leaves_opencv_unloaded():
    code = ("import sys, drivers.cameras as c; assert 'cv2' not in sys.modules; "
            "c.OpenCVCamera; print('cv2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
