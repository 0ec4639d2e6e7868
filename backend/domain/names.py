"""What a staff username and a device name may be: one rule for the API, the staff pages, the
`motcua` command and a unit enrolling itself, since all of them end in the same tables.

Names appear in audit lines, URLs (/staff/users/<name>) and hostnames, so plain ASCII only.
"""

from __future__ import annotations

import re

from backend.domain.errors import InvalidInput

MAX_LENGTH = 64
_USERNAME = re.compile(r"[a-z0-9._-]{3,64}")
_DEVICE_NAME = re.compile(r"[A-Za-z0-9._-]{2,64}")


def username(text: str) -> str:
    """The username as typed, without outer spaces; InvalidInput if it breaks the rule."""
    name = text.strip()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput("Tên đăng nhập 3–64 ký tự: chữ thường không dấu, số, dấu . _ -",
                           "Username: 3–64 lower-case letters, digits, . _ -",
                           field="username")
    return name


def device_name(text: str) -> str:
    """A device's name (a unit's hostname), without outer spaces; InvalidInput if it breaks
    the rule."""
    name = text.strip()
    if not _DEVICE_NAME.fullmatch(name):
        raise InvalidInput("Tên thiết bị 2–64 ký tự: chữ không dấu, số, dấu . _ -",
                           "Device name: 2–64 letters, digits, . _ -", field="name")
    return name
