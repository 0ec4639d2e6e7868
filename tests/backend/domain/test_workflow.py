from datetime import datetime, timedelta

import pytest

from backend.domain import workflow
from backend.domain.calendar import VN_TZ, WorkingCalendar
from backend.domain.errors import Conflict, Forbidden, InvalidInput
from backend.domain.workflow import Actor, CaseState, Status, Step

CAL = WorkingCalendar()
STEPS = [Step("MOTCUA", frozenset({"clerk"})), Step("KT", frozenset({"officer"})),
         Step("LD", frozenset({"leader"})), Step("MOTCUA", frozenset({"clerk"}))]
CLERK = Actor("clerk1", "clerk", "MOTCUA")
OFFICER = Actor("kt1", "officer", "KT")
OTHER_OFFICER = Actor("vh1", "officer", "VHXH")
LEADER = Actor("ld1", "leader", "LD")


def at(day, hour=9, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=VN_TZ)


def received(due=None):
    return CaseState(Status.RECEIVED, 0, due or at(27, 17))


def run(state, name, actor, when, **kw):
    return workflow.apply(state, name, actor, when, steps=STEPS, calendar=CAL, **kw)


def test_happy_path_records_an_event_per_step():
    s, e1 = run(received(), "transfer", CLERK, at(23, 10))
    assert (s.status, s.step, e1.from_status, e1.to_status) == (4, 1, 2, 4)
    assert e1.data == {"from_step": 0, "to_step": 1, "to_unit": "KT"}
    s, _ = run(s, "transfer", OFFICER, at(24))
    s, e3 = run(s, "resolve", LEADER, at(25))
    assert (s.status, s.step, s.result_class) == (Status.RESOLVED, 3, "early")
    assert e3.data == {"result_class": "early"}
    s, e4 = run(s, "return", CLERK, at(26), params={"channel": "post"})
    assert (s.status, s.return_channel, e4.actor) == (Status.RETURNED, "post", "clerk1")


def test_statuses_carry_national_labels():
    assert [int(s) for s in Status] == list(range(1, 11))
    assert Status.SUPPLEMENT.label == "Yêu cầu bổ sung"
    assert Status.RETURNED.key == "returned"


@pytest.mark.parametrize("status, action", [
    (Status.RECEIVED, "return"), (Status.RETURNED, "transfer"), (Status.RESOLVED, "resolve"),
    (Status.WITHDRAWN, "withdraw"), (Status.STOPPED, "supplied"), (Status.RECEIVED, "paid"),
])
def test_illegal_transitions_are_refused(status, action):
    state = CaseState(status, 1, at(27, 17))
    with pytest.raises((Conflict, Forbidden)) as err:
        run(state, action, LEADER if action == "resolve" else CLERK, at(24),
            note="x", params={})
    assert "Không thể" in err.value.vi or "không được" in err.value.vi


def test_illegal_transition_message_names_status():
    with pytest.raises(Conflict) as err:
        run(CaseState(Status.RETURNED, 3, at(27, 17)), "return", CLERK, at(24))
    assert "Đã trả kết quả" in err.value.vi and err.value.key == "illegal_transition"


def test_wrong_role_and_wrong_unit_are_forbidden():
    with pytest.raises(Forbidden, match="Role 'clerk' may not request payment"):
        run(CaseState(Status.PROCESSING, 1, at(27, 17)), "request_payment", CLERK, at(24))
    at_kt = CaseState(Status.PROCESSING, 1, at(27, 17))
    with pytest.raises(Forbidden, match="unit 'KT'"):
        run(at_kt, "transfer", OTHER_OFFICER, at(24))
    with pytest.raises(Forbidden):
        run(at_kt, "apologize", OFFICER, at(24), note="x")


def test_waiting_over_a_holiday_counts_only_working_hours():
    s, _ = run(CaseState(Status.PROCESSING, 1, at(27, 17)), "request_supplement", OFFICER,
               at(23, 9), note="Thiếu bản vẽ")
    # Tue 24/11/2026 is Vietnam Culture Day: Mon 09:00 -> Tue 09:00 is only 6 working hours.
    s, _ = run(s, "supplied", CLERK, at(24, 9))
    assert s.due_at == datetime(2026, 11, 30, 15, tzinfo=VN_TZ)


