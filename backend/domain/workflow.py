"""The case state machine: national portal status codes 1–10 and the actions between them.

Pure: `apply` takes a state and returns the next state plus the event to append. The store
persists both in one transaction; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import IntEnum
from typing import Protocol

from backend.domain import vocabulary
from backend.domain.errors import Conflict, Forbidden, InvalidInput
from drivers.message import Message


class Status(IntEnum):
    REGISTERED = 1
    RECEIVED = 2
    REFUSED = 3
    PROCESSING = 4
    SUPPLEMENT = 5
    PAYMENT = 6
    WITHDRAWN = 7
    STOPPED = 8
    RESOLVED = 9
    RETURNED = 10

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return vocabulary.STATUSES[self.key][0]

    @property
    def label_en(self) -> str:
        return vocabulary.STATUSES[self.key][1]


def happened(event: Mapping) -> Message:
    """What one stored event did, as a case's history reads it (the lookup, the staff page):
    the action's own words, else the status it led to."""
    return vocabulary.event_label(event["action"], Status(event["to_status"]).key)


FINAL = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
OPEN = frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT})
PAUSED = frozenset({Status.SUPPLEMENT, Status.PAYMENT})
RETURN_CHANNELS = tuple(vocabulary.RETURN_CHANNELS)


class Calendar(Protocol):
    def working_time_between(self, start: datetime, end: datetime): ...
    def add_working_time(self, at: datetime, delta) -> datetime: ...
    def classify(self, resolved_at: datetime, due_at: datetime) -> str: ...


@dataclass(frozen=True)
class Step:
    unit: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    unit: str | None = None


@dataclass(frozen=True)
class CaseState:
    status: Status
    step: int
    due_at: datetime
    time_unit: str = "working_days"
    paused_at: datetime | None = None
    new_due_at: datetime | None = None
    resolved_at: datetime | None = None
    result_class: str | None = None
    returned_at: datetime | None = None
    return_channel: str | None = None


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    role: str
    unit: str | None
    at: datetime
    from_status: Status | None
    to_status: Status
    note: str | None = None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change (apology)
    roles: frozenset[str]
    owner: str  # who may act: "step" (current step's unit and roles), "desk", "leader"
    needs_note: bool
    vi: str
    en: str


def _action(name, sources, target, roles, *, owner="step", needs_note=False):
    vi, en = vocabulary.ACTIONS[name]
    return Action(name, frozenset(sources), target, frozenset(roles), owner, needs_note, vi, en)


