"""The README's commands must keep working: its make targets exist, its motcua commands parse."""

import re
from pathlib import Path

import pytest

from backend.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_targets_exist_and_ci_calls_the_test_target():
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(), re.M))
    assert {"demo", "test"} <= targets
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _readme_commands():
    """Runnable examples only; the table's usage forms ([--opt X], NAME) are not commands."""
    for line in README.splitlines():
        match = re.search(r"motcua ((?:db|user|device|procedures|serve|demo)\b[^`|]*)", line)
        if match:
            words = [w.strip('"') for w in re.findall(r'"[^"]*"|\S+', match.group(1))]
            if not any("[" in w or w.isupper() for w in words):
                yield tuple(words)


COMMANDS = sorted(set(_readme_commands()))


def test_readme_has_runnable_examples():
    assert len(COMMANDS) >= 3


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_readme_command_parses(words):
    build_parser().parse_args(list(words))
