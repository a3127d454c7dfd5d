"""A thin VK API client on httpx for one community token: methods, uploads, Bots Long Poll.

Requests are form-encoded with ``v=5.199``. ``messages.send`` carries a ``random_id`` derived
from our own message id (:func:`random_id_for`), so VK drops a repeated send; that makes every
call safe to retry, and a timeout is :class:`~unionline.errors.NotReady`. Calls are paced to
VK's 20 requests a second per community token within this process (:class:`RequestPacer`);
a call VK refuses all the same (error 6) is made once more after a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import msgspec

from unionline import NotReady, PermanentFailure
from unionline.channel import SentUnreadable
from unionline.channels.vk.errors import error_for
from unionline.channels.vk.types import (
    API_VERSION,
    Envelope,
    Group,
    LongPollAnswer,
    LongPollServer,
    User,
)

DEFAULT_BASE_URL = "https://api.vk.com"
MAX_USER_IDS = 1000  # ids per users.get call (VK's limit)
MAX_GROUP_IDS = 500  # ids per groups.getById call (VK's limit)
TOO_MANY_REQUESTS = 6  # VK's error code for more calls a second than the token may make
STALE = 120.0  # seconds after which a call the pacer still counts is taken to be gone


def random_id_for(message_id: object, part: int = 0) -> int:
    """A positive 31-bit ``random_id`` fixed by our message id (and the part of a split text):
    resending the same part gives VK the same id, so the member gets it once."""
    digest = hashlib.sha256(f"{message_id}:{part}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFF_FFFF or 1


class _Waiter:
    """A call waiting for its turn (and, once started, the open call): ``seen`` is when its
    caller last asked, so a caller that is gone without leaving (a closed loop) is dropped."""

    __slots__ = ("seen",)

    def __init__(self, seen: float) -> None:
        self.seen = seen


class RequestPacer:
    """Keeps any one second of arrivals at VK within ``per_second`` calls, however late the
    calls go out.

    VK counts a call when it arrives, and that is somewhere between the moment we start it and
    the moment its answer comes back. So a call is stamped right before it is sent (not when
    its turn was planned: the loop may stall in between) and counts as *open* until its answer
    comes, then for ``span`` seconds more (1 s and a 10% margin). A call may go only when fewer
    than ``per_second`` calls count: then no second of arrivals can hold more, whatever the
    delays and stalls. Calls also go evenly, ``span / per_second`` apart (no bursts), and in
    the order they asked (``queue``), so a stalled loop lets them out one by one again.

    Thread-safe and free of any one event loop: the pacer is the process's for a token."""

    def __init__(
        self, per_second: int, *, margin: float = 0.1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = per_second
        self.span = 1.0 + margin
        self.gap = self.span / per_second
        self.clock = clock
        self.lock = threading.Lock()  # never held across an await
        self.queue: deque[_Waiter] = deque()  # callers waiting for their turn, first come first
        self.open: dict[object, float] = {}  # calls sent and not answered yet: when stamped
        self.answered: deque[float] = deque()  # when the answers came, the last ``span`` s
        self.last = -math.inf  # when the last call was stamped
        self.not_before = -math.inf  # VK said "too many" (error 6): nothing goes before this

    # -- the rule, on the pacer's clock (under ``lock``) ------------------------------------

    def _wait(self, now: float) -> float:
        """Seconds until a call may go, ignoring the queue (0: now)."""
        while self.answered and self.answered[0] <= now - self.span:
            self.answered.popleft()
        for call, stamped in list(self.open.items()):
            if stamped <= now - STALE:  # its caller is gone (a closed loop): not in flight
                del self.open[call]
        wait = max(self.last + self.gap, self.not_before) - now
        if len(self.open) + len(self.answered) >= self.limit:
            # room comes when the oldest answer leaves the span, or a span after an open
            # call's answer (at least a span from now)
            wait = max(wait, self.answered[0] + self.span - now if self.answered else self.span)
        return max(wait, 0.0)

    def _start(self, call: object, now: float) -> None:
        self.open[call] = now
        self.last = now

    def _finish(self, call: object) -> None:
        """The answer came (or the call failed): it counts for ``span`` from now."""
        if self.open.pop(call, None) is not None:
            self.answered.append(self.clock())

    # -- for callers ----------------------------------------------------------------------

    def try_start(self) -> object | None:
        """A call that may go right now, or None when it would have to wait (a call that is
        not worth a wait). :meth:`finish` it when its answer comes."""
        with self.lock:
            now = self.clock()
            if self.queue or self._wait(now) > 0:
                return None
            call = object()
            self._start(call, now)
            return call

    def free_in(self) -> float:
        """Seconds until a call could go (0: one may go now), the queue aside."""
        with self.lock:
            return self._wait(self.clock())

    def finish(self, call: object) -> None:
        with self.lock:
            self._finish(call)

    def refused(self) -> None:
        """VK answered error 6 all the same (another process with the token, say): nobody
        sends for a span."""
        with self.lock:
            self.not_before = max(self.not_before, self.clock() + self.span)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for this call's turn, stamp it, and count it until the block ends (the answer
        came or the call failed)."""
        call = await self._take()
        try:
            yield
        finally:
            self.finish(call)

    async def _take(self) -> object:
        waiter = _Waiter(self.clock())
        with self.lock:
            self.queue.append(waiter)
        try:
            while (wait := self._turn(waiter)) > 0:
                await asyncio.sleep(min(wait, STALE / 4))  # ask again well within STALE
        except BaseException:
            with self.lock:
                if waiter in self.queue:
                    self.queue.remove(waiter)
            raise
        return waiter

    def _turn(self, waiter: _Waiter) -> float:
        """Start ``waiter``'s call when it is first in the queue and the rule lets it go (0);
        else the seconds to wait before asking again."""
        with self.lock:
            now = self.clock()
            waiter.seen = now
            while self.queue and self.queue[0].seen <= now - STALE:  # gone without leaving
                self.queue.popleft()
            if waiter not in self.queue:  # taken for gone after a long stall: it was first
                self.queue.appendleft(waiter)
            wait = self._wait(now)
            place = self.queue.index(waiter)
            if place == 0 and wait == 0:
                self.queue.popleft()
                self._start(waiter, now)
                return 0.0
            return wait + place * self.gap


_pacers: dict[str, RequestPacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(token: str, per_second: int) -> RequestPacer:
    key = hashlib.sha256(token.encode()).hexdigest()
    with _pacers_lock:
        return _pacers.setdefault(key, RequestPacer(per_second))


class InputFile(msgspec.Struct, frozen=True):
    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"


class VkClient:
    """Calls the VK API with a community token. Pass ``http`` to share a connection pool;
    ``requests_per_second=None`` leaves pacing to the caller."""

    def __init__(
        self,
        token: str,
        *,
        group_id: int,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        requests_per_second: int | None = 20,
    ) -> None:
        self.token = token
        self.group_id = group_id
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.pacer = pacer_for(token, requests_per_second) if requests_per_second else None
        self._http = http
        self._own_http = http is None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout)
        return self._http

    async def aclose(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> VkClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- methods ---------------------------------------------------------------------------

    async def get_group(self) -> Group:
        answer: dict[str, Any] = await self.call(
            "groups.getById", {"group_id": self.group_id}, dict[str, Any]
        )
        return msgspec.convert(answer["groups"][0], Group)

    async def get_users(self, user_ids: list[int]) -> list[User]:
        """``users.get`` for up to :data:`MAX_USER_IDS` people: their names (ids VK does not
        know are left out of the answer; a deleted or banned profile has ``deactivated``)."""
        params = {"user_ids": ",".join(map(str, user_ids[:MAX_USER_IDS]))}
        return await self.call("users.get", params, list[User])

    async def get_groups(self, group_ids: list[int]) -> list[Group]:
        """``groups.getById`` for up to :data:`MAX_GROUP_IDS` communities (positive ids)."""
        params = {"group_ids": ",".join(map(str, group_ids[:MAX_GROUP_IDS]))}
        answer: dict[str, Any] = await self.call("groups.getById", params, dict[str, Any])
        return msgspec.convert(answer.get("groups") or [], list[Group])

    async def send_message(
        self,
        peer_id: int,
        text: str,
        *,
        random_id: int,
        attachment: list[str] | None = None,
        keyboard: dict[str, Any] | None = None,
    ) -> int:
        """Send a message; the same ``random_id`` again returns the first message's id."""
        params: dict[str, Any] = {
            "peer_id": peer_id,
            "random_id": random_id,
            "message": text,
            "attachment": ",".join(attachment or []) or None,
            "keyboard": msgspec.json.encode(keyboard).decode() if keyboard else None,
            "dont_parse_links": 1,
        }
        return await self.call("messages.send", params, int, sends=True)

    async def set_activity(self, peer_id: int, activity: str = "typing") -> bool:
        """Show the community "typing…" (``activity``) in the conversation for about 10 s.

        Only in a free slot of the pacer: a typing notice must not make a message wait, so
        when the pace is taken it is skipped and False returned (nothing sent)."""
        call = self.pacer.try_start() if self.pacer is not None else None
        if self.pacer is not None and call is None:
            return False
        params = {"peer_id": peer_id, "type": activity, "group_id": self.group_id}
        try:
            await self.call("messages.setActivity", params, int, paced=False)
        finally:
            if self.pacer is not None:
                self.pacer.finish(call)
        return True

    async def get_long_poll_server(self) -> LongPollServer:
        return await self.call(
            "groups.getLongPollServer", {"group_id": self.group_id}, LongPollServer
        )

    async def check_long_poll(
        self, server: LongPollServer, ts: str, *, wait: int = 25
    ) -> LongPollAnswer:
        """One Bots Long Poll request; ``failed`` in the answer says what to renew."""
        url = server.server if "://" in server.server else f"https://{server.server}"
        params: dict[str, str | int] = {"act": "a_check", "key": server.key, "ts": ts, "wait": wait}
        try:
            answer = await self.http.get(url, params=params, timeout=wait + 10)
        except httpx.TransportError as exc:
            raise NotReady(f"VK long poll: {type(exc).__name__}") from exc
        if answer.status_code != 200:
            raise NotReady(f"VK long poll answered HTTP {answer.status_code}")
        return _decode(answer.content, LongPollAnswer, "long poll")

    async def upload_document(self, peer_id: int, file: InputFile) -> str:
        """Upload a document for a message; returns its ``attachment`` string."""
        server: dict[str, Any] = await self.call(
            "docs.getMessagesUploadServer", {"type": "doc", "peer_id": peer_id}, dict[str, Any]
        )
        uploaded = await self._upload(server["upload_url"], "file", file)
        saved: Any = await self.call(
            "docs.save", {"file": uploaded.get("file"), "title": file.file_name}, dict[str, Any]
        )
        doc = saved["doc"]
        return f"doc{doc['owner_id']}_{doc['id']}"

    async def upload_photo(self, peer_id: int, file: InputFile) -> str:
        """Upload a photo for a message; returns its ``attachment`` string."""
        server: dict[str, Any] = await self.call(
            "photos.getMessagesUploadServer", {"peer_id": peer_id}, dict[str, Any]
        )
        uploaded = await self._upload(server["upload_url"], "photo", file)
        saved: Any = await self.call(
            "photos.saveMessagesPhoto",
            {k: uploaded.get(k) for k in ("photo", "server", "hash")},
            list[dict[str, Any]],
        )
        photo = saved[0]
        key = f"_{photo['access_key']}" if photo.get("access_key") else ""
        return f"photo{photo['owner_id']}_{photo['id']}{key}"

    async def download(self, url: str) -> bytes:
        """The content behind an attachment's URL."""
        try:
            answer = await self.http.get(url, follow_redirects=True)
        except httpx.TransportError as exc:
            raise NotReady(f"VK download: {type(exc).__name__}") from exc
        if answer.status_code >= 500:
            raise NotReady(f"VK download answered HTTP {answer.status_code}")
        if answer.status_code != 200:
            raise PermanentFailure(f"VK download answered HTTP {answer.status_code}")
        return answer.content

    async def _upload(self, url: str, field: str, file: InputFile) -> dict[str, Any]:
        files = {field: (file.file_name, file.content, file.mime_type)}
        try:
            answer = await self.http.post(url, files=files)
        except httpx.TransportError as exc:
            raise NotReady(f"VK upload: {type(exc).__name__}") from exc
        uploaded = _decode(answer.content, dict[str, Any], "upload")
        if "error" in uploaded:
            raise PermanentFailure(f"VK refused the upload: {uploaded['error']}")
        return uploaded

    # -- the transport ---------------------------------------------------------------------

    async def call(
        self,
        method: str,
        params: dict[str, Any],
        result_type: Any,
        *,
        paced: bool = True,
        sends: bool = False,
    ) -> Any:
        """POST ``method`` form-encoded; decode ``response`` or raise the error by intent.
        ``paced=False``: the caller has taken the call's slot itself. ``sends``: a response
        that does not decode still confirms the send (``SentUnreadable``, never resent).

        A paced call VK refuses with error 6 (too many a second: VK did not do it) is made
        once more, the same (a send keeps its ``random_id``), after the pacer's pause."""
        data = {k: str(v) for k, v in params.items() if v is not None}
        data.update(access_token=self.token, v=API_VERSION)
        pacer = self.pacer if paced else None
        envelope = await self._request(method, data, pacer)
        if pacer is not None and _code(envelope) == TOO_MANY_REQUESTS:
            pacer.refused()
            envelope = await self._request(method, data, pacer)
        if envelope.error is not None:
            raise error_for(envelope.error.error_code, envelope.error.error_msg)
        try:
            return msgspec.json.decode(envelope.response, type=result_type)
        except msgspec.ValidationError as exc:
            if not sends or bytes(envelope.response).strip() == b"null":
                raise NotReady(f"VK {method}: unexpected answer ({exc})") from exc
            raise SentUnreadable(
                f"VK {method}: sent, but the answer did not decode ({exc})",
                external_id=_message_id(envelope.response),
            ) from exc

    async def _request(
        self, method: str, data: dict[str, str], pacer: RequestPacer | None
    ) -> Envelope:
        """One POST, in its turn of ``pacer`` when there is one (counted until it is answered)."""
        async with pacer.slot() if pacer is not None else contextlib.nullcontext():
            try:
                answer = await self.http.post(f"{self.base_url}/method/{method}", data=data)
            except httpx.TransportError as exc:  # a resend is harmless: see the module docstring
                raise NotReady(f"VK {method}: {type(exc).__name__}") from exc
        if answer.status_code >= 500:
            raise NotReady(f"VK {method}: HTTP {answer.status_code}")
        envelope: Envelope = _decode(answer.content, Envelope, method)
        return envelope


def _code(envelope: Envelope) -> int | None:
    return envelope.error.error_code if envelope.error is not None else None


def _message_id(response: msgspec.Raw) -> str | None:
    """The message id in a reshaped ``messages.send`` answer ({"message_id": …} or a list of
    them, as with ``peer_ids``), if there is one."""
    try:
        found = msgspec.json.decode(response)
    except msgspec.DecodeError:
        return None
    if isinstance(found, list) and found:
        found = found[0]
    if isinstance(found, dict):
        found = found.get("message_id", found.get("conversation_message_id"))
    return str(found) if isinstance(found, int) and not isinstance(found, bool) else None


def _decode(content: bytes, kind: Any, what: str) -> Any:
    try:
        return msgspec.json.decode(content, type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise NotReady(f"VK {what}: unreadable answer ({exc})") from exc
