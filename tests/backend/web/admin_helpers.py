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
