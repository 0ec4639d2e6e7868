"""`motcua demo`: a fresh database with the catalogue, staff, devices and cases in every state.

Cases are played through the real workflow (intake, transfers, supplements, apologies,
resolution, return) at past times, so what the demo shows is what the code would do.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import uvicorn

from backend.domain.calendar import VN_TZ
from backend.domain.errors import MotcuaError
from backend.domain.workflow import Actor, responsible_leader_unit
from backend.store import accounts, cases, catalog, site
from backend.store.db import Store

DEMO_PASSWORD = "Demo@2026"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Quân",
         "Tâm", "Thảo", "Tuấn", "Vy", "Yến", "Khánh", "Long"]
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Cách Mạng Tháng Tám", "30 Tháng 4"]


KIOSK_PIN = "2026"
KIOSK_IDLE_SECONDS = 45  # as the README says; the demo station's profile would give 90


def run(args) -> int:
    # Absolute: the apps run as child processes and every file they write belongs here.
    folder = Path(args.dir).resolve()
    store = fresh_store(folder / "motcua.sqlite")
    built = build(store, now=datetime.now(VN_TZ))
    url = f"http://{args.host}:{args.port}"
    print_summary(url, built, folder)
    if args.no_serve:
        return 0
    from backend.app import create_app

    apps = AppLauncher(url, built, folder) if _want_apps(args.apps) else None
    config = uvicorn.Config(create_app(store.path), host=args.host, port=args.port,
                            log_level="warning")
    server = DemoServer(config, on_shutdown=apps.stop if apps else None)
    if apps:
        threading.Thread(target=apps.start_when_up, daemon=True).start()
    server.run()
    return 0


class DemoServer(uvicorn.Server):
    """Stops the apps inside the server's shutdown: uvicorn re-raises SIGTERM once it has shut
    down, so code after `run()` would never get to stop them."""

    def __init__(self, config: uvicorn.Config, on_shutdown=None):
        super().__init__(config)
        self.on_shutdown = on_shutdown

    async def shutdown(self, sockets=None):
        if self.on_shutdown:
            self.on_shutdown()
        await super().shutdown(sockets)


def _want_apps(choice: str) -> bool:
    if choice == "auto":
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return choice == "yes"


class AppLauncher:
    """The kiosk and a counter as child processes against the demo backend, devices simulated."""

    def __init__(self, url: str, built: dict, folder: Path):
        self.url, self.built, self.folder = url, built, folder
        self.children: list[subprocess.Popen] = []

    def commands(self) -> dict[str, tuple[list[str], dict]]:
        """Each app's command and environment. The demo station's printers would write to
        var/demo/… under whatever folder the demo was started from, so both are pointed at
        the demo's own folder, as are the apps' data and Kivy's config and logs."""
        kiosk_env = {"MOTCUA_STATION": "demo-fake", "MOTCUA_BACKEND_URL": self.url,
                     "MOTCUA_KIOSK_TOKEN": self.built["devices"]["kiosk-sanh-1"],
                     "MOTCUA_KIOSK_PIN": KIOSK_PIN,
                     "MOTCUA_KIOSK_CONFIG": str(self._kiosk_config()),
                     "KIVY_HOME": self._kivy_home("kiosk")}
        counter = ["--backend", self.url, "--counter", "1", "--station", "quay-1",
                   "--data", str(self.folder / "counter"), "--profile", "demo-fake",
                   "--printer", f"virtual:{self.folder / 'receipts'}",
                   "--window"]  # a window beside the kiosk's, not maximised over it
        return {"kiosk": ([sys.executable, "-m", "kiosk_app", "--window"], kiosk_env),
                "counter": ([sys.executable, "-m", "counter_app", *counter],
                            {"KIVY_HOME": self._kivy_home("counter")})}

    def _kivy_home(self, app: str) -> str:
        home = self.folder / "kivy" / app
        home.mkdir(parents=True, exist_ok=True)  # Kivy makes only the last folder itself
        return str(home)

    def _kiosk_config(self) -> Path:
        """The kiosk's own file wins over the station profile (see kiosk_app/config.py)."""
        path = self.folder / "kiosk.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({
            "printer": f"virtual:{self.folder / 'tickets'}",
            "data_dir": str(self.folder / "kiosk"),
            # pre-typed on the code keyboard, as on a unit set up for its centre
            "agency_code": self.built["site"].agency_code,
            "idle_seconds": KIOSK_IDLE_SECONDS}, indent=2), encoding="utf-8")
        return path

    def start_when_up(self) -> None:
        import requests

        for _ in range(100):
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        for name, (command, env) in self.commands().items():
            child = subprocess.Popen(command, env={**os.environ, **env})
            self.children.append(child)
            print(f"  Đã mở / started {name} (pid {child.pid})", flush=True)

    def stop(self) -> None:
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def fresh_store(path: Path) -> Store:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store(path)
    store.migrate()
    return store


