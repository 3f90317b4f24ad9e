"""Bounds on what newscast reads and waits for: inputs that never end, servers that never finish.

``stat().st_size`` is 0 for devices, pipes and FIFOs, so a size check alone lets ``/dev/zero`` through; every
read here stops one byte past its limit instead. A timeout per socket read does not end a server that trickles
a byte a second, so network calls also run under a total deadline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class TooLarge(ValueError):
    """More bytes than the limit allowed."""


def read_bounded(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file, device or pipe; TooLarge when there are more. OSError as usual."""
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{path} is over {describe(limit)}")
    return data


def describe(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"


def call_with_deadline(work: Callable[[], T], seconds: float, on_timeout: Callable[[], None] = lambda: None) -> T:
    """``work()``'s result or exception, or TimeoutError once ``seconds`` have passed.

    The work runs in a daemon thread; when the deadline passes, ``on_timeout`` may cut it short (close its
    socket), else it is abandoned to end at its own per-read timeout.
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True, name="deadline")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        on_timeout()
        raise TimeoutError(f"no result within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
