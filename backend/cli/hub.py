"""`motcua hub`: the provincial hub on PostgreSQL: its server, the centres and report readers
it knows, its SMS lookup and its province report."""

from __future__ import annotations

import os
from pathlib import Path

from backend.cli.common import (
    add_period_options,
    add_server_options,
    add_trusted_proxy_option,
    check_trusted_proxies,
    now,
    run_server,
    write,
)
from backend.cli.sms import add_modem_options, serve_sms


def add_hub(sub) -> None:
    hub = sub.add_parser("hub", help="the provincial hub (PostgreSQL)").add_subparsers(
        dest="hub_command", required=True)
    commands = [_add_serve(hub), *_add_registers(hub), _add_sms(hub), _add_report(hub)]
    for command in commands:
        command.add_argument("--database", default=os.environ.get("MOTCUA_HUB_DATABASE"),
                             help="postgresql://... (default: $MOTCUA_HUB_DATABASE)")


def _add_serve(hub):
    serve = hub.add_parser("serve", help="run the hub's HTTP server")
    add_server_options(serve, port=8100)
    serve.add_argument("--lookup-rate", type=int, default=30,
                       help="public lookups a minute per client address")
    serve.add_argument("--limits", metavar="FILE",
                       help="the lookup counters shared by every worker (default: "
                       "$STATE_DIRECTORY/limits under systemd, else a private temporary folder)")
    add_trusted_proxy_option(serve)
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=cmd_hub_serve)
    return serve


def _add_registers(hub) -> list:
    site = hub.add_parser("site", help="centres that push to the hub").add_subparsers(
        dest="hub_site_command", required=True)
    add_site = site.add_parser("add", help="register a centre and print its token (shown once)")
    add_site.add_argument("agency", help="the centre's agency code, e.g. 000.00.06.H56")
    add_site.add_argument("--name", required=True)
    add_site.set_defaults(func=cmd_hub_site_add)
    reader = hub.add_parser("reader", help="who may read the province report").add_subparsers(
        dest="hub_reader_command", required=True)
    add_reader = reader.add_parser("add", help="issue a report token (shown once)")
    add_reader.add_argument("name")
    add_reader.set_defaults(func=cmd_hub_reader_add)
    return [add_site, add_reader]


def _add_sms(hub):
    sms = hub.add_parser("sms", help="answer 'TTHC <mã hồ sơ>' SMS for every centre's cases")
    add_modem_options(sms)
    sms.set_defaults(func=cmd_hub_sms)
    return sms


def _add_report(hub):
    about = ("the national reporting template for the province (the columns of `motcua "
             "report`), by site, unit, field or procedure, from the synced events")
    report = hub.add_parser("report", help=about, description=about)
    add_period_options(report, ["site", "unit", "field", "procedure"], default="site")
    report.set_defaults(func=cmd_hub_report)
    return report


def _hub(args):
    from backend.hub.db import HubStore

    if not args.database:
        raise SystemExit("Cần --database postgresql://... (hoặc $MOTCUA_HUB_DATABASE) / "
                         "--database postgresql://... (or $MOTCUA_HUB_DATABASE) is required")
    hub = HubStore(args.database)
    hub.migrate()
    return hub


def cmd_hub_serve(args) -> int:
    check_trusted_proxies(args)
    _hub(args)  # migrate once, and fail here with a clear message if PostgreSQL is away
    os.environ["MOTCUA_HUB_DATABASE"] = args.database
    os.environ["MOTCUA_HUB_LOOKUP_RATE"] = str(args.lookup_rate)
    os.environ["MOTCUA_HUB_LIMITS"] = _hub_limits(args.limits)
    run_server("backend.hub.app:hub_app_from_env", args, "motcua hub")
    return 0


def _hub_limits(path: str | None) -> str:
    """The lookup counters' file every worker shares: the one named, else one in a private
    folder made for this server (never a guessable name in a shared /tmp)."""
    import tempfile

    if path:
        return str(Path(path).resolve())
    state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
    return os.path.join(state or tempfile.mkdtemp(prefix="motcua-hub-"), "limits")


def cmd_hub_site_add(args) -> int:
    from backend.hub.receiver import add_site

    token = add_site(_hub(args), args.agency, args.name)
    print(f"Trung tâm / site {args.agency}\n"
          f"Mã truy cập (chỉ hiện một lần) / token (shown once): {token}")
    return 0


def cmd_hub_reader_add(args) -> int:
    from backend.hub.receiver import add_reader

    token = add_reader(_hub(args), args.name)
    print(f"Mã truy cập báo cáo (chỉ hiện một lần) / report token (shown once): {token}")
    return 0


def cmd_hub_sms(args) -> int:
    """The province's SMS lookup: any centre's code, answered from the hub."""
    from backend.hub.lookup import hub_lookup
    from backend.sms import SmsGateway

    hub = _hub(args)
    return serve_sms(args, lambda modem: SmsGateway(
        None, modem, keyword=args.keyword,
        lookup=lambda code, when: hub_lookup(hub, code, None, when)))


def cmd_hub_report(args) -> int:
    """The national template for the province, as `motcua report` gives it for one site."""
    from backend.hub.report import period_output

    write(period_output(_hub(args), args.first, args.last, args.by, args.format, now()).body,
          args.output)
    return 0
