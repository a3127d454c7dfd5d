"""Per-account token buckets: never more than burst + rate × time, in memory and on Redis."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from unionline.channel.ratelimit import MemoryBuckets, RedisBuckets, acquire
from unionline.channel.types import RateLimit
from unionline.testing import require_service
from unionline.testing.support import redis_url


@given(
    rate=st.floats(min_value=0.5, max_value=50),
    burst=st.integers(min_value=1, max_value=20),
    gaps=st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=200),
)
def test_memory_bucket_never_exceeds_its_rate(rate: float, burst: int, gaps: list[float]) -> None:
    now = [0.0]
    buckets = MemoryBuckets(clock=lambda: now[0])
    limit = RateLimit(per_second=rate, burst=burst)
    taken = 0
    for gap in gaps:
        now[0] += gap
        if asyncio.run(buckets.take("a", limit)) == 0:
            taken += 1
    assert taken <= burst + rate * now[0] + 1e-9
    # An idle bucket refills to its burst, no further.
    now[0] += 1000
    assert sum(asyncio.run(buckets.take("a", limit)) == 0 for _ in range(burst + 1)) == burst


async def test_acquire_waits_briefly_or_says_how_long() -> None:
    buckets = MemoryBuckets()
    limit = RateLimit(per_second=100, burst=1)
    assert await acquire(buckets, "k", limit, max_wait=1.0) == 0  # the burst token
    assert await acquire(buckets, "k", limit, max_wait=1.0) == 0  # waited ~10 ms for the next
    slow = RateLimit(per_second=0.01, burst=1)
    assert await acquire(buckets, "slow", slow, max_wait=0.1) == 0
    assert await acquire(buckets, "slow", slow, max_wait=0.1) > 50  # reschedule, do not sleep


async def test_redis_buckets_are_shared_between_processes() -> None:
    from redis.asyncio import Redis

    url = redis_url()
    parts = urlsplit(url)
    require_service("Redis", parts.hostname or "127.0.0.1", parts.port or 6379)
    first, second = Redis.from_url(url), Redis.from_url(url)  # two "processes"
    try:
        key = f"test-{uuid.uuid4().hex}"
        limit = RateLimit(per_second=0.5, burst=3)
        a, b = RedisBuckets(first), RedisBuckets(second)
        waits = [await bucket.take(key, limit) for bucket in (a, b, a, b)]
        assert waits[:3] == [0, 0, 0]
        assert 0 < waits[3] <= 2.0
    finally:
        await first.aclose()
        await second.aclose()
