"""Per-account send rate limits: token buckets, in memory or shared through Redis.

With ``redis_url`` set, every process (web and ``unionline worker``) draws from the same bucket,
so a provider's per-token limit (VK: 20 requests/s per community) holds across the cluster.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

from unionline.channel.types import RateLimit

# Atomic refill-and-take in Redis; answers how long to wait (0: a token was taken). Redis TIME
# keeps every process on one clock.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class Buckets(Protocol):
    async def take(self, key: str, limit: RateLimit) -> float:
        """Take a token: 0.0, or the seconds until one is available (nothing taken)."""
        ...


class MemoryBuckets:
    """Buckets of this process only (the embedded default)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._state: dict[str, tuple[float, float]] = {}
        self._clock = clock

    async def take(self, key: str, limit: RateLimit) -> float:
        now = self._clock()
        tokens, last = self._state.get(key, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + (now - last) * limit.per_second)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1 - tokens) / limit.per_second


class RedisBuckets:
    """Buckets shared by every process on one Redis."""

    def __init__(self, redis: Any, prefix: str = "unionline:ratelimit:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._script = redis.register_script(_TAKE)

    async def take(self, key: str, limit: RateLimit) -> float:
        answer = await self._script(keys=[self.prefix + key], args=[limit.per_second, limit.burst])
        return float(answer.decode() if isinstance(answer, bytes) else answer)


async def acquire(buckets: Buckets, key: str, limit: RateLimit, max_wait: float) -> float:
    """Wait for a token up to ``max_wait`` seconds; 0.0 when taken, else how long is left."""
    deadline = time.monotonic() + max_wait
    while True:
        wait = await buckets.take(key, limit)
        if wait <= 0:
            return 0.0
        if time.monotonic() + wait > deadline:
            return wait
        await asyncio.sleep(wait)


async def take_token(key: str, limit: RateLimit) -> float:
    """Take a token from the bucket ``key`` (shared by the cluster through Redis when it is
    configured): 0.0, or the seconds until one is available (nothing taken then). For a
    channel's own limits, e.g. a site widget's messages per visitor; name keys after the channel
    (``"web-visitor:<id>"``)."""
    return await buckets().take(key, limit)


def buckets() -> Buckets:
    """This process's buckets: on Redis when it is configured, else in memory."""
    from unionline.runtime import current

    rt = current()
    found = rt.state.get("channel.buckets")
    if found is None:
        found = RedisBuckets(rt.redis) if rt.redis is not None else MemoryBuckets()
        rt.state["channel.buckets"] = found
    return found
