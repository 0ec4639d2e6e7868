"""The API sends each status, action, rating and return-channel label in both languages beside
its code, from backend.domain.vocabulary, so the apps show them rather than translate again."""

from __future__ import annotations

from backend.domain import vocabulary
from tests.backend.api.helpers import intake, pick_procedure


def _pair(body: dict, name: str) -> tuple[str, str]:
    return body[name], body[f"{name}_en"]


def test_lookup_case_and_rating_carry_both_labels(server):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    made = intake(clerk, proc, return_channel="post")
    kt = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
    clerk.action(made["code"], "transfer", to_step=kt)

    answer = server.client().lookup(made["code"], made["token"])
    assert _pair(answer, "status_label") == vocabulary.STATUSES["processing"]
    assert _pair(answer, "return_label") == vocabulary.RETURN_CHANNELS["post"]
    assert [(h["action"], *_pair(h, "action_label"), *_pair(h, "status_label"))
            for h in answer["history"]] == [
        ("intake", *vocabulary.EVENTS["intake"], *vocabulary.STATUSES["received"]),
        ("transfer", *vocabulary.EVENTS["transfer"], *vocabulary.STATUSES["processing"])]

    case = clerk.case(made["code"])
    assert _pair(case, "status_label") == vocabulary.STATUSES["processing"]
    rated = clerk.rate(made["code"], "very_satisfied", channel="counter")
    assert _pair(rated, "label") == vocabulary.RATINGS["very_satisfied"]
