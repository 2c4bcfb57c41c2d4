#!/usr/bin/env python3
"""smtp_sink: a local SMTP server for the mail tests (aiosmtpd, loopback only).

    smtp_sink.py DIR [--refuse CODE --refuse-count N] [--hold]

Listens on 127.0.0.1 on a free port, which it writes to DIR/port once it accepts
connections. Each message it accepts is written to DIR/NNN.eml (the data as received), its
envelope recipients to DIR/NNN.rcpt. --refuse CODE answers the data of the first N messages
with CODE (451 or 550) and keeps nothing. --hold keeps each message, writes DIR/holding, and
then never answers the data (the client sees no reply): a test kills the client meanwhile.
Stop it with SIGTERM (by pid)."""
import argparse
import asyncio
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, refuse, refuse_count, hold):
        self.out, self.refuse, self.refuse_count, self.hold = out, refuse, refuse_count, hold
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        if self.n <= self.refuse_count:
            return f"{self.refuse} refused by the test sink"
        kept = len([f for f in os.listdir(self.out) if f.endswith(".eml")]) + 1
        base = os.path.join(self.out, f"{kept:03d}")
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".tmp", base + ".eml")
        if self.hold:
            open(os.path.join(self.out, "holding"), "w").close()
            await asyncio.sleep(3600)
        return "250 OK kept"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--refuse", default="451")
    ap.add_argument("--refuse-count", type=int, default=0)
    ap.add_argument("--hold", action="store_true")
    a = ap.parse_args()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ctl = Controller(Sink(a.dir, a.refuse, a.refuse_count, a.hold), hostname="127.0.0.1",
                     port=port)
    ctl.start()
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write(f"{port}\n")
    os.rename(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    # every kept message is already on disk (renamed into place); a held session would make
    # a clean stop wait for its reply, so leave at once
    os._exit(0)


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    sys.exit(main())
