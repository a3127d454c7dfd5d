"""``unionline.renewing``: run an awaitable while renewing a claim on what it works on.

The job outbox (a job's lease) and the campaigns' sending (a batch's rows) both keep their claim
this way. No database here: ``renew`` is a plain coroutine function that counts its calls, and
the work waits on events the test sets — nothing depends on how fast the machine is.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from unionline import renewing

EVERY = 0.01  # the renewal interval: short, so a handful of renewals pass in a moment


class Renewals:
    """A ``renew`` that counts its calls, answers ``answer`` (or raises ``fail`` first), and
    sets ``reached`` at the ``until``-th call."""

    def __init__(self, until: int = 3, answer: bool = True, fail: int = 0) -> None:
        self.calls = 0
        self.until = until
        self.answer = answer
        self.fail = fail
        self.reached = asyncio.Event()

    async def __call__(self) -> bool:
        self.calls += 1
        if self.calls >= self.until:
            self.reached.set()
        if self.calls <= self.fail:
            raise ConnectionError("database away")
        return self.answer


async def _waits_for(event: asyncio.Event, result: str = "done") -> str:
    await event.wait()
    return result


async def test_a_slow_work_is_renewed_while_it_runs_and_its_result_returned() -> None:
    renew = Renewals(until=3)
    assert await renewing(_waits_for(renew.reached), renew, every=EVERY, what="w") == "done"
    assert renew.calls == 3  # the work ended at the third renewal: none after it


async def test_no_renewal_after_the_work_ended() -> None:
    renew = Renewals(until=2)
    await renewing(_waits_for(renew.reached), renew, every=EVERY, what="w")
    calls = renew.calls
    await asyncio.sleep(EVERY * 10)
    assert renew.calls == calls


async def test_a_quick_work_is_not_renewed() -> None:
    renew = Renewals()

    async def quick() -> int:
        return 7

    assert await renewing(quick(), renew, every=60.0, what="w") == 7
    assert renew.calls == 0


async def test_the_work_s_exception_is_raised_and_renewal_stops() -> None:
    renew = Renewals(until=2)

    async def fails() -> None:
        await renew.reached.wait()
        raise ValueError("the work's own failure")

    with pytest.raises(ValueError, match="the work's own failure"):
        await renewing(fails(), renew, every=EVERY, what="w")
    calls = renew.calls
    await asyncio.sleep(EVERY * 10)
    assert renew.calls == calls == 2


async def test_cancelling_the_caller_cancels_the_work_and_the_renewal() -> None:
    renew = Renewals(until=2)
    ended = asyncio.Event()
    started = asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # never ends by itself
        finally:
            await asyncio.sleep(0)  # its cleanup awaits too: the caller waits for it
            ended.set()

    caller = asyncio.ensure_future(renewing(work(), renew, every=EVERY, what="w"))
    await renew.reached.wait()
    assert started.is_set()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert ended.is_set()  # the work had finished its cleanup when the caller ended
    calls = renew.calls
    await asyncio.sleep(EVERY * 10)
    assert renew.calls == calls


async def test_a_work_cancelled_by_itself_raises_cancelled() -> None:
    renew = Renewals(until=1)

    async def gives_up() -> None:
        await renew.reached.wait()
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await renewing(gives_up(), renew, every=EVERY, what="w")


async def test_a_renewal_that_raises_is_logged_and_the_work_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    renew = Renewals(until=3, fail=2)
    with caplog.at_level(logging.WARNING, logger="unionline.lease"):
        got = await renewing(_waits_for(renew.reached), renew, every=EVERY, what="job x #1")
    assert got == "done"
    failed = [r.getMessage() for r in caplog.records if r.name == "unionline.lease"]
    assert failed == ["job x #1: could not renew its lease: ConnectionError('database away')"] * 2


async def test_a_lost_lease_is_logged_and_the_work_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    renew = Renewals(until=2, answer=False)
    with caplog.at_level(logging.WARNING, logger="unionline.lease"):
        got = await renewing(_waits_for(renew.reached, "ok"), renew, every=EVERY, what="rows [3]")
    assert got == "ok"
    lost = [r.getMessage() for r in caplog.records if r.name == "unionline.lease"]
    assert lost == ["rows [3]: lease lost while running"] * 2


async def test_a_renewal_in_flight_when_the_work_ends_is_let_finish() -> None:
    """A renewal is a database statement: the work ending does not interrupt it halfway."""
    finish = asyncio.Event()
    renewing_now = asyncio.Event()
    finished: list[bool] = []

    async def renew() -> bool:
        renewing_now.set()
        await finish.wait()
        finished.append(True)
        return True

    async def work() -> str:
        await renewing_now.wait()
        return "done"

    caller = asyncio.ensure_future(renewing(work(), renew, every=EVERY, what="w"))
    await renewing_now.wait()
    await asyncio.sleep(EVERY * 3)  # the work has ended meanwhile
    assert not caller.done()
    finish.set()
    assert await caller == "done"
    assert finished == [True]


@pytest.mark.parametrize("every", [0.0, -1.0, float("nan"), float("inf")])
async def test_an_interval_that_is_not_a_positive_number_is_refused(every: float) -> None:
    async def work() -> None:
        return None

    coroutine = work()
    with pytest.raises(ValueError, match="every"):
        await renewing(coroutine, Renewals(), every=every, what="w")
    coroutine.close()
