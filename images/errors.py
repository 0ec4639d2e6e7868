"""The one error the flasher and the image builder raise: it says why in Vietnamese and English."""

from __future__ import annotations

from backend.domain.errors import MotcuaError


class FlashRefused(MotcuaError):
    """Raised before the target is touched, or after a write that left the card unusable."""

    key = "flash_refused"
