"""Shared by the admin page tests."""

from __future__ import annotations

import os
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs" / "back-office"


def shots_folder(tmp_path: Path) -> Path:
    """Screenshots go to docs/back-office only when asked (MOTCUA_UPDATE_SCREENSHOTS=1)."""
    folder = DOCS if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def signed_in_admin(server, screen, path: str):
    """A 1366x768 page signed in as the admin, opened at `path`."""
    from tests.backend.web.test_staff_auth import sign_in

    page = screen(1366, 768)
    sign_in(page, server, "admin", next_path=path)
    assert page.url.endswith(path), page.url
    return page
