"""The production server: granian serving microblog.bridge. `make production` runs it.

granian reads each request in Rust and on its event loop before Django sees it: a client that sends
its headers or its body slowly holds a socket, not a worker, so "slowloris" connections cannot stop
the site, as they stop sync gunicorn workers that have no buffering proxy in front (measured: see
the README's "Running in production"). Headers get HEADER_TIMEOUT_MS, bodies microblog.bridge's
BODY_TIMEOUT.

Configured from the environment, as the settings are:
- PORT: listen on 0.0.0.0:$PORT; without it, 127.0.0.1:8000 only.
- WEB_CONCURRENCY: worker processes (default 2).
- TLS_CERTIFICATE, TLS_KEY: files of a certificate chain and its key (PKCS#8), to serve HTTPS
  without a proxy in front.
"""

import os
import threading
import time
from pathlib import Path

import environ
import granian
from granian import Granian
from granian.constants import HTTPModes, Interfaces, SSLProtocols
from granian.http import HTTP1Settings

from microblog import load_settings_or_exit

# A client gets this long to send its request's headers, then the connection is closed.
HEADER_TIMEOUT_MS = 10_000
# On SIGTERM, workers get this long to finish their requests and queued error emails.
SHUTDOWN_TIMEOUT = 30


class Server(Granian):
    """granian's main process, with a SIGTERM/SIGINT handler that takes no lock.

    granian's own handler sets a threading.Event. Python runs a signal handler in the main thread
    between two bytecodes, possibly while that thread holds the Event's lock: as it wakes from
    waiting on that Event because workers exited, which they all do when SIGTERM goes to the whole
    process group. The handler then waits forever for a lock its own thread holds, and so does
    the server (seen in this suite: all its threads on one lock). Here the handler only sets a
    flag, and a thread of ours passes it on.
    """

    def signal_handler_interrupt(self, *args, **kwargs):
        self.interrupt_signal = True

    def serve(self, *args, **kwargs):
        check_granian_internals(self)
        threading.Thread(target=self._pass_on_interrupt, daemon=True).start()
        super().serve(*args, **kwargs)

    def _pass_on_interrupt(self):
        while not self.interrupt_signal:
            time.sleep(0.1)
        self.main_loop_interrupt.set()


def check_granian_internals(server):
    """Stop the start if granian no longer has what Server takes from its internals: the handler
    it registers for SIGTERM, the flag that handler sets and the Event its main loop waits on. A
    release that renamed them would otherwise leave a server that ignores SIGTERM."""
    found = (
        callable(getattr(Granian, "signal_handler_interrupt", None))
        and isinstance(getattr(server, "interrupt_signal", None), bool)
        and isinstance(getattr(server, "main_loop_interrupt", None), threading.Event)
    )
    if not found:
        raise SystemExit(
            f"microblog: granian {granian.__version__} has no signal_handler_interrupt, "
            "interrupt_signal or main_loop_interrupt, which microblog/server.py's Server relies "
            "on to stop on SIGTERM: check Server against this granian release."
        )


def server():
    env = environ.Env()
    port = env.int("PORT", default=None)
    certificate, key = tls_files(env)
    return Server(
        "microblog.bridge:application",
        interface=Interfaces.ASGINL,
        address="0.0.0.0" if port else "127.0.0.1",  # noqa: S104 (PORT asks for it)
        port=port or 8000,
        workers=env.int("WEB_CONCURRENCY", default=2),
        http=HTTPModes.http1,
        websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT_MS, keep_alive=True),
        ssl_cert=certificate,
        ssl_key=key,
        ssl_protocol_min=SSLProtocols.tls12,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=SHUTDOWN_TIMEOUT,
    )


def tls_files(env):
    """The certificate and key that TLS_CERTIFICATE and TLS_KEY name, or (None, None)."""
    names = ["TLS_CERTIFICATE", "TLS_KEY"]
    files = [Path(env(name)) if env(name, default="") else None for name in names]
    if files.count(None) == 1:
        raise SystemExit("microblog: set both TLS_CERTIFICATE and TLS_KEY, or neither.")
    for name, file in zip(names, files, strict=True):
        if file and not file.is_file():
            raise SystemExit(f"microblog: {name} names {file}, which is not a readable file.")
    return files


if __name__ == "__main__":
    # The settings refuse a DEBUG taken from the development .env when this is on.
    os.environ.setdefault("PRODUCTION_SERVER", "on")
    load_settings_or_exit()
    server().serve()
