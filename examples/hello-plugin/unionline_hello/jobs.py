"""The ``hello.deliver`` job: marks a greeting delivered. Idempotent, as every job must be."""

from __future__ import annotations

import time

import msgspec

from unionline import JobContext, PermanentFailure

DELIVER = "hello.deliver"


class DeliverPayload(msgspec.Struct):
    greeting_id: int


async def deliver(ctx: JobContext, payload: DeliverPayload) -> None:
    from unionline_hello.tables import Greeting

    row = (
        await Greeting.select(Greeting.delivered).where(Greeting.id == payload.greeting_id).first()
    )
    if row is None:
        raise PermanentFailure(f"greeting {payload.greeting_id} does not exist")
    # Running twice (a retry, or arq delivering twice) must not change the first delivery time.
    await Greeting.update({Greeting.delivered: True, Greeting.delivered_at: time.time()}).where(
        (Greeting.id == payload.greeting_id) & (Greeting.delivered.eq(False))
    )
