"""The cooperative work deadline (articles.deadline)."""

import threading
import time

import pytest

from articles.deadline import DeadlineExceeded, deadline, deadline_check, deadline_tick


def burn_cpu(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_without_a_deadline_ticks_and_checks_do_nothing():
    burn_cpu(0.01)
    for _ in range(10_000):
        deadline_tick()
    deadline_check()


def test_work_past_the_deadline_stops_within_a_few_hundred_ticks():
    with pytest.raises(DeadlineExceeded) as error, deadline(0.01):
        burn_cpu(0.02)
        for ticks in range(1, 10_000):  # noqa: B007 (read after the loop)
            deadline_tick()
    assert ticks <= 256 and error.value.seconds == 0.01


def test_the_deadline_ends_with_its_block_and_works_on_any_thread():
    with deadline(0.01):
        pass
    burn_cpu(0.02)
    deadline_check()  # the block is over: no deadline in force

    raised = []

    def worker():
        try:
            with deadline(0.0):
                burn_cpu(0.001)
                deadline_check()
        except DeadlineExceeded as error:
            raised.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(raised) == 1
