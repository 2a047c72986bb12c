"""`python -m demo_portal [--port N] [--seed S] [--time-scale X] [--start ISO] [--token T]`"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from datetime import datetime

from demo_portal.catalogue import DEFAULT_SEED
from demo_portal.clock import SimClock
from demo_portal.portal import DemoPortal
from demo_portal.server import DEFAULT_PORT, PortalServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo_portal", description="The built-in demo portal for Thái Nguyên."
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("IOC_DEMO_PORT", DEFAULT_PORT)))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="simulated seconds per real second (1440: a day a minute)"
    )
    parser.add_argument("--start", type=datetime.fromisoformat, help="simulated local time at start (default: now)")
    parser.add_argument("--token", default=os.environ.get("IOC_DEMO_TOKEN"), help="require this bearer token")
    args = parser.parse_args(argv)

    portal = DemoPortal(args.seed, SimClock(args.start, args.time_scale))
    try:
        server = PortalServer(portal, args.port, args.token)
    except OSError as error:
        print(f"demo portal: cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop)
    print(
        f"demo portal on {server.url} (seed {args.seed}, time ×{args.time_scale:g}, now {portal.clock.now():%Y-%m-%d %H:%M})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _stop(*_: object) -> None:
    # shutdown() from a handler running on the serving thread would wait for itself
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
