"""One vocabulary: every status, action, rating and return-channel label is written once.

The sources are searched for each Vietnamese label: a Python string that is exactly the label,
or a template/script that quotes it, anywhere but backend/domain/vocabulary.py, is a second copy
that will drift (three copies had already drifted before this table existed).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from backend.domain import vocabulary
from backend.domain.workflow import ACTIONS, RETURN_CHANNELS, Status

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ("backend", "drivers", "kiosk_app", "counter_app", "images")
HOME = ROOT / "backend" / "domain" / "vocabulary.py"
VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def labels() -> list[tuple[str, str, str]]:
    return [(table, code, vi) for table, rows in vocabulary.TABLES.items()
            for code, (vi, _) in rows.items()]


def python_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def written_labels() -> dict[str, list[str]]:
    """Each string the sources hold, with where: Python constants exactly, templates quoted."""
    found: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            where = str(path.relative_to(ROOT))
            if path.suffix == ".py":
                for text in python_strings(path):
                    found.setdefault(text, []).append(where)
            elif path.suffix in (".html", ".js", ".txt", ".j2"):
                for text in re.findall(r"[\"'>]([^\"'<>{}]+)[\"'<]", path.read_text("utf-8")):
                    found.setdefault(text.strip(), []).append(where)
    return found


def test_no_label_is_written_twice():
    found = written_labels()
    home = str(HOME.relative_to(ROOT))
    twice = {vi: places for _, _, vi in labels()
             if (places := [p for p in found.get(vi, []) if p != home])}
    assert twice == {}, "use backend.domain.vocabulary instead of a copy"
    in_table = python_strings(HOME)
    repeated = {vi for _, _, vi in labels() if in_table.count(vi) > 1}
    assert repeated == set(), "a label shared by two codes is one constant"


@pytest.mark.parametrize(("table", "code", "vi"), labels())
def test_every_label_has_both_languages(table, code, vi):
    en = vocabulary.TABLES[table][code][1]
    assert vi.strip() and en.strip() and vi != en, (table, code)
    assert VIETNAMESE & set(vi.lower()) and en.isascii(), (table, code)


def test_the_domain_reads_its_words_from_the_table():
    assert {s.key for s in Status} == set(vocabulary.STATUSES)
    assert Status.PROCESSING.label == "Đang xử lý"
    assert Status.RETURNED.label_en == "Result returned"
    assert set(ACTIONS) <= set(vocabulary.ACTIONS) and set(vocabulary.EVENTS) <= (
        set(vocabulary.ACTIONS))
    assert (ACTIONS["transfer"].vi, ACTIONS["transfer"].en) == vocabulary.ACTIONS["transfer"]
    assert RETURN_CHANNELS == ("counter", "post", "online")


def test_a_history_step_reads_as_its_action_or_else_its_new_status():
    assert vocabulary.event_label("transfer", "processing").en == "Passed on for processing"
    assert vocabulary.event_label("stop", "stopped") == vocabulary.label("status", "stopped")
    assert vocabulary.label("rating", "made_up").vi == "made_up"  # never a KeyError


def test_an_answer_without_labels_falls_back_to_the_same_table():
    sent = {"status": "resolved", "status_label": "Xong (máy chủ)", "status_label_en": "Done"}
    assert vocabulary.sent(sent, "status_label", "status", "resolved").en == "Done"
    old = {"status": "resolved", "status_label": "Đã xử lý xong"}  # a server before _en
    assert vocabulary.sent(old, "status_label", "status", "resolved").en == "Resolved"
    assert vocabulary.fields("status_label", vocabulary.label("status", "resolved")) == {
        "status_label": "Đã xử lý xong", "status_label_en": "Resolved"}