def test_supplement_pauses_and_extends_due_by_working_time_waited():
    s, _ = run(CaseState(Status.PROCESSING, 1, at(27, 17)), "request_supplement", OFFICER,
               at(25, 9), note="Thiếu bản vẽ")
    assert s.status == Status.SUPPLEMENT and s.paused_at == at(25, 9)
    # Wed 09:00 -> Thu 09:00 is 8 working hours: the deadline moves one working day.
    s, e = run(s, "supplied", CLERK, at(26, 9))
    assert s.status == Status.PROCESSING and s.paused_at is None
    assert s.due_at == datetime(2026, 11, 30, 17, tzinfo=VN_TZ)  # Fri 27 -> Mon 30
    assert e.data["due_at"] == "2026-11-30T17:00:00+07:00"


def test_supplement_needs_a_reason():
    with pytest.raises(InvalidInput, match="reason"):
        run(received(), "request_supplement", CLERK, at(23), note="  ")


def test_calendar_day_procedures_extend_by_wall_time():
    state = CaseState(Status.PROCESSING, 1, at(27, 17), time_unit="calendar_days")
    s, _ = run(state, "request_payment", OFFICER, at(23, 9))
    s, _ = run(s, "paid", CLERK, at(25, 9))
    assert s.due_at == at(29, 17)


def test_apology_once_with_a_later_date():
    late = CaseState(Status.PROCESSING, 1, at(20, 17))
    new_due = at(30, 17)
    s, e = run(late, "apologize", LEADER, at(23), note="Chậm do thẩm định",
               params={"new_due_at": new_due})
    assert s.new_due_at == new_due and s.status == Status.PROCESSING
    assert e.from_status == e.to_status == Status.PROCESSING
    with pytest.raises(Conflict, match="already been rescheduled"):
        run(s, "apologize", LEADER, at(24), note="again", params={"new_due_at": at(30, 18)})
    with pytest.raises(InvalidInput, match="after the old due date"):
        run(late, "apologize", LEADER, at(23), note="x", params={"new_due_at": at(19)})


def test_resolution_classes_and_lateness():
    base = CaseState(Status.PROCESSING, 2, at(25, 17))
    assert run(base, "resolve", LEADER, at(24))[0].result_class == "early"
    assert run(base, "resolve", LEADER, at(25, 16))[0].result_class == "on_time"
    late, _ = run(base, "resolve", LEADER, at(26, 8))
    assert late.result_class == "late"
    assert workflow.is_late(late, at(27))
    assert not workflow.is_late(base, at(25, 16))
    assert workflow.is_late(base, at(25, 17, 1))


def test_apology_does_not_erase_lateness():
    s, _ = run(CaseState(Status.PROCESSING, 1, at(20, 17)), "apologize", LEADER, at(23),
               note="x", params={"new_due_at": at(30, 17)})
    assert workflow.is_late(s, at(24))


def test_paused_case_is_judged_at_the_pause():
    paused = CaseState(Status.SUPPLEMENT, 1, at(25, 17), paused_at=at(24))
    assert not workflow.is_late(paused, at(27) + timedelta(days=10))


def test_transfer_target_is_checked():
    with pytest.raises(InvalidInput, match="4 steps"):
        run(received(), "transfer", CLERK, at(23), params={"to_step": 9})


def test_return_channel_is_checked():
    state = CaseState(Status.RESOLVED, 3, at(27, 17))
    with pytest.raises(InvalidInput, match="Return channel"):
        run(state, "return", CLERK, at(24), params={"channel": "pigeon"})


def test_withdraw_and_stop_need_reasons_and_are_final():
    s, _ = run(received(), "withdraw", CLERK, at(23), note="Công dân xin rút")
    assert s.status == Status.WITHDRAWN
    assert not workflow.is_late(s, at(30))
    s2, _ = run(CaseState(Status.PROCESSING, 1, at(27, 17)), "stop", OFFICER, at(23),
                note="Không đủ điều kiện")
    assert s2.status == Status.STOPPED


