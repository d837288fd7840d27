"""What the page's server shares between sessions: a limit on them, warmed-up models, and memory.

One browser must not take the page down for the room. Every session holds its own model
(about 13 MB for 40,000 residents) and used to run its own two-year warm-up; a client that
opened sixty pages stalled everyone and kept the memory for ten minutes. So:

* :class:`SessionGate` admits at most ``max_sessions`` live sessions (``barrio app
  --max-sessions``), and at most ``max_per_address`` from one address, so that one browser (or
  one script) cannot take every place; the next one sees a polite page instead of a model.
* :class:`WarmupCache` runs the warm-up once per (scenario, seed) and keeps it pickled; a new
  session, a reset or a side-by-side run starts from a copy, which takes a fraction of the
  time and gives the same run (the model's generators are part of the copy).
* :class:`ClosedSessions` gives a closed session's memory back to the system once Python has
  let go of it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
import ipaddress
import logging
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = [
    "DEFAULT_MAX_SESSIONS",
    "MAX_PER_ADDRESS_ENV",
    "MAX_SESSIONS_ENV",
    "ClosedSessions",
    "SessionGate",
    "WarmupCache",
    "client_of",
    "default_per_address",
    "trim_heap",
]

log = logging.getLogger(__name__)

#: Sessions the page serves at once by default: a room of 40, with room for the facilitator's
#: own tabs and a few reconnections.
DEFAULT_MAX_SESSIONS = 50
#: Environment variable through which ``barrio app --max-sessions`` reaches the server.
MAX_SESSIONS_ENV = "BARRIO_APP_MAX_SESSIONS"
#: Environment variable through which ``barrio app --max-sessions-per-address`` reaches the server.
MAX_PER_ADDRESS_ENV = "BARRIO_APP_MAX_PER_ADDRESS"


def default_per_address(max_sessions: int) -> int:
    """Places one address may hold by default: all but a fifth of them (40 of 50).

    A room behind one router (a school's wifi in front of a page served on the internet) reaches
    the page from one address, so the cap stays high; what it keeps back (10 of 50) is what lets a
    visitor in when one client has opened page after page.
    """
    return max(1, max_sessions - max(1, max_sessions // 5))


def client_of(address: str) -> str:
    """Who an address stands for when sessions are counted: itself, or its /64 for IPv6.

    One IPv6 client usually has a whole /64 to take addresses from, one a page.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an address (a test's, or none): counted as it is
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class SessionGate:
    """Counts live sessions and admits at most ``limit`` of them, ``per_address`` from one address.

    Args:
        limit: Sessions admitted at once.
        per_address: Sessions admitted at once from one client address (default
            :func:`default_per_address` of ``limit``).
    """

    def __init__(self, limit: int = DEFAULT_MAX_SESSIONS, per_address: int | None = None) -> None:
        self.limit = limit
        self.per_address = min(limit, default_per_address(limit) if per_address is None else per_address)
        self._lock = threading.Lock()
        self._admitted: dict[Hashable, str] = {}
        self._refused: dict[Hashable, str] = {}

    def open(self, session: Hashable, address: str = "") -> bool:
        """A session starts from ``address``: admit it if there is room; True if admitted."""
        who = client_of(address)
        with self._lock:
            if session in self._admitted:
                return True
            if len(self._admitted) >= self.limit:
                self._refused[session] = "full"
                return False
            if sum(1 for a in self._admitted.values() if a == who) >= self.per_address:
                self._refused[session] = "address"
                return False
            self._admitted[session] = who
            self._refused.pop(session, None)
            return True

    def admitted(self, session: Hashable) -> bool:
        """Whether ``session`` holds a place."""
        with self._lock:
            return session in self._admitted

    def refusal(self, session: Hashable) -> str | None:
        """Why ``session`` was refused a place when it started, or None if it holds one.

        ``"full"`` when every place was taken, ``"address"`` when its address held its share.
        """
        with self._lock:
            if session in self._admitted:
                return None
            return self._refused.get(session, "full")

    def close(self, session: Hashable) -> None:
        """A session ended (its page closed and was culled): free its place."""
        with self._lock:
            self._admitted.pop(session, None)
            self._refused.pop(session, None)

    @property
    def live(self) -> int:
        """Sessions admitted now."""
        with self._lock:
            return len(self._admitted)


class WarmupCache:
    """Warmed-up models by key, built once and handed out as copies.

    Two sessions asking for the same key at once wait for one build rather than running two.

    Args:
        size: Keys kept (least recently used dropped first); each is a pickled model of a few MB.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self.builds = 0

    def copy(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """A fresh copy of what ``build()`` gives for ``key``, building it only the first time."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return _copy_of(kept)
            gate = self._building.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                kept = self._kept.get(key)
            if kept is None:
                kept = pickle.dumps(build(), protocol=pickle.HIGHEST_PROTOCOL)
                with self._lock:
                    self.builds += 1
                    self._kept[key] = kept
                    self._kept.move_to_end(key)
                    while len(self._kept) > self.size:
                        self._kept.popitem(last=False)
                    self._building.pop(key, None)
        return _copy_of(kept)


def _copy_of(kept: bytes) -> Any:
    """What ``kept`` pickles (bytes this process pickled itself), as :class:`_OneCellClass` reads it."""
    return _OneCellClass(io.BytesIO(kept)).load()


class _OneCellClass(pickle.Unpickler):
    """Reads a pickled model with one class for the cells of each grid, as the grid made them.

    Mesa (3.5) makes a class for every cell it unpickles (3,600 for the default neighbourhood):
    a copy then takes a quarter longer and 2.6 MB more, and the classes are left for the
    cycle collector. The cells' class and state are otherwise as Mesa's own unpickling makes
    them (mesa.discrete_space.grid.unpickle_gridcell); the grid takes its cell class from its
    cells, so it is the one class again.
    """

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file)
        self._cell_classes: dict[type, type] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("mesa.discrete_space.grid", "unpickle_gridcell"):
            return self._cell
        return super().find_class(module, name)

    def _cell(self, parent: type, fields: tuple) -> Any:
        cell_class = self._cell_classes.get(parent)
        if cell_class is None:
            namespace = {"_mesa_properties": set(), "__slots__": ()}
            cell_class = self._cell_classes[parent] = type("GridCell", (parent,), namespace)
        cell = cell_class((0, 0))  # its coordinate, as every field, comes from the pickle
        for key, value in fields[1].items():
            setattr(cell, key, value)
        return cell


def trim_heap() -> None:
    """Hand freed heap pages back to the system (glibc keeps them otherwise); elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


class ClosedSessions:
    """Gives closed sessions' memory back to the system once Python has let go of them.

    A session's objects (its page's components and widgets, its runs) refer to one another,
    so only Python's cycle collector frees them, and its full passes are rare on a large heap.
    Solara lets go of a session a moment after closing it (longer when many close at once), so
    one collection at a fixed time after a close often comes too early and frees nothing. Each
    closed session leaves a marker here (held weakly: its workshop); from a close until every
    marker is gone, this collects, waiting ``every`` seconds before the first pass and twice as
    long before each next (a full collection pauses every session: tens of ms per open
    session), up to ``longest``, and hands the freed heap back to the system after each pass.
    Markers still held after ``patience`` seconds are logged (something keeps those sessions) and
    dropped.

    Args:
        every: Seconds from a close to the first collection.
        longest: Most seconds between two collections.
        patience: Seconds after the last close before markers still held are given up on.
        collect: The collection (:func:`gc.collect`).
        trim: What hands freed memory back (:func:`trim_heap`).
    """

    def __init__(
        self,
        every: float = 2.0,
        longest: float = 16.0,
        patience: float = 120.0,
        collect: Callable[[], object] = gc.collect,
        trim: Callable[[], None] = trim_heap,
    ) -> None:
        self.every, self.longest, self.patience = every, longest, patience
        self._collect, self._trim = collect, trim
        self._lock = threading.Lock()
        self._markers: list[weakref.ref] = []
        self._running = False
        self._last_close = 0.0
        #: Collections run so far.
        self.passes = 0
        #: Markers given up on (their sessions were still held after ``patience``).
        self.given_up = 0

    def closed(self, marker: object | None = None) -> None:
        """A session closed; ``marker`` (weakly held) is freed with it. Collect until it is."""
        with self._lock:
            if marker is not None:
                self._markers.append(weakref.ref(marker))
            self._last_close = time.monotonic()
            if self._running:
                return
            self._running = True
        thread = threading.Thread(target=self._run, name="barrio-closed-sessions", daemon=True)
        # Solara's server gives a thread the session it is started from (Thread.current_context),
        # and a close is run inside the closing session: this thread would keep that session
        # alive for as long as it runs, and collect in vain (as a timer started here once did).
        thread.current_context = None
        thread.start()

    @property
    def held(self) -> int:
        """Closed sessions whose markers are still alive."""
        with self._lock:
            return sum(ref() is not None for ref in self._markers)

    def _run(self) -> None:
        wait = self.every
        while True:
            time.sleep(wait)
            self._collect()
            self._trim()
            with self._lock:
                self.passes += 1
                self._markers = [ref for ref in self._markers if ref() is not None]
                if self._markers and time.monotonic() - self._last_close > self.patience:
                    held = len(self._markers)
                    log.warning("%d closed sessions are still held after %gs", held, self.patience)
                    self.given_up += len(self._markers)
                    self._markers = []
                if not self._markers:
                    self._running = False
                    return
            wait = min(2 * wait, self.longest)
