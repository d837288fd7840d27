"""What the page's server shares between sessions: a limit on them, and warmed-up models.

One browser must not take the page down for the room. Every session holds its own model
(about 13 MB for 40,000 residents) and used to run its own two-year warm-up; a client that
opened sixty pages stalled everyone and kept the memory for ten minutes. So:

* :class:`SessionGate` admits at most ``max_sessions`` live sessions (``barrio app
  --max-sessions``); the next one sees a polite page instead of a model.
* :class:`WarmupCache` runs the warm-up once per (scenario, seed) and keeps it pickled; a new
  session, a reset or a side-by-side run starts from a copy, which takes a fraction of the
  time and gives the same run (the model's generators are part of the copy).
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["DEFAULT_MAX_SESSIONS", "MAX_SESSIONS_ENV", "SessionGate", "WarmupCache"]

#: Sessions the page serves at once by default: a room of 40, with room for the facilitator's
#: own tabs and a few reconnections.
DEFAULT_MAX_SESSIONS = 50
#: Environment variable through which ``barrio app --max-sessions`` reaches the server.
MAX_SESSIONS_ENV = "BARRIO_APP_MAX_SESSIONS"


class SessionGate:
    """Counts live sessions and admits at most ``limit`` of them.

    Args:
        limit: Sessions admitted at once.
    """

    def __init__(self, limit: int = DEFAULT_MAX_SESSIONS) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._admitted: set[Hashable] = set()
        self._waiting: set[Hashable] = set()

    def open(self, session: Hashable) -> bool:
        """A session starts: admit it if there is room; True if admitted."""
        with self._lock:
            if session in self._admitted:
                return True
            if len(self._admitted) < self.limit:
                self._admitted.add(session)
                self._waiting.discard(session)
                return True
            self._waiting.add(session)
            return False

    def admitted(self, session: Hashable) -> bool:
        """Whether ``session`` holds a place."""
        with self._lock:
            return session in self._admitted

    def close(self, session: Hashable) -> None:
        """A session ended (its page closed and was culled): free its place."""
        with self._lock:
            self._admitted.discard(session)
            self._waiting.discard(session)

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
                return pickle.loads(kept)  # noqa: S301 - bytes this process pickled itself
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
        return pickle.loads(kept)  # noqa: S301 - bytes this process pickled itself
