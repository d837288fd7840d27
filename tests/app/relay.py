"""A relay that makes a browser on this machine reach the page from another address.

The page limits the sessions of one client address; a test needs two clients with different
addresses, and Chromium cannot choose the address it connects from. The relay listens on
127.0.0.1 and opens each connection to the page from ``source`` (127.0.0.2 by default: the
whole of 127.0.0.0/8 is this machine), passing bytes both ways, so the page sees ``source``.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

__all__ = ["Relay"]


class Relay:
    """Forwards 127.0.0.1:``port`` to ``target_port`` on 127.0.0.1, connecting from ``source``.

    Use as a context manager; ``url`` is the page's address through the relay.
    """

    def __init__(self, target_port: int, source: str = "127.0.0.2") -> None:
        self.target_port, self.source = target_port, source
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._closing = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> Relay:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the relay did not start")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._pass_on, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _close(self) -> None:
        """Stop listening and close every connection, so that nothing is left open.

        The connections' tasks are let finish rather than cancelled: Python 3.12.1's streams
        leave the socket of a connection whose task is cancelled before it starts unclosed
        (a ResourceWarning, an error under warnings-as-errors). Only a task still running after
        its sockets are closed is cancelled.
        """
        assert self._server is not None
        self._closing = True
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=5)
            for task in pending:
                task.cancel()
        await asyncio.sleep(0.1)

    async def _pass_on(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closing:  # accepted as the relay closed: nothing to pass on
            writer.close()
            return
        self._writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(
                "127.0.0.1", self.target_port, local_addr=(self.source, 0)
            )
        except OSError:
            writer.close()
            return
        if self._closing:
            writer.close()
            up_writer.close()
            return
        self._writers.add(up_writer)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self._writers.difference_update((writer, up_writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