def build(store: Store, now: datetime, n_cases: int = 40, seed: int = 2026) -> dict:
    from backend.catalog import DEFAULT_CATALOG_DIR, load_catalog

    the_catalog = load_catalog(DEFAULT_CATALOG_DIR)
    site.init_settings(store, site.catalog_defaults(the_catalog))
    catalog.load_catalog_into(store, the_catalog)
    users = add_staff(store, now)
    devices = {name: accounts.register_device(store, name, kind, station, "demo", now)[0]
               for name, kind, station in (("kiosk-sanh-1", "kiosk", "rpi-kiosk-portrait"),
                                           ("quay-1", "counter", "x86-counter"))}
    rng = random.Random(seed)
    the_site = site.load_site(store)
    # The first case is resolved and waits at the counter, so a return can be shown at once.
    desks = worker_desks(users)
    codes = [play_case(store, the_site, users, rng, now, ready=(n == 0))
             for n in range(max(n_cases - len(desks), 1))]
    # Every officer's and leader's page opens with work: a case waits at each idle desk.
    for unit, role in desks:
        if len(codes) < n_cases and not _has_work(store, unit):
            codes.append(case_at_desk(store, the_site, users, rng, now, unit, role))
    while len(codes) < n_cases:
        codes.append(play_case(store, the_site, users, rng, now))
    return {"users": users, "devices": devices, "codes": codes, "site": the_site}


def worker_desks(users: list[dict]) -> list[tuple[str, str]]:
    return sorted({(u["unit"], u["role"]) for u in users if u["role"] in ("officer", "leader")})


def _has_work(store: Store, unit: str) -> bool:
    return store.one("select 1 as yes from cases where current_unit = ? and status in "
                     "(2, 4, 5, 6) limit 1", [unit]) is not None


def case_at_desk(store: Store, the_site, users: list[dict], rng: random.Random,
                 now: datetime, unit: str, role: str) -> str:
    """A case received this morning and sent on step by step until it reaches `unit`."""
    proc, target = next((p, i) for p in catalog.search(store)
                        for i, step in enumerate(p.workflow)
                        if i and step.unit == unit and role in step.roles)
    at = _working_moment(the_site.calendar, now - timedelta(days=1), rng, now)
    applicant = cases.Applicant(name=_person(rng), id_number=f"0792{rng.randint(10**7, 10**8 - 1)}",
                                phone=f"09{rng.randint(10**7, 10**8 - 1)}",
                                address=f"{rng.randint(1, 200)} {rng.choice(STREETS)}")
    documents = {d.id: 1 for d in proc.documents if d.required}
    row, _ = cases.intake(store, the_site, cases.Intake(proc, applicant, documents),
                          _actor(users, "clerk", proc.workflow[0].unit), at)
    steps = cases.steps_of(proc)
    for step in range(target):
        at = min(at + timedelta(minutes=20), now)
        cases.act(store, the_site, row["code"], "transfer", _step_actor(users, steps[step]), at)
    return row["code"]


def add_staff(store: Store, now: datetime) -> list[dict]:
    """One account for each (unit, role) some workflow step needs, so every step can move."""
    rng = random.Random(7)
    needed = sorted({(step.unit, role) for proc in catalog.search(store)
                     for step in proc.workflow for role in step.roles})
    wanted = [("admin", "admin", None)] + [
        (f"{role[:2]}.{unit.lower()}", role, unit) for unit, role in needed]
    return [accounts.add_user(store, name, DEMO_PASSWORD, role, unit=unit, must_change=False,
                              full_name=_person(rng), actor="demo", now=now)
            for name, role, unit in wanted]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def play_case(store: Store, the_site, users: list[dict], rng: random.Random,
              now: datetime, ready: bool = False) -> str:
    proc = rng.choice(catalog.search(store))
    days_ago = 25 if ready else rng.randint(0, 25)
    received = _working_moment(the_site.calendar, now - timedelta(days=days_ago), rng, now)
    applicant = cases.Applicant(
        name=_person(rng), id_number=f"0792{rng.randint(10**7, 10**8 - 1)}",
        phone=f"09{rng.randint(10**7, 10**8 - 1)}",
        address=f"{rng.randint(1, 200)} {rng.choice(STREETS)}, phường Tân Ninh")
    documents = {d.id: max(1, d.originals + d.copies) for d in proc.documents if d.required}
    clerk = _actor(users, "clerk", proc.workflow[0].unit)
    channel = "counter" if ready else rng.choice(["counter", "counter", "post"])
    row, _ = cases.intake(store, the_site, cases.Intake(
        proc, applicant, documents, return_channel=channel,
        channel="in_person" if ready else _arrival(applicant)), clerk, received)
    _advance(store, the_site, row["code"], users, rng, received, now, ready)
    return row["code"]


def _arrival(applicant: cases.Applicant) -> str:
    """Most files are handed in, some posted, some sent online (accepted at once): read off
    the phone number already drawn, so the demo's other random choices stay as they were."""
    return ("in_person", "in_person", "in_person", "post", "online")[
        int(applicant.phone[-1]) % 5]