S = Status
ACTIONS = {a.name: a for a in (
    _action("receive", {S.REGISTERED}, S.RECEIVED, {"clerk"}),
    _action("refuse", {S.REGISTERED}, S.REFUSED, {"clerk"}, needs_note=True),
    _action("transfer", {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {"clerk", "officer", "leader"}),
    _action("request_supplement", {S.RECEIVED, S.PROCESSING}, S.SUPPLEMENT,
            {"clerk", "officer", "leader"}, needs_note=True),
    _action("supplied", {S.SUPPLEMENT}, S.PROCESSING, {"clerk"}, owner="desk"),
    _action("request_payment", {S.PROCESSING}, S.PAYMENT, {"officer", "leader"}),
    _action("paid", {S.PAYMENT}, S.PROCESSING, {"clerk"}, owner="desk"),
    _action("stop", OPEN, S.STOPPED, {"officer", "leader"}, needs_note=True),
    _action("withdraw", OPEN | {S.REGISTERED}, S.WITHDRAWN, {"clerk"}, owner="desk",
            needs_note=True),
    _action("apologize", OPEN, None, {"leader"}, owner="leader", needs_note=True),
    _action("resolve", {S.RECEIVED, S.PROCESSING}, S.RESOLVED, {"clerk", "officer", "leader"}),
    _action("return", {S.RESOLVED}, S.RETURNED, {"clerk"}),
)}


def resolving_step(steps: list[Step]) -> int:
    """The last step before the result goes back to the desk: the one that signs it off."""
    return max(len(steps) - 2, 0)


def responsible_leader_unit(steps: list[Step], step: int) -> str | None:
    """The leader answering for a step: the first leader step from it on (the one who signs
    off its work), else the last leader step before it."""
    later = [s.unit for s in steps[step:] if "leader" in s.roles]
    earlier = [s.unit for s in steps[:step] if "leader" in s.roles]
    return (later or earlier[::-1] or [None])[0]


def check_allowed(action: Action, state: CaseState, actor: Actor, steps: list[Step],
                  params: dict, note: str | None) -> None:
    """Every rule on who may do what, and where a case may go: the API only calls this."""
    if actor.role not in action.roles:
        raise Forbidden(
            f"Vai trò '{actor.role}' không được phép {action.vi}",
            f"Role '{actor.role}' may not {action.en}",
        )
    if state.status not in action.sources:
        raise Conflict(
            f"Không thể {action.vi} hồ sơ đang ở trạng thái '{state.status.label}'",
            f"Cannot {action.en} a case whose status is '{state.status.label_en}'",
            key="illegal_transition",
        )
    _OWNERS[action.owner](action, state, actor, steps)
    _PLACES.get(action.name, _anywhere)(state, steps, params, note)


def _check_step(action: Action, state: CaseState, actor: Actor, steps: list[Step]) -> None:
    step = steps[state.step]
    if actor.role == "leader" and actor.unit == step.unit:
        return
    if actor.role not in step.roles or actor.unit != step.unit:
        raise Forbidden(
            f"Hồ sơ đang ở đơn vị '{step.unit}', tài khoản này không được {action.vi}",
            f"The case is at unit '{step.unit}'; this account may not {action.en} it",
        )


def _check_desk(action: Action, state: CaseState, actor: Actor, steps: list[Step]) -> None:
    """Papers, payments and withdrawals are handed in at the desk that received the case."""
    desk = steps[0].unit
    if actor.unit != desk:
        raise Forbidden(
            f"Chỉ cán bộ tại đơn vị tiếp nhận '{desk}' được {action.vi}",
            f"Only staff of the receiving unit '{desk}' may {action.en}",
        )


def _check_leader(action: Action, state: CaseState, actor: Actor, steps: list[Step]) -> None:
    unit = responsible_leader_unit(steps, state.step)
    if actor.unit != unit:
        raise Forbidden(
            f"Chỉ lãnh đạo đơn vị '{unit}' (phụ trách bước hiện tại) được {action.vi}",
            f"Only the leader of unit '{unit}' (answering for the current step) may "
            f"{action.en}",
        )


_OWNERS = {"step": _check_step, "desk": _check_desk, "leader": _check_leader}


def _anywhere(state, steps, params, note) -> None:
    return None


def _check_transfer(state: CaseState, steps: list[Step], params: dict, note) -> None:
    """Forward one step at a time, never onto the return step (that is what resolving does);
    back to any earlier step only with a reason."""
    target = params.get("to_step", state.step + 1)
    if not isinstance(target, int) or not 0 <= target < len(steps) or target == state.step:
        raise InvalidInput(
            f"Bước chuyển đến '{target}' không hợp lệ (quy trình có {len(steps)} bước)",
            f"Target step '{target}' is not valid (the workflow has {len(steps)} steps)",
            field="to_step",
        )
    if target < state.step:
        if not (note or "").strip():
            raise InvalidInput("Cần ghi rõ lý do để chuyển trả hồ sơ về bước trước",
                               "A reason is required to send a case back", field="note")
        return
    if target != state.step + 1 or target > resolving_step(steps):
        raise Forbidden(
            f"Không được chuyển vượt bước: hồ sơ đang ở bước {state.step + 1}, chỉ được chuyển "
            f"sang bước {state.step + 2} (bước cuối chỉ đến được khi hoàn thành xử lý)",
            f"Steps cannot be skipped: the case is at step {state.step + 1} and may only go to "
            f"step {state.step + 2} (the last step is reached by resolving)",
            key="off_workflow", field="to_step",
        )


def _check_resolve(state: CaseState, steps: list[Step], params: dict, note) -> None:
    last = resolving_step(steps)
    if state.step != last:
        raise Forbidden(
            f"Chỉ được hoàn thành xử lý ở bước {last + 1} của quy trình; hồ sơ đang ở bước "
            f"{state.step + 1}",
            f"A case may only be resolved at step {last + 1} of its workflow; it is at step "
            f"{state.step + 1}",
            key="off_workflow",
        )


_PLACES = {"transfer": _check_transfer, "resolve": _check_resolve}


def apply(state: CaseState, name: str, actor: Actor, at: datetime, *, steps: list[Step],
          calendar: Calendar, note: str | None = None, params: dict | None = None
          ) -> tuple[CaseState, Event]:
    action = ACTIONS.get(name)
    if action is None:
        raise InvalidInput(f"Thao tác '{name}' không tồn tại", f"Unknown action '{name}'")
    params = params or {}
    check_allowed(action, state, actor, steps, params, note)
    note = (note or "").strip() or None
    if action.needs_note and not note:
        raise InvalidInput(f"Cần ghi rõ lý do để {action.vi}",
                           f"A reason is required to {action.en}", field="note")
    new, data = _EFFECTS.get(name, _no_effect)(state, at, steps, calendar, params)
    if action.target is not None:
        new = replace(new, status=action.target)
    event = Event(name, actor.username, actor.role, actor.unit, at, state.status, new.status,
                  note, data)
    return new, event


def _no_effect(state, at, steps, calendar, params):
    return state, {}


def _transfer(state, at, steps, calendar, params):
    target = params.get("to_step", state.step + 1)
    return replace(state, step=target), {"from_step": state.step, "to_step": target,
                                          "to_unit": steps[target].unit}


def _pause(state, at, steps, calendar, params):
    return replace(state, paused_at=at), {}


def _resume(state, at, steps, calendar, params):
    """The clock stops while the citizen supplies papers or pays: push the deadline by the wait."""
    if state.paused_at is None:
        return state, {}
    due = _extend(calendar, state, state.due_at, at)
    new_due = _extend(calendar, state, state.new_due_at, at) if state.new_due_at else None
    data = {"due_at": due.isoformat(), "waited_from": state.paused_at.isoformat()}
    return replace(state, paused_at=None, due_at=due, new_due_at=new_due), data


def _extend(calendar: Calendar, state: CaseState, due: datetime, now: datetime) -> datetime:
    if state.time_unit == "calendar_days":
        return due + (now - state.paused_at)
    return calendar.add_working_time(due, calendar.working_time_between(state.paused_at, now))


def _apologize(state, at, steps, calendar, params):
    if state.new_due_at is not None:
        raise Conflict("Hồ sơ đã được xin lỗi và hẹn lại một lần",
                       "This case has already been rescheduled once", key="already_apologized")
    new_due = params.get("new_due_at")
    if not isinstance(new_due, datetime) or new_due <= max(state.due_at, at):
        raise InvalidInput("Ngày hẹn mới phải sau hạn cũ và sau thời điểm hiện tại",
                           "The new date must be after the old due date and after now",
                           field="new_due_at")
    return replace(state, new_due_at=new_due), {"new_due_at": new_due.isoformat()}


def _resolve(state, at, steps, calendar, params):
    result = calendar.classify(at, state.due_at)
    new = replace(state, resolved_at=at, result_class=result, step=len(steps) - 1)
    return new, {"result_class": result}


def _return(state, at, steps, calendar, params):
    channel = params.get("channel", "counter")
    if channel not in RETURN_CHANNELS:
        raise InvalidInput(f"Hình thức trả kết quả '{channel}' không hợp lệ",
                           f"Return channel '{channel}' is not valid", field="channel")
    return replace(state, returned_at=at, return_channel=channel), {"channel": channel}


_EFFECTS = {
    "transfer": _transfer,
    "request_supplement": _pause,
    "request_payment": _pause,
    "supplied": _resume,
    "paid": _resume,
    "apologize": _apologize,
    "resolve": _resolve,
    "return": _return,
}


def is_late(state: CaseState, now: datetime) -> bool:
    """Late against the legal deadline; an apology gives a new date but does not erase lateness."""
    if state.result_class is not None:
        return state.result_class == "late"
    if state.status in FINAL:
        return False
    reference = state.paused_at or now
    return reference > state.due_at
