"""Shared by the web page tests: where screenshots go, a signed-in admin page."""

from __future__ import annotations

import os
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs"


def shots_folder(tmp_path: Path, name: str = "back-office") -> Path:
    """Screenshots go to docs/<name> only when asked (MOTCUA_UPDATE_SCREENSHOTS=1)."""
    folder = DOCS / name if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Staff as a centre's would be named, for the pictures in docs/back-office (the template
# database names them after their accounts: "Clerk", "Officer.Kt").
NAMES = {"admin": "Võ Minh Tuấn", "clerk": "Nguyễn Thị Hoa", "officer.kt": "Trần Văn Bình",
         "officer.vh": "Lê Thị Mai", "officer.vp": "Bùi Thị Thu", "leader": "Phạm Quốc Dũng",
         "leader.kt": "Hoàng Văn Nam", "newbie": "Đỗ Thị Ngọc"}


def vietnamese_names(store) -> None:
    with store.tx() as db:
        for username, name in NAMES.items():
            db.execute("update users set full_name = ? where username = ?", [name, username])


def signed_in_admin(server, screen, path: str):
    """A 1366x768 page signed in as the admin, opened at `path`."""
    from tests.backend.web.test_staff_auth import sign_in

    page = screen(1366, 768)
    sign_in(page, server, "admin", next_path=path)
    assert page.url.endswith(path), page.url
    return page
