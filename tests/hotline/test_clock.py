"""frozen_at: each thread sees the moment it froze; the real clock comes back whatever the order."""
import datetime as dt
import threading

import pytest
from django.utils import timezone

from hotline.clock import frozen_at

OCTOBER = dt.datetime(2026, 10, 9, 9, 30, tzinfo=dt.UTC)
NOVEMBER = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def real_time() -> bool:
    return abs((timezone.now() - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_two_threads_frozen_at_once_leave_the_clock_real_in_the_worst_order():
    """A enters, B enters, A leaves, B leaves: a plain mock.patch would leave A's moment behind."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with frozen_at(OCTOBER):
            a_in.set()
            b_in.wait(5)
            seen["a"] = timezone.now()
        a_out.set()

    def b():
        a_in.wait(5)
        with frozen_at(NOVEMBER):
            b_in.set()
            a_out.wait(5)
            seen["b"] = timezone.now()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    b_in.wait(5)
    assert real_time(), "a thread that froze nothing sees the real time"
    for thread in threads:
        thread.join(5)
    assert seen["a"] == OCTOBER and seen["b"] == NOVEMBER
    assert real_time()


def test_nested_blocks_unwind_to_the_outer_moment():
    with frozen_at(OCTOBER):
        with frozen_at(NOVEMBER):
            assert timezone.now() == NOVEMBER
        assert timezone.now() == OCTOBER
    assert real_time()


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError), frozen_at(dt.datetime(2026, 10, 9, 9, 30)):
        pass
    assert real_time()
