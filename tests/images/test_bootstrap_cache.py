"""The bootstrapped root is cached only once debootstrap has finished: a run that stops midway
(its /etc/os-release is among the first files written) must be made again, not copied."""

from __future__ import annotations

from pathlib import Path

import pytest

from images import build
from images.errors import FlashRefused


def fake_debootstrap(calls: list, fail: bool):
    def run(*args: str, **_kw) -> str:
        calls.append(args[0])
        if args[0] == "debootstrap":
            target = Path(args[-2])
            (target / "etc").mkdir(parents=True)
            (target / "etc" / "os-release").write_text("ID=debian\n")
            if fail:
                raise FlashRefused("debootstrap dừng", "debootstrap stopped", key="build_failed")
        return ""
    return run


def test_an_interrupted_bootstrap_is_made_again(tmp_path, monkeypatch):
    recipe = build.Recipe("amd64", "kiosk", True, "http://deb.debian.org/debian", tmp_path)
    calls: list[str] = []
    monkeypatch.setattr(build, "run", fake_debootstrap(calls, fail=True))
    with pytest.raises(FlashRefused):
        build.bootstrap(recipe, tmp_path / "root")
    assert not list(tmp_path.glob("rootfs-amd64-*[0-9a-f]"))  # nothing cached
    monkeypatch.setattr(build, "run", fake_debootstrap(calls, fail=False))
    build.bootstrap(recipe, tmp_path / "root")
    build.bootstrap(recipe, tmp_path / "root")
    assert calls == ["debootstrap", "debootstrap", "cp", "cp"]  # the second build reuses it
    assert [p.name.endswith(".partial") for p in tmp_path.glob("rootfs-*")] == [False]
