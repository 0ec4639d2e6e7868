"""Where the web page tests put their screenshots: docs/back-office (the staff pages) and
docs/web (the public pages and forms) when MOTCUA_UPDATE_SCREENSHOTS=1, else a temporary
folder."""

from __future__ import annotations

import pytest

from tests.backend.web.admin_helpers import shots_folder, vietnamese_names


@pytest.fixture
def shots(tmp_path, server):
    """The staff pages' folder; the staff get Vietnamese names first, as the pictures show."""
    vietnamese_names(server.app.state.store)
    return shots_folder(tmp_path, "back-office")


@pytest.fixture
def web_shots(tmp_path):
    return shots_folder(tmp_path, "web")
