import pytest

from backend.catalog import DEFAULT_CATALOG_DIR, load_queue_config
from backend.domain import queue
from backend.domain.errors import InvalidInput
from backend.domain.queue import Counter, Waiting

COUNTER_1 = Counter(number=1, services=("A", "D"))


def test_label_and_announcement_follow_hall_practice():
    assert queue.label("A", 12) == "A-012"
    assert queue.announcement("A-012", 3) == "Xin mời số thứ tự A 0 1 2, đến quầy số 3"
    assert queue.announcement_words("A-012", 12) == [
        "xin mời số thứ tự", "A", "không", "một", "hai", "đến quầy số", "một", "hai"]


def test_priority_first_then_order_of_issue():
    waiting = [Waiting(1, "A", False, 1), Waiting(2, "A", True, 5), Waiting(3, "D", False, 2),
               Waiting(4, "B", True, 0)]
    assert queue.pick_next(waiting, COUNTER_1).id == 2
    assert queue.pick_next([w for w in waiting if w.id != 2], COUNTER_1).id == 1
    assert queue.pick_next([Waiting(4, "B", True, 0)], COUNTER_1) is None


def test_transfer_to_a_counter_overrides_services():
    waiting = [Waiting(1, "B", False, 1, counter=1), Waiting(2, "A", False, 2)]
    assert queue.pick_next(waiting, COUNTER_1).id == 1
    assert queue.pick_next(waiting, Counter(number=2, services=("B",))) is None


def test_people_ahead_counts_same_service_before_me():
    me = Waiting(5, "A", False, 9)
    waiting = [Waiting(1, "A", False, 1), Waiting(2, "A", True, 12), Waiting(3, "B", False, 2),
               Waiting(4, "A", False, 10), me]
    assert queue.people_ahead(waiting, me) == 2
    assert queue.people_ahead(waiting, Waiting(2, "A", True, 12)) == 0


def test_shipped_config_loads_and_mistakes_are_named(tmp_path):
    config = load_queue_config(DEFAULT_CATALOG_DIR / "queue.yaml")
    assert config.service("A").daily_limit > 0 and config.counter(1).services
    bad = tmp_path / "queue.yaml"
    bad.write_text("services: [{letter: A, name: X, daily_limit: 5}]\n"
                   "counters: [{number: 1, services: [Z]}]\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="unknown services"):
        load_queue_config(bad)
    bad.write_text("services: [{letter: a, name: X, daily_limit: 5}]\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"queue\.yaml") as raised:
        load_queue_config(bad)
    # Where and what, in words a technician reads, not pydantic's English dump.
    assert "services[0].letter sai định dạng, cần một chữ cái in hoa A–Z" in raised.value.vi
    assert "counters bị thiếu (bắt buộc)" in raised.value.vi
    assert "services[0].letter must be one capital letter A–Z" in raised.value.en
    assert "pydantic" not in raised.value.en and "validation error" not in raised.value.en


def test_the_queue_config_is_read_again_only_when_its_file_changes(tmp_path):
    path = tmp_path / "queue.yaml"
    path.write_text((DEFAULT_CATALOG_DIR / "queue.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    first = load_queue_config(path)
    assert load_queue_config(path) is first
    path.write_text("services: [{letter: B, name: Khác, daily_limit: 7}]\n"
                    "counters: [{number: 3, services: [B]}]\n", encoding="utf-8")
    again = load_queue_config(path)
    assert again.service("B").daily_limit == 7 and again.counter(3).services
