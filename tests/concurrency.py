"""Races on a real database: callables started at the same instant, one thread each."""
import threading
from collections.abc import Callable

from django.db import connections


def at_once(*works: Callable[[], object], timeout: float = 30) -> list:
    """Run each callable in a thread of its own, all released together by a barrier. Returns what
    each returned, or the exception it raised, in the order given (a thread never fails silently).
    Each thread closes its database connections: the test's teardown must not wait on them."""
    barrier = threading.Barrier(len(works))
    outcomes: list = [None] * len(works)

    def run(i: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[i] = work()
        except BaseException as exc:  # handed to the test, which decides
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout * 2)
    return outcomes


def unexpected(outcomes: list, *allowed: type[BaseException]) -> list[BaseException]:
    """The exceptions among outcomes that are none of `allowed`: what a race test asserts is empty."""
    return [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, allowed or ())]
