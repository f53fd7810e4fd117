"""The SIGALRM time budget (stories.core.limits.time_limit) ends the block it
guards, even when the alarm rings while the garbage collector runs a callback or a
finalizer runs: those swallow exceptions, so the alarm waits for ordinary code."""

import gc
import sys
import time

import pytest

from stories.core.limits import LimitExceeded, time_limit


def spin(seconds: float) -> None:
    """Pure Python work for `seconds` (the alarm interrupts only Python code)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_alarm_does_not_ring_inside_a_collector_callback(monkeypatch):
    calls, swallowed = [], []
    monkeypatch.setattr(sys, "unraisablehook", swallowed.append)

    def slow_callback(phase, info):
        if phase == "start" and not calls:
            calls.append(phase)
            spin(0.3)  # the budget runs out in here

    # Collect earlier tests' garbage first: its weakref callbacks (WeakSet's, say) run
    # during a collection too, and no frame tells them apart (see the note in limits).
    gc.collect()
    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(LimitExceeded, match="too slow"), time_limit("too slow", seconds=0.1, within_request=False):
            gc.collect()
            spin(2)
    finally:
        gc.callbacks.remove(slow_callback)
    assert calls == ["start"]
    assert swallowed == []


def test_the_alarm_does_not_ring_inside_a_finalizer(monkeypatch):
    finished, swallowed = [], []
    monkeypatch.setattr(sys, "unraisablehook", swallowed.append)

    class Slow:
        def __del__(self):
            spin(0.3)
            finished.append(True)

    with pytest.raises(LimitExceeded), time_limit("too slow", seconds=0.1, within_request=False):
        Slow()  # dropped at once: __del__ runs here and outlives the budget
        spin(2)
    assert finished == [True] and swallowed == []
