"""Serve the workshop page: ``barrio app [SCENARIO]``.

The page must work in a room with no internet. Solara fetches its JavaScript and CSS from a
CDN unless the ``solara-assets`` package is installed (a dependency of Barrio), and sends
usage telemetry unless told not to; :func:`server_environment` turns that off.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from collections.abc import Mapping

from barrio.app.capacity import (
    DEFAULT_MAX_SESSIONS,
    MAX_PER_ADDRESS_ENV,
    MAX_SESSIONS_ENV,
    default_per_address,
)
from barrio.app.labels import LANGUAGES
from barrio.app.page import LANGUAGE_ENV, SCENARIO_ENV, SEED_ENV
from barrio.model.errors import BarrioError
from barrio.model.scenario import load_scenario

__all__ = [
    "CannotListenError",
    "PortInUseError",
    "SessionLimitError",
    "check_port",
    "server_command",
    "server_environment",
]


class CannotListenError(BarrioError, OSError):
    """The page cannot listen on the address and port asked for; the message says why and what to do."""


class PortInUseError(CannotListenError):
    """Something else listens on the port asked for (often another ``barrio app``)."""


class SessionLimitError(BarrioError, ValueError):
    """The limits on sessions do not fit together (one address allowed more than the whole page)."""


#: Ports a server may listen on.
PORTS = range(1, 65536)
#: Ports below this need administrator rights on most systems.
FIRST_UNPRIVILEGED_PORT = 1024


def check_port(host: str, port: int) -> None:
    """Fail early, with advice, if ``host:port`` cannot be listened on.

    Raises:
        PortInUseError: If something else listens there (often another ``barrio app``).
        CannotListenError: If the port is not a port number, needs administrator rights, or
            ``host`` is not an address of this machine.
    """
    where = f"{host}:{port}"
    if port not in PORTS:
        raise CannotListenError(
            f"cannot listen on {where}: ports are {PORTS[0]} to {PORTS[-1]}; choose one with --port"
        )
    # IPv6 for an address with a colon, else IPv4: as the page's server (uvicorn) chooses.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As uvicorn does, so that a port left in TIME_WAIT by a server just stopped counts as free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except socket.gaierror as err:
        raise CannotListenError(_not_here(where, host, err.strerror)) from None
    except OSError as err:
        raise _why(err, host, port) from None


def _why(err: OSError, host: str, port: int) -> CannotListenError:
    """The error to show for a failed bind: only a port in use suggests another page is running."""
    where = f"{host}:{port}"
    if err.errno == errno.EADDRINUSE:
        return PortInUseError(
            f"cannot listen on {where}: the port is in use ({err.strerror}); another `barrio app` may be "
            "running there: stop it, or choose another port with --port"
        )
    if err.errno == errno.EACCES and port < FIRST_UNPRIVILEGED_PORT:
        return CannotListenError(
            f"cannot listen on {where}: ports below {FIRST_UNPRIVILEGED_PORT} need administrator "
            f"privileges ({err.strerror}); choose a port above {FIRST_UNPRIVILEGED_PORT - 1} with --port"
        )
    if err.errno == errno.EADDRNOTAVAIL:
        return CannotListenError(_not_here(where, host, err.strerror))
    return CannotListenError(f"cannot listen on {where} ({err.strerror}); check --host and --port")


def _not_here(where: str, host: str, reason: str) -> str:
    return (
        f"cannot listen on {where}: {host!r} is not an address of this machine ({reason}); use --host "
        "127.0.0.1 (this machine only) or --host 0.0.0.0 (every network of this machine)"
    )


def server_environment(
    scenario: str,
    seed: int,
    language: str,
    base: Mapping[str, str],
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    max_per_address: int | None = None,
) -> dict[str, str]:
    """The environment the page's server runs in: ``base`` plus Barrio's and Solara's settings.

    ``max_per_address`` caps the sessions one client address holds (default
    :func:`~barrio.app.capacity.default_per_address` of ``max_sessions``).

    Raises:
        ScenarioError: If the scenario cannot be used (checked here, before the server starts).
        PlanTooLargeError: If ``max_sessions`` runs of the scenario (two each, side by side)
            would not fit in this machine's memory.
        ValueError: If the language is not one the page offers, or ``max_per_address`` is not
            1 to ``max_sessions`` (:class:`SessionLimitError`).
    """
    from barrio.experiments import capacity

    chosen = load_scenario(scenario)
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    per_address = default_per_address(max_sessions) if max_per_address is None else max_per_address
    if not 1 <= per_address <= max_sessions:
        raise SessionLimitError(
            f"--max-sessions-per-address must be 1 to --max-sessions ({max_sessions}), got {per_address}"
        )
    timing = chosen.params.timing
    size = capacity.estimate(
        1,
        2 * max_sessions,
        chosen.params.neighbourhood.population,
        timing.warmup_weeks + timing.horizon_weeks,
        jobs=2 * max_sessions,
    )
    size = capacity.PlanSize(size.scenarios, size.runs, size.population, size.weeks, size.at_once, 0)
    capacity.check(size, f"the page for {max_sessions} sessions of {chosen.name} (--max-sessions)")
    return {
        **base,
        SCENARIO_ENV: scenario,
        SEED_ENV: str(seed),
        LANGUAGE_ENV: language,
        MAX_SESSIONS_ENV: str(max_sessions),
        MAX_PER_ADDRESS_ENV: str(per_address),
        # No usage data leaves the machine (Solara's telemetry is on by default).
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        # Each open page holds its own model (tens of MB); free a closed page's after 30 s
        # (Solara keeps it a day by default), so that sixty pages opened and closed give their
        # memory back within a minute, while a page that reconnects sooner (a projector
        # laptop's wifi) finds its run where it was.
        "SOLARA_KERNEL_CULL_TIMEOUT": "30s",
        # A closed session's objects are freed, but with Python's own allocator the memory
        # stays with the server: it hands back a 1 MiB arena only once every object in it is
        # gone, and the few objects a session leaves behind (Solara's, the widget library's)
        # hold on to most of the arenas it filled. With glibc's malloc for Python's objects,
        # each freed page goes back (malloc_trim, once a closed session is collected:
        # app.capacity.ClosedSessions); two heap arenas, not one per thread (a thread a session).
        # Measured on 20 sessions closed: 2.5 MB a session stayed, against 10. A year of a run
        # also takes 0.38 s instead of 0.53 (mmap for every block from 64 KB, used before for
        # the same end, made each of the model's arrays a new mapping); copying a warmed-up model
        # takes 0.12 s (0.08 with Python's allocator, 0.15 before app.capacity read it itself).
        "PYTHONMALLOC": base.get("PYTHONMALLOC", "malloc"),
        "MALLOC_ARENA_MAX": base.get("MALLOC_ARENA_MAX", "2"),
        # pandas 3 keeps text in Arrow, whose default allocator (mimalloc) keeps pages for every
        # thread that used it, and each session runs on a thread of its own: 10 MB stayed after
        # 20 sessions closed (measured). With glibc's, they go back with the rest.
        "ARROW_DEFAULT_MEMORY_POOL": base.get("ARROW_DEFAULT_MEMORY_POOL", "system"),
        "SOLARA_THEME_TITLE": "Barrio",
        "SOLARA_THEME_SHOW_BANNER": "False",
        # Solara (1.64) warns on every page opened by address over plain http that its session
        # cookie falls back to SameSite=lax; lax is right for a page not embedded elsewhere.
        "PYTHONWARNINGS": ",".join(w for w in (base.get("PYTHONWARNINGS", ""), _SAMESITE_WARNING) if w),
    }


#: Solara's warning about the session cookie over http (a ``-W`` filter: its message's start).
_SAMESITE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


def server_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The command that serves the page with Solara (production mode: no code reloading)."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "barrio.app.page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--open" if open_browser else "--no-open",
        "--log-level",
        "warning",
    ]


def serve(
    scenario: str,
    host: str,
    port: int,
    seed: int,
    language: str,
    open_browser: bool,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    max_per_address: int | None = None,
) -> None:
    """Replace this process by the page's server (Ctrl-C stops it)."""
    env = server_environment(scenario, seed, language, os.environ, max_sessions, max_per_address)
    check_port(host, port)
    command = server_command(host, port, open_browser)
    print(
        f"Barrio workshop page on http://{host}:{port}/ (scenario {scenario}, seed {seed}); Ctrl-C stops it"
    )
    sys.stdout.flush()
    os.execve(command[0], command, env)  # noqa: S606 - fixed command; the scenario was validated
