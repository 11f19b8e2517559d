"""Print one JSON view exactly as the Python package gives it, to compare
with the CLI's ``--format json`` and the C ABI's ``out_json``.

    parity.py plan URL                  the plan of URL's database (prefix __, all tables)
    parity.py task STORE_PATH ID        task ID of the SQLite task store at STORE_PATH
    parity.py timeline STORE_PATH ID    its timeline
    parity.py logs STORE_PATH ID        its logs

The view goes to stdout as the library wrote it; an error (a usage error
too) goes to stderr, with exit status 1. A missing store file is an error,
not created.
"""

from __future__ import annotations

import os
import sys

import shadowsync

USAGE = "usage: parity.py plan URL | parity.py {task,timeline,logs} STORE_PATH ID"


def view(args: list[str]) -> str:
    """The JSON text of the view ``args`` name."""
    match args:
        case ["plan", url]:
            with shadowsync.connect(url) as executor:
                return shadowsync.analyze(executor).to_json()
        case ["task" | "timeline" | "logs" as what, store, task_id]:
            if not os.path.isfile(store):
                raise shadowsync.NotFoundError(f"no task store at {store}")
            center = shadowsync.TaskCenter(store)
            number = int(task_id)
            if what == "task":
                return center.task(number).to_json()
            if what == "timeline":
                return center.timeline(number).to_json()
            return center.logs(number).to_json()
    raise SystemExit(USAGE)


def main(args: list[str]) -> int:
    try:
        text = view(args)
    except SystemExit as usage:
        print(usage, file=sys.stderr)
        return 1
    except (shadowsync.ShadowSyncError, ValueError) as error:
        print(f"parity.py: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
