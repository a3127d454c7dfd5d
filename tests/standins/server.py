"""Run an ASGI app under uvicorn on a loopback port in a thread of its own.

A thread (not the test's loop) so that synchronous callers, such as a CLI run in a subprocess,
can talk to a stand-in while the test blocks on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable
from typing import Any


class ThreadedServer:
    """``start()`` binds a free port and serves ``app``; ``stop()`` releases hung requests and
    shuts the server down. ``loop`` is the server's event loop once started."""

    def __init__(self, app: Any, *, on_stop: Callable[[], None] | None = None) -> None:
        self.app = app
        self.on_stop = on_stop
        self.loop: asyncio.AbstractEventLoop | None = None
        self.base_url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> str:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="error",
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
            loop="asyncio",
            http="h11",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._run, args=(sock,), daemon=True, name=f"standin-{port}"
        )
        self._thread.start()
        if not self._started.wait(10) or self._error is not None:
            raise RuntimeError(f"stand-in server did not start: {self._error!r}")
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    def _run(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(sock))
        except BaseException as exc:  # reported to start() when it happens before startup
            self._error = exc
            self._started.set()
        finally:
            loop.close()

    async def _serve(self, sock: socket.socket) -> None:
        task = asyncio.ensure_future(self._server.serve(sockets=[sock]))
        while not self._server.started and not task.done():
            await asyncio.sleep(0.01)
        self._started.set()
        await task

    def call(self, function: Callable[[], None]) -> None:
        """Run ``function`` on the server's loop (thread-safe)."""
        if self.loop is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(function)

    def stop(self) -> None:
        if self._thread is None:
            return
        if self.on_stop is not None:
            self.call(self.on_stop)
        self._server.should_exit = True
        self._thread.join(15)
        self._thread = None