def test_unknown_action():
    with pytest.raises(InvalidInput, match="Unknown action"):
        run(received(), "teleport", CLERK, at(23))


def test_registered_online_case_is_received_or_refused():
    reg = CaseState(Status.REGISTERED, 0, at(27, 17))
    assert run(reg, "receive", CLERK, at(23))[0].status == Status.RECEIVED
    assert run(reg, "refuse", CLERK, at(23), note="Sai thủ tục")[0].status == Status.REFUSED


# --- who may move a case, and where: the reported escalations, then every shipped procedure --


def test_a_clerk_cannot_skip_to_the_last_step_or_resolve_alone():
    for target in (2, 3):
        with pytest.raises(Forbidden) as err:
            run(received(), "transfer", CLERK, at(23), params={"to_step": target})
        assert err.value.key == "off_workflow" and "vượt bước" in err.value.vi
    s, _ = run(received(), "transfer", CLERK, at(23))
    with pytest.raises(Forbidden):
        run(s, "resolve", CLERK, at(23))


def test_an_officer_cannot_skip_the_leader():
    at_kt = CaseState(Status.PROCESSING, 1, at(27, 17))
    with pytest.raises(Forbidden, match="skipped"):
        run(at_kt, "transfer", OFFICER, at(24), params={"to_step": 3})
    with pytest.raises(Forbidden, match="only be resolved at step 3"):
        run(at_kt, "resolve", OFFICER, at(24))
    assert run(at_kt, "transfer", OFFICER, at(24))[0].step == 2


def test_sending_back_needs_a_reason():
    at_ld = CaseState(Status.PROCESSING, 2, at(27, 17))
    with pytest.raises(InvalidInput, match="send a case back"):
        run(at_ld, "transfer", LEADER, at(24), params={"to_step": 1})
    s, e = run(at_ld, "transfer", LEADER, at(24), params={"to_step": 1},
               note="Thiếu chữ ký thẩm định")
    assert s.step == 1 and e.data["to_unit"] == "KT" and e.note == "Thiếu chữ ký thẩm định"


def test_only_the_leader_answering_for_the_late_step_apologises():
    late = CaseState(Status.PROCESSING, 1, at(20, 17))
    for stranger in (Actor("kt-ld", "leader", "KT"), Actor("vh-ld", "leader", "VHXH")):
        with pytest.raises(Forbidden, match="Only the leader of unit 'LD'"):
            run(late, "apologize", stranger, at(23), note="x",
                params={"new_due_at": at(30, 17)})
    assert run(late, "apologize", LEADER, at(23), note="x",
               params={"new_due_at": at(30, 17)})[0].new_due_at == at(30, 17)


def test_papers_and_withdrawals_only_at_the_receiving_desk():
    paused = CaseState(Status.SUPPLEMENT, 1, at(27, 17), paused_at=at(23))
    elsewhere = Actor("cl2", "clerk", "VP")
    with pytest.raises(Forbidden, match="receiving unit 'MOTCUA'"):
        run(paused, "supplied", elsewhere, at(24))
    with pytest.raises(Forbidden):
        run(received(), "withdraw", elsewhere, at(24), note="Công dân xin rút")


def _catalogue():
    from backend.catalog import load_catalog
    from backend.cli import CATALOG_DIR

    return load_catalog(CATALOG_DIR)


CATALOGUE = _catalogue()
UNITS = [*sorted(CATALOGUE.units), None]
ACTORS = [Actor(f"{role}-{unit}", role, unit) for role in ("clerk", "officer", "leader", "admin")
          for unit in UNITS]


def _expected(name: str, steps: list[Step], i: int, actor: Actor, to_step: int | None) -> bool:
    """The rules as the issue states them, written out independently of the module."""
    roles = {"receive": {"clerk"}, "refuse": {"clerk"}, "supplied": {"clerk"},
             "paid": {"clerk"}, "withdraw": {"clerk"}, "return": {"clerk"},
             "request_payment": {"officer", "leader"}, "stop": {"officer", "leader"},
             "apologize": {"leader"}}.get(name, {"clerk", "officer", "leader"})
    if actor.role not in roles:
        return False
    last_work = len(steps) - 2
    if name in ("supplied", "paid", "withdraw"):
        return actor.unit == steps[0].unit
    if name == "apologize":
        later = [s.unit for s in steps[i:] if "leader" in s.roles]
        earlier = [s.unit for s in steps[:i] if "leader" in s.roles]
        return actor.unit == (later or earlier[-1:] or [None])[0]
    owns = actor.unit == steps[i].unit and (actor.role in steps[i].roles
                                            or actor.role == "leader")
    if name == "transfer":
        return owns and (to_step < i or to_step == i + 1 <= last_work)
    if name == "resolve":
        return owns and i == last_work
    return owns


