"""The read-transaction count that keeps a map resize away from open readers
(``seglam.cache.store.Readers``): a reader takes no lock, so the two hand-offs are tested
here, each with the order of events it must force."""

from __future__ import annotations

import threading
import time

import pytest

from seglam.cache.errors import CacheError
from seglam.cache.store import Readers


def test_a_resize_waits_for_the_open_readers_to_leave():
    readers, log = Readers(), []
    readers.enter()
    readers.enter()  # two transactions of one thread: both must close

    def resize() -> None:
        with readers.exclusive():
            log.append("resized")

    worker = threading.Thread(target=resize)
    worker.start()
    time.sleep(0.05)  # room for the resize to run ahead if it did not wait
    log.append("first left")
    readers.leave()
    time.sleep(0.05)
    log.append("second left")
    readers.leave()
    worker.join()
    assert log == ["first left", "second left", "resized"]
    assert not readers.holding()


def test_a_reader_waits_for_a_resize_to_end():
    readers, log = Readers(), []
    inside, release = threading.Event(), threading.Event()

    def resize() -> None:
        with readers.exclusive():
            inside.set()
            release.wait()
            log.append("resize ended")

    def read() -> None:
        readers.enter()
        log.append("reader in")
        readers.leave()

    resizer = threading.Thread(target=resize)
    resizer.start()
    inside.wait()
    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)  # room for the reader to get in if it did not wait
    release.set()
    resizer.join()
    reader.join()
    assert log == ["resize ended", "reader in"]


def test_a_thread_holding_a_reader_cannot_resize():
    readers = Readers()
    readers.enter()
    assert readers.holding()
    with pytest.raises(CacheError, match="cannot grow"):
        with readers.exclusive():
            pass
    readers.leave()
    assert not readers.holding()
    with readers.exclusive():  # nothing open now
        assert not readers.holding()
