"""arq workers for the job outbox: Redis carries "run job N now", the outbox row stays the truth.

Every arq message names one run of one outbox row (``<queue>:<job id>:<attempts>``); the worker
function only claims that row if it is due, so a lost, duplicated or stale message is harmless:

* the web process pushes messages after the enqueuing transaction commits (:class:`ArqDispatcher`);
* a worker pushes the next message itself when it schedules a retry (our backoff, not arq's);
* each worker's sweeper pushes messages for rows that are due but that no message covers (Redis
  was flushed, a push failed, a worker crashed and its lease expired).

Losing Redis or a worker therefore never loses work: the rows wait in the database. Messages are
msgpack, not pickle, so whoever can write to Redis cannot run code in the workers. Deployments
sharing one Redis database need different ``jobs.queue`` settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec
from arq.constants import in_progress_key_prefix, job_key_prefix
from arq.jobs import serialize_job
from redis.asyncio import Redis
from redis.exceptions import RedisError

from unionline.jobs.coalesce import Coalescer
from unionline.jobs.inprocess import InProcessExecutor
from unionline.jobs.outbox import JobQueue, Queued

if TYPE_CHECKING:
    from arq.worker import Worker

log = logging.getLogger("unionline.jobs")

FUNCTION = "unionline_run_job"
MESSAGE_TTL_MS = 24 * 3600 * 1000  # like arq: a message not started within a day expires
POLL_DELAY = 0.1  # seconds between arq's polls of the queue: the pick-up latency of a job
REDIS_RETRY = 5.0  # seconds between checks whether Redis is back
SWEEP_PAGE = 1000
JOB_TIMEOUT = 3600.0  # arq's own limit; leases are renewed while a job runs
IN_PROGRESS_MS = int((JOB_TIMEOUT + 10) * 1000)  # how long arq marks a message in progress
SWEEP_PAGES = 10  # at most this many pages per round, so one round stays short

# Add a message unless one with this id exists: arq's enqueue_job for many messages in one
# round trip. KEYS: queue, job key prefix, in-progress key prefix. ARGV[1]: an in-progress mark
# with less time to live than this (ms) is stale: its worker died between picking the message
# and claiming the row, so the mark is dropped and the message runs again. Then, per message:
# id, score (ms), time to live (ms), body.
_PUSH = """
local stale = tonumber(ARGV[1])
local pushed = 0
for i = 2, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call('SET', KEYS[2] .. id, ARGV[i + 3], 'PX', ARGV[i + 2], 'NX') then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
    pushed = pushed + 1
  elseif stale > 0 then
    local ttl = redis.call('PTTL', KEYS[3] .. id)
    if ttl > 0 and ttl < stale then
      redis.call('DEL', KEYS[3] .. id)
      pushed = pushed + 1
    end
  end