def _working_moment(calendar, day: datetime, rng: random.Random, now: datetime) -> datetime:
    """Office hours on a working day, never after `now`: a receipt cannot be from the future."""
    while True:
        moment = day.replace(hour=rng.choice([7, 8, 9, 10, 14, 15]), minute=rng.randint(0, 59),
                             second=0, microsecond=0)
        if calendar.is_working_day(day.date()) and moment <= now:
            return moment
        day -= timedelta(days=1)


def _office_hours(calendar, at: datetime) -> datetime:
    """Staff act on working days between 07:00 and 17:00; a later move waits for the morning."""
    if at.hour >= 17:
        at = (at + timedelta(days=1)).replace(hour=7)
    elif at.hour < 7:
        at = at.replace(hour=7)
    while not calendar.is_working_day(at.date()):
        at += timedelta(days=1)
    return at


def _actor(users: list[dict], role: str, unit: str) -> Actor:
    for user in users:
        if user["role"] == role and user["unit"] == unit:
            return Actor(user["username"], role, unit)
    raise LookupError(f"no demo {role} at {unit}")


def _step_actor(users: list[dict], step) -> Actor:
    for role in ("officer", "leader", "clerk"):
        if role in step.roles:
            try:
                return _actor(users, role, step.unit)
            except LookupError:
                continue
    raise LookupError(f"nobody at {step.unit}")


def _advance(store, the_site, code, users, rng, at, now, ready=False) -> None:
    """Walk the case along its workflow at a random pace, stopping wherever `now` is reached;
    a `ready` case goes straight on to resolved (status 9) and stays there."""
    moves = 40 if ready else rng.randint(0, 12)
    for _ in range(moves):
        at = _office_hours(the_site.calendar, at + timedelta(hours=rng.choice([3, 6, 20, 26, 48])))
        row = cases.get(store, code)
        if at >= now or (ready and row["status"] == 9):
            return
        name, params, note = _next_move(row, rng, the_site, at, detours=not ready)
        if name is None:
            return
        proc = cases.procedure_of(row)
        actor = _move_actor(users, name, cases.steps_of(proc), row["step"])
        try:
            cases.act(store, the_site, code, name, actor, at, note=note, params=params)
        except MotcuaError:
            return


def _move_actor(users, name, steps, at_step: int) -> Actor:
    if name in ("supplied", "paid", "return"):
        return _actor(users, "clerk", "MOTCUA")
    if name == "apologize":
        return _actor(users, "leader", responsible_leader_unit(steps, at_step))
    return _step_actor(users, steps[at_step])


def _next_move(row, rng, the_site, at, detours=True):
    status, step, last = row["status"], row["step"], len(cases.procedure_of(row).workflow) - 1
    if status == 5:
        return "supplied", {}, None
    if status == 6:
        return "paid", {}, None
    if status == 9:
        return "return", {"channel": row["return_channel"]}, None
    if detours and status in (2, 4) and rng.random() < 0.12:
        return "request_supplement", {}, "Bổ sung bản sao giấy tờ tùy thân có chứng thực"
    if status == 4 and at > datetime.fromisoformat(row["due_at"]) and not row["new_due_at"]:
        new_due = the_site.calendar.add_working_time(at, timedelta(hours=24))
        return "apologize", {"new_due_at": new_due}, "Hồ sơ cần xác minh thêm thực địa"
    if status in (2, 4) and step < last - 1:
        return "transfer", {}, None
    if status == 4:
        return "resolve", {}, None
    return None, None, None


def print_summary(url: str, built: dict, folder: Path) -> None:
    the_site, codes = built["site"], built["codes"]
    from backend.domain.codes import make_token

    print(f"\nmotcua demo — {the_site.agency_name} ({the_site.agency_code})")
    print(f"  Tra cứu hồ sơ / lookup page: {url}/tra-cuu")
    print(f"  Màn hình gọi số / hall:      {url}/hall")
    print(f"  API và tài liệu / API docs:  {url}/docs")
    print(f"  Cán bộ / staff (back office): {url}/staff")
    print(f"  Cơ sở dữ liệu / database:    {folder / 'motcua.sqlite'}")
    print(f"  Tài khoản demo / demo logins (mật khẩu / password: {DEMO_PASSWORD}):")
    for user in built["users"]:
        print(f"    {user['username']:<14} {user['role']:<8} {user['unit'] or '':<8} "
              f"{user['full_name']}")
    print("  Tra cứu / lookups (mã + mã bảo mật trên biên nhận / code + receipt token):")
    for code in codes[:3]:
        print(f"    {url}/api/v1/lookup/{code}?t={make_token(code, the_site.secret)}")
    ready = codes[0]
    print(f"  Đã xử lý xong, chờ trả tại quầy / resolved, ready to return at the counter: "
          f"{ready}\n    {url}/L/{ready}/{make_token(ready, the_site.secret)}")
    for name, token in built["devices"].items():
        print(f"  Thiết bị / device {name}: token {token}")
    print(f"  Biên nhận, số thứ tự (PNG) / receipts, tickets: {folder / 'receipts'}, "
          f"{folder / 'tickets'}")
    print(f"  Mã PIN quản trị ki-ốt / kiosk admin PIN: {KIOSK_PIN}\n", flush=True)