def _state_for(name: str, i: int) -> CaseState:
    status = {"receive": Status.REGISTERED, "refuse": Status.REGISTERED,
              "supplied": Status.SUPPLEMENT, "paid": Status.PAYMENT,
              "return": Status.RESOLVED}.get(name, Status.PROCESSING)
    paused = at(23) if status in PAUSED_STATUSES else None
    return CaseState(status, i, at(20, 17), paused_at=paused)


PAUSED_STATUSES = (Status.SUPPLEMENT, Status.PAYMENT)


@pytest.mark.parametrize("proc", CATALOGUE.all_current(), ids=lambda p: p.code)
def test_every_action_role_unit_and_step_of_the_shipped_procedures(proc):
    steps = [Step(s.unit, frozenset(s.roles)) for s in proc.workflow]
    outcomes = set()
    for name in workflow.ACTIONS:
        for i in range(len(steps)):
            for actor in ACTORS:
                for to_step in (range(len(steps)) if name == "transfer" else [None]):
                    outcomes.add(_check_one(name, steps, i, actor, to_step))
    # each action was both granted to its owner and refused to someone else
    assert outcomes >= {(name, ok) for name in workflow.ACTIONS for ok in (True, False)}


def _check_one(name, steps, i, actor, to_step) -> tuple[str, bool] | None:
    state = _state_for(name, i)
    if (name in ("receive", "refuse") and i != 0) or (name == "return" and i != len(steps) - 1):
        return None  # a registered case sits at the desk; a resolved one at the return step
    params = {"new_due_at": at(30, 17)} | ({"to_step": to_step} if to_step is not None else {})
    allowed = _expected(name, steps, i, actor, to_step if to_step is not None else i + 1)
    try:
        new, event = run_steps(state, name, actor, steps, params)
    except (Forbidden, InvalidInput) as err:
        assert not allowed, (name, i, actor, to_step, err.en)
        assert err.vi and err.en
        return name, False
    assert allowed, (name, i, actor, to_step)
    moved = {"transfer": to_step if to_step is not None else i + 1,
             "resolve": len(steps) - 1}.get(name, i)
    assert new.step == moved and event.actor == actor.username
    return name, True


def run_steps(state, name, actor, steps, params):
    return workflow.apply(state, name, actor, at(24), steps=steps, calendar=CAL,
                          note="Lý do", params=params)


@pytest.mark.parametrize("proc", CATALOGUE.all_current(), ids=lambda p: p.code)
def test_no_single_account_walks_a_case_to_resolved_alone(proc):
    """Whatever one account tries, the case stops where the next step's owner must act."""
    steps = [Step(s.unit, frozenset(s.roles)) for s in proc.workflow]
    for actor in ACTORS:
        reached = _reachable(steps, actor)
        owners = [_expected("resolve" if j == len(steps) - 2 else "transfer", steps, j, actor,
                            j + 1) for j in range(len(steps) - 1)]
        assert (Status.RESOLVED in reached) == all(owners), (proc.code, actor)


def _reachable(steps, actor) -> set:
    seen, todo = set(), [CaseState(Status.RECEIVED, 0, at(27, 17))]
    while todo:
        state = todo.pop()
        if (state.status, state.step) in seen:
            continue
        seen.add((state.status, state.step))
        for name in ("transfer", "resolve"):
            for target in range(len(steps)):
                try:
                    new, _ = run_steps(state, name, actor, steps, {"to_step": target})
                except (Forbidden, InvalidInput, Conflict):
                    continue
                todo.append(new)
    return {status for status, _ in seen}
