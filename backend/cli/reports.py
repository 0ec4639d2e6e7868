"""`motcua demo` (a demo database, served with the apps) and `motcua report` (the period
statistics of the national template, for one site)."""

from __future__ import annotations

from backend.cli.common import add_period_options, now, open_store, write


def add_demo(sub) -> None:
    p = sub.add_parser("demo", help="fresh demo database with procedures, users and cases, "
                       "then serve it")
    p.add_argument("--dir", default="var/demo", help="folder for the demo database")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="only build the demo data")
    p.add_argument("--apps", choices=["auto", "yes", "no"], default="auto",
                   help="start the kiosk and a counter (auto: when a display is available)")
    p.set_defaults(func=cmd_demo)


def add_report(sub) -> None:
    about = ("period statistics of the national reporting template (received, resolved "
             "early/on time/late, in progress, overdue, withdrawn, ratings) per group")
    p = sub.add_parser("report", help=about, description=about)
    add_period_options(p, ["unit", "field", "procedure"], default="unit")
    p.set_defaults(func=cmd_report)


def cmd_demo(args) -> int:
    from backend import demo

    return demo.run(args)


def cmd_report(args) -> int:
    """The period report to a file, or to standard output when none is named."""
    from backend import forms
    from backend.store.site import load_site

    store = open_store(args)
    out = forms.period_report(store, load_site(store), args.first, args.last, args.by,
                              args.format, now())
    write(out.body, args.output)
    return 0
