"""`akhbar db start|stop|status|uri`: the managed local store (see `crawler.store.local`).

`MONGO_URI`, when set, is where every command goes instead; these subcommands then say so.
"""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["start", "stop", "status", "uri"],
        help="start: start it if needed and print its URI; stop; status; uri: print the URI "
        '(starting it if needed), e.g. mongosh "$(akhbar db uri)"',
    )


def run(args: argparse.Namespace) -> int:
    from crawler.store.local import LocalServerError, LocalStore

    store = LocalStore()
    if os.environ.get("MONGO_URI") and args.action != "stop":
        print("MONGO_URI is set: akhbar uses that server, not the local store", file=sys.stderr)
    try:
        if args.action in ("start", "uri"):
            print(store.ensure())
            return 0
    except LocalServerError as exc:
        print(f"akhbar db {args.action}: {exc}", file=sys.stderr)
        return 2
    if args.action == "stop":
        print("stopped" if store.stop() else "not running")
        return 0
    status = store.status()
    print(f"data      {status.home} ({status.data_bytes / 2**20:.1f} MiB)")
    if status.running:
        print(f"running   pid {status.pid}, {status.uri}")
    else:
        print("stopped   (started on demand by the next command that needs it)")
    return 0 if status.running else 3
