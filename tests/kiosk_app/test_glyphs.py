"""Every character the kiosk can show exists in the font it ships: a missing glyph is drawn as an
empty box, which nobody can read (the "ⓘ" of the status screen was one)."""

import ast
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from backend.domain import vocabulary
from kiosk_app.strings import TEXTS

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "kiosk_app" / "assets" / "fonts"  # theme.FONT_DIR, without importing Kivy here
# Modules whose string literals reach the screen: labels, icons, keys, data words.
SHOWN = [*sorted((ROOT / "kiosk_app" / "screens").glob("*.py")),
         ROOT / "kiosk_app" / "views.py", ROOT / "kiosk_app" / "entry.py"]


def literals(path: Path) -> set[str]:
    """The string constants of a module (docstrings and comments are never shown, but a
    character in them is harmless to check too)."""
    tree = ast.parse(path.read_text("utf-8"))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def shown_texts(table: dict[str, tuple[str, str]] = TEXTS, modules: list[Path] = SHOWN
                ) -> dict[str, str]:
    """Each string an app may show (its strings table, the shared vocabulary, the literals of
    its screen modules), by where it comes from."""
    found = {f"TEXTS[{key}]": " ".join(pair) for key, pair in table.items()}
    found |= {f"vocabulary.{name}[{key}]": " ".join(pair)
              for name, rows in vocabulary.TABLES.items() for key, pair in rows.items()}
    for path in modules:
        found |= {f"{path.name}: {text[:30]!r}": text for text in literals(path)}
    return found


def missing_glyphs(font: Path, texts: dict[str, str]) -> set[str]:
    cmap = TTFont(font).getBestCmap()
    return {f"U+{ord(ch):04X} {ch!r} in {where}"
            for where, text in texts.items() for ch in text
            if ch.isprintable() and not ch.isspace() and ord(ch) not in cmap}


@pytest.mark.parametrize("font", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_every_character_the_kiosk_shows_is_in_its_font(font):
    missing = missing_glyphs(FONTS / font, shown_texts())
    assert not missing, "\n".join(sorted(missing))


def test_the_check_sees_the_icons_in_the_screens():
    texts = "".join(shown_texts().values())
    for icon in ("▶", "⌫", "⌂", "●", "‹"):  # drawn by the screens, not from the strings table
        assert icon in texts
