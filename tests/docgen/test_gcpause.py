"""docgen.gcpause: pauses nest and overlap; the collector's own state is restored."""

from __future__ import annotations

import gc
import threading

from docgen import gcpause


def test_pauses_nest_and_the_collector_runs_again_after_the_last() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_pause_in_another_thread_keeps_the_collector_off_until_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gcpause.paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    with gcpause.paused():
        thread.start()
        inside.wait(10)
    assert not gc.isenabled()  # the other thread's pause outlives ours
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_ends_the_pause() -> None:
    try:
        with gcpause.paused():
            raise ValueError("x")
    except ValueError:
        pass
    assert gc.isenabled()