end
return pushed
"""


def message_id(queue: str, job: Queued) -> str:
    """The arq job id of one run of one outbox row (arq keys are global: hence the queue)."""
    return f"{queue}:{job.id}:{job.attempts}"


def redis_client(url: str) -> Redis:
    # Short timeouts: Redis only accelerates, a slow Redis must not stall a request or a worker.
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class Pusher:
    """Adds arq messages for due outbox rows, skipping those a message already covers."""

    def __init__(self, redis: Redis, queue: str) -> None:
        self.redis = redis
        self.queue = queue  # the arq queue (a sorted set) and the prefix of message ids
        self.script = redis.register_script(_PUSH)
        self._warned = -60.0
        self._batch: Coalescer[Queued, int] = Coalescer(self._push_batch, 0)

    async def push(self, jobs: Iterable[Queued], stale_after_ms: int = 0) -> int:
        """Queue a message per job (deferred to its ``run_at``); returns how many were new.

        With ``stale_after_ms``, a message that exists but has been marked in progress for
        longer than that is released to run again (the sweeper's view of a dead worker).
        """
        now_ms = int(time.time() * 1000)
        args: list[Any] = [stale_after_ms and IN_PROGRESS_MS - stale_after_ms]
        for job in jobs:
            score = max(now_ms, int(job.run_at * 1000))
            body = serialize_job(FUNCTION, (job.id,), {}, None, now_ms, serializer=_encode)
            args += [message_id(self.queue, job), score, score - now_ms + MESSAGE_TTL_MS, body]
        if len(args) == 1:
            return 0
        keys = [self.queue, job_key_prefix, in_progress_key_prefix]
        return int(await self.script(keys=keys, args=args))

    async def push_quietly(self, jobs: list[Queued]) -> None:
        """Push (together with whatever other tasks push meanwhile), or log that Redis is away
        (once a minute): the rows wait in the outbox for the sweeper."""
        await self._batch.submit_many(jobs)

    async def _push_batch(self, jobs: list[Queued]) -> dict[Queued, int]:
        try:
            await self.push(jobs)
        except (RedisError, OSError) as exc:
            quiet = time.monotonic() - self._warned < 60
            self._warned = self._warned if quiet else time.monotonic()
            (log.debug if quiet else log.warning)(
                "could not queue %d job(s) in Redis (%s); they wait in the outbox", len(jobs), exc
            )
        return {}


def _encode(data: dict[str, Any]) -> bytes:
    return msgspec.msgpack.encode(data)


def _decode(data: bytes) -> dict[str, Any]:
    return msgspec.msgpack.decode(data)


class ArqDispatcher:
    """Web-process side: tell the arq workers about jobs as soon as their transaction commits."""

    def __init__(self, queue: JobQueue, redis_url: str) -> None:
        self.queue = queue
        self.redis_url = redis_url
        self.redis: Redis | None = None
        self.pusher: Pusher | None = None

    async def start(self) -> None:
        self.redis = redis_client(self.redis_url)
        self.pusher = Pusher(self.redis, self.queue.settings.queue)
        self.queue.listeners.append(self._committed)

    async def _committed(self, jobs: list[Queued]) -> None:
        if self.pusher is not None:
            await self.pusher.push_quietly(jobs)

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.queue.listeners.remove(self._committed)
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = self.pusher = None


class ArqWorker:
    """Worker side: an arq Worker whose one function runs outbox rows, plus the sweeper."""

    def __init__(self, queue: JobQueue, redis_url: str) -> None:
        self.queue = queue
        self.settings = queue.settings
        self.redis_url = redis_url
        self.worker: Worker | None = None
        self.redis: Redis | None = None
        self.pusher: Pusher | None = None
        self._cursor = 0  # the sweeper goes on after this job id next round

    async def run_message(self, job_id: int) -> str | None:
        """Run outbox row ``job_id`` if it is due and queue its retry; None: a stale message."""
        job = await self.queue.claim_one(job_id)
        if job is None:
            return None
        outcome = await self.queue.run(job)
        if outcome == "pending" and job.retry_at is not None and self.pusher is not None:
            await self.pusher.push_quietly([Queued(job.id, job.attempts, job.retry_at)])
        return outcome

    async def sweep(self) -> int:
        """Queue messages for due rows no message covers; one worker sweeps at a time.

        A round checks one page of rows after where the last round stopped, and goes on to
        the next page at once only while most of a page was uncovered (Redis was lost): a
        backlog that Redis does hold costs one page per round.
        """
        assert self.redis is not None and self.pusher is not None
        lock_ms = int(self.sweep_interval * 1000)
        lock = f"{self.settings.queue}:sweeper"
        if not await self.redis.set(lock, self.queue.worker_id, nx=True, px=lock_ms):
            return 0
        pushed = 0
        for _ in range(SWEEP_PAGES):
            due = await self.queue.overdue(self.sweep_grace, limit=SWEEP_PAGE, after=self._cursor)
            new = await self.pusher.push(due, int(self.sweep_grace * 1000))
            pushed += new
            self._cursor = due[-1].id if len(due) == SWEEP_PAGE else 0
            if not self._cursor or new < len(due) // 2:
                break
        if pushed:
            log.info("sweeper queued %d job(s) that no Redis message covered", pushed)
        return pushed

    @property
    def sweep_interval(self) -> float:
        return max(1.0, self.settings.poll_interval)

    @property
    def sweep_grace(self) -> float:
        # A message pushed at commit is normally picked up within a poll; only rows due for
        # longer than this are checked.
        return 5 * self.settings.poll_interval

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception as exc:  # Redis or the database away: try again next round
                log.warning("job sweeper failed: %r", exc)
            await asyncio.sleep(self.sweep_interval)

    def _make_worker(self, pool: Any) -> Worker:
        from arq.worker import Worker, func

        async def unionline_run_job(ctx: dict[str, Any], job_id: int) -> None:
            await self.run_message(job_id)

        worker = Worker(
            # Retries are ours (backoff, attempts, dead letters in the outbox), never arq's.
            functions=[func(unionline_run_job, name=FUNCTION, max_tries=1_000_000)],
            queue_name=self.settings.queue,
            redis_pool=pool,
            handle_signals=False,
            max_jobs=self.settings.concurrency,
            job_timeout=JOB_TIMEOUT,
            keep_result=0,
            poll_delay=min(POLL_DELAY, self.settings.poll_interval),
            job_serializer=_encode,
            job_deserializer=_decode,
            log_results=False,
        )
        # arq holds one slot more than max_jobs: with all busy it goes back to polling and
        # sleeps a poll delay, which caps a worker at max_jobs jobs per poll delay when jobs
        # take milliseconds (ours wait on the database). With exactly max_jobs slots it waits
        # for the next free one instead.
        worker.sem = asyncio.BoundedSemaphore(worker.max_jobs)
        return worker

    async def run(self, stop: asyncio.Event, *, burst: bool = False) -> None:
        """Work until ``stop`` is set (or, with ``burst``, until no job is due).

        While Redis does not answer, jobs are claimed straight from the database (as the
        in-process executor does) and arq takes over again once Redis is back.
        """
        while not stop.is_set():
            try:
                await self._run_arq(stop, burst)
                return
            except (RedisError, OSError) as exc:
                log.warning("Redis does not answer (%s); running jobs from the database", exc)
            if await self._run_from_database(stop, burst):
                return

    async def _run_arq(self, stop: asyncio.Event, burst: bool) -> None:
        from arq.connections import RedisSettings, create_pool

        redis_settings = RedisSettings.from_dsn(self.redis_url)
        redis_settings.conn_retries = 1
        pool = await create_pool(
            redis_settings,
            job_serializer=_encode,
            job_deserializer=_decode,
            default_queue_name=self.settings.queue,
        )
        self.redis, self.pusher = pool, Pusher(pool, self.settings.queue)
        self.worker = worker = self._make_worker(pool)
        main = asyncio.create_task(worker.async_run(), name="unionline-arq-worker")
        sweeper = asyncio.create_task(self._sweep_forever(), name="unionline-job-sweeper")
        try:
            await _wait(stop, main, burst and self._idle)
        finally:
            sweeper.cancel()
            await self._stop_worker(worker, main)
            self.redis = self.pusher = None

    async def _run_from_database(self, stop: asyncio.Event, burst: bool) -> bool:
        """Run jobs without Redis. True: finished (stopped, or the burst is done); False:
        Redis answers again."""
        if burst:
            await _run_inprocess(self.queue, stop, burst=True)
            return True
        executor = InProcessExecutor(self.queue)
        await executor.start()
        try:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), REDIS_RETRY)
                if not stop.is_set() and await _answers(self.redis_url):
                    log.warning("Redis answers again; arq takes over")
                    return False
            return True
        finally:
            await executor.stop()

    async def _idle(self) -> bool:
        assert self.worker is not None
        if any(not t.done() for t in self.worker.tasks.values()):
            return False
        await self.sweep()
        due = await self.queue.next_due()
        return due is None or due > time.time()

    async def _stop_worker(self, worker: Worker, main: asyncio.Task[None]) -> None:
        # Stop taking messages, let running jobs finish (up to a lease), then cancel what is
        # left: a cancelled job is recorded as interrupted and becomes due again at once.
        worker.allow_pick_jobs = False
        main.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await main
        deadline = time.monotonic() + self.settings.lease_seconds
        while any(not t.done() for t in worker.tasks.values()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        worker.handle_sig(signal.SIGTERM)
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
        await self.queue.quiesce()
        with contextlib.suppress(RedisError, OSError):
            await worker.pool.delete(worker.health_check_key)
        await worker.pool.aclose()


async def _answers(url: str) -> bool:
    client = redis_client(url)
    try:
        return bool(await client.ping())
    except (RedisError, OSError):
        return False
    finally:
        await client.aclose()


async def _wait(stop: asyncio.Event, main: asyncio.Task[None], idle: Any) -> None:
    """Return when ``stop`` is set, ``main`` ended, or ``idle()`` (when given) says so."""
    while not stop.is_set() and not main.done():
        if idle and await idle():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.2)
    if main.done() and not main.cancelled() and main.exception() is not None:
        raise main.exception()  # type: ignore[misc]


async def _run_inprocess(queue: JobQueue, stop: asyncio.Event, *, burst: bool) -> None:
    executor = InProcessExecutor(queue)
    if burst:
        drain = asyncio.create_task(executor.drain(timeout=None))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait((drain, stopped), return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        drain.cancel()  # stopped by a signal (a finished drain is not affected)
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await drain  # raises what made the drain fail
        finally:
            await executor.stop()
        return
    await executor.start()
    try:
        await stop.wait()
    finally:
        await executor.stop()


async def run_worker(config: str | None, *, burst: bool = False) -> None:
    """``unionline worker``: arq when ``redis_url`` is set, else the in-process executor."""
    from unionline import runtime
    from unionline.observability import configure_logging

    settings, host, registry = runtime.load(config)
    configure_logging(settings.log)
    rt = runtime.build(settings, host, registry)
    rt.state["process_kind"] = "worker"  # what the admin pages call this process
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with rt.running(execute_jobs=False):
            kind = rt.executor_kind
            log.info("job worker %s started (%s executor)", rt.jobs.worker_id, kind)
            if kind == "arq":
                await ArqWorker(rt.jobs, settings.redis_url or "").run(stop, burst=burst)
            else:
                await _run_inprocess(rt.jobs, stop, burst=burst)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
