"""Kept so older imports work: the one `wait_until` lives in tests/waiting.py."""

from tests.waiting import wait_until

__all__ = ["wait_until"]
