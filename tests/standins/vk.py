"""A VK API stand-in: API methods, Bots Long Poll and a Callback API pusher, as VK documents them.

``VkStandin`` serves ``/method/<name>`` (form-encoded or query parameters, ``v`` and an
``access_token`` required, errors as ``{"error": {"error_code", "error_msg", ...}}`` with
HTTP 200), the Bots Long Poll server at ``/lp/<group_id>`` and upload/download URLs. Each
``StandinCommunity`` keeps its event history (long poll ``ts`` is a position in it), the
Callback API server it pushes to, what was sent (``messages.send`` deduplicates on
``random_id``), injected faults, and a per-token limit of 20 requests a second (error 6).
``VkStandin.people`` and ``.groups`` are the profiles ``users.get`` and ``groups.getById``
answer with (``add_person``, ``add_group``).

Usage::

    with VkStandin() as vk:
        vk.community.message_new("Здравствуйте", from_id=501)
        report = await vk.community.deliver_callback(app_client)
"""

from __future__ import annotations

import asyncio
import itertools
import random
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

from standins.server import ThreadedServer

API_VERSION = "5.199"
ERRORS = {
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    8: "Invalid request: v (version) is required",
    9: "Flood control",
    10: "Internal server error",
    100: "One of the parameters specified was missing or invalid",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    113: "Invalid user id",
    29: "Rate limit reached",
    914: "Message is too long",
    911: "Keyboard format is invalid",
    912: "This is a chat bot feature, change this status in settings",
}


@dataclass(frozen=True)
class Fault:
    """An API error answered instead of doing the call; ``hang`` never answers (after doing
    the call when ``performed``)."""

    error_code: int = 0
    hang: bool = False
    performed: bool = False


HANG_AFTER_SEND = Fault(hang=True, performed=True)


@dataclass
class Person:
    id: int
    first_name: str
    last_name: str = ""
    deactivated: str = ""  # "deleted" or "banned"

    def as_vk(self) -> dict:
        """As ``users.get`` returns it (a deleted profile is named "DELETED")."""
        found = {"id": self.id, "first_name": self.first_name, "last_name": self.last_name}
        if self.deactivated:
            found["deactivated"] = self.deactivated
            if self.deactivated == "deleted":
                found.update(first_name="DELETED", last_name="")
        else:
            found.update(can_access_closed=True, is_closed=False)
        return found


@dataclass
class SentMessage:
    message_id: int
    peer_id: int
    random_id: int
    text: str
    attachment: str = ""
    keyboard: str | None = None


@dataclass
class ApiCall:
    method: str
    params: dict[str, str]
    token: str
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Attempt:
    event_id: str
    status: int | None
    body: str | None
    retry_counter: int | None


@dataclass
class CallbackReport:
    confirmed: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)  # event ids answered "ok"
    failed: list[str] = field(default_factory=list)


@dataclass
class Upload:
    kind: str  # "photo" or "doc"
    peer_id: int
    file_name: str = ""
    content: bytes = b""


class StandinCommunity:
    """One community (group) on the stand-in; every method is safe from any thread."""

    def __init__(self, standin: VkStandin, group_id: int, token: str) -> None:
        self.standin = standin
        self.group_id = group_id
        self.token = token
        self.events: list[dict] = []  # the history long poll reads; ts = index + first_ts
        self.first_ts = 1
        self.lp_key = secrets.token_hex(20)
        self.lp_failure: int | None = None  # the next a_check answers {"failed": n}
        self.callback: dict[str, Any] = {"url": "", "secret": "", "code": "", "confirmed": False}
        self.callback_queue: list[dict] = []
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.random_ids: dict[int, tuple[int, float]] = {}
        self.dedup_window = 3600.0
        self.echo_replies = True  # VK tells the community about its own sends (message_reply)
        self.denied: dict[int, int] = {}  # peer -> 901 or 902
        self.bot_features = True  # off: a message with a keyboard is refused with error 912
        self.faults: dict[str, list[Fault]] = {}
        self.uploads: dict[str, Upload] = {}
        self.saved: dict[str, Upload] = {}  # "photo-1_5" / "doc-1_5" -> what was uploaded
        self._ids = itertools.count(1)
        self._conversation_ids: dict[int, itertools.count[int]] = {}
        self.changed = asyncio.Event()  # used on the server's loop only

    # -- faults and member settings -------------------------------------------------------

    def inject(self, method: str, fault: Fault | int, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail with ``fault`` (an error code or a Fault)."""
        fault = Fault(fault) if isinstance(fault, int) else fault
        with self.standin.lock:
            self.faults.setdefault(method, []).extend([fault] * times)

    def take_fault(self, method: str) -> Fault | None:
        with self.standin.lock:
            queue = self.faults.get(method)
            return queue.pop(0) if queue else None

    def deny_messages(self, peer_id: int, code: int = 901) -> None:
        """The member has not allowed messages (901) or their privacy forbids them (902)."""
        with self.standin.lock:
            self.denied[peer_id] = code

    def fail_long_poll(self, failed: int) -> None:
        """Make the long poll server answer ``{"failed": n}``: 1 history out of date (the old
        events are dropped), 2 key expired, 3 information lost (key and ts must be renewed)."""
        with self.standin.lock:
            if failed == 1:
                self.first_ts += len(self.events)
                self.events = []
            if failed in (2, 3):
                self.lp_key = secrets.token_hex(20)
            self.lp_failure = failed
        self.standin.server.call(self.changed.set)

    # -- records -------------------------------------------------------------------------

    def sent_texts(self) -> list[str]:
        with self.standin.lock:
            return [message.text for message in self.sent]

    def calls_of(self, method: str) -> list[ApiCall]:
        with self.standin.lock:
            return [call for call in self.calls if call.method == method]

    # -- events --------------------------------------------------------------------------

    def add_event(self, event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
        """Record an event for long poll and queue it for the Callback API server."""
        event = {
            "group_id": self.group_id,
            "type": event_type,
            "event_id": event_id or secrets.token_hex(20),
            "v": API_VERSION,
            "object": obj,
        }
        with self.standin.lock:
            self.events.append(event)
            self.callback_queue.append(event)
        self.standin.server.call(self.changed.set)
        return event

    def next_id(self) -> int:
        with self.standin.lock:
            return next(self._ids)

    def message(
        self,
        text: str,
        *,
        from_id: int,
        peer_id: int | None = None,
        out: int = 0,
        attachments: list[dict] | None = None,
        random_id: int = 0,
        message_id: int | None = None,
        conversation_message_id: int | None = None,
        **extra: Any,
    ) -> dict:
        """A message object as VK API 5.199 describes it; ``extra`` adds fields (``geo``,
        ``fwd_messages``, ``reply_message``)."""
        peer = peer_id or from_id
        with self.standin.lock:
            counter = self._conversation_ids.setdefault(peer, itertools.count(1))
            conversation_message_id = conversation_message_id or next(counter)
        return {
            "date": int(time.time()),
            "from_id": from_id,
            "id": message_id or self.next_id(),
            "out": out,
            "version": 10_000_000 + conversation_message_id,
            "attachments": attachments or [],
            "conversation_message_id": conversation_message_id,
            "fwd_messages": [],
            "important": False,
            "is_hidden": False,
            "peer_id": peer,
            "random_id": random_id,
            "text": text,
            **extra,
        }

    def message_new(
        self,
        text: str,
        *,
        from_id: int = 501,
        attachments: list[dict] | None = None,
        event_id: str | None = None,
        **extra: Any,
    ) -> dict:
        """A member writes to the community (``extra``: ``geo``, ``fwd_messages``,
        ``reply_message``; build them with ``standins.vk_content``). Writing lets the community
        answer them again, as in VK."""
        with self.standin.lock:
            self.denied.pop(from_id, None)
        obj = {
            "message": self.message(text, from_id=from_id, attachments=attachments, **extra),
            "client_info": {
                "button_actions": [
                    "text",
                    "vkpay",
                    "open_app",
                    "location",
                    "open_link",
                    "callback",
                    "intent_subscribe",
                    "intent_unsubscribe",
                ],
                "keyboard": True,
                "inline_keyboard": True,
                "carousel": True,
                "lang_id": 0,
            },
        }
        return self.add_event("message_new", obj, event_id=event_id)

    def message_edit(self, original: dict, text: str) -> dict:
        """The member edits a message (``original`` is its ``message_new`` event)."""
        message = {**original["object"]["message"], "text": text, "update_time": int(time.time())}
        return self.add_event("message_edit", message)

    def message_allow(self, user_id: int, key: str = "") -> dict:
        """The member allowed the community's messages (or wrote to it first): sends work."""
        with self.standin.lock:
            self.denied.pop(user_id, None)
        return self.add_event("message_allow", {"user_id": user_id, "key": key})

    def message_deny(self, user_id: int) -> dict:
        """The member forbade the community's messages: ``messages.send`` answers 901."""
        self.deny_messages(user_id, 901)
        return self.add_event("message_deny", {"user_id": user_id})

    def message_reply(
        self, text: str, *, peer_id: int, random_id: int = 0, message_id: int | None = None
    ) -> dict:
        """The community wrote to a member (from VK's own interface, or through the API)."""
        message = self.message(
            text,
            from_id=-self.group_id,
            peer_id=peer_id,
            out=1,
            random_id=random_id,
            message_id=message_id,
        )
        return self.add_event("message_reply", message)

    def photo(self, content: bytes, *, owner_id: int = 501) -> dict:
        """A photo attachment whose sizes are downloadable from the stand-in."""
        name = self.standin.host_file(content, "jpg")
        photo_id = self.next_id()
        sizes = [
            {"height": h, "width": w, "type": t, "url": f"{self.standin.base_url}/files/{name}"}
            for t, w, h in (("s", 75, 56), ("m", 130, 97), ("x", 604, 453), ("y", 807, 605))
        ]
        return {
            "type": "photo",
            "photo": {
                "album_id": -3,
                "date": int(time.time()),
                "id": photo_id,
                "owner_id": owner_id,
                "access_key": secrets.token_hex(9),
                "sizes": sizes,
                "text": "",
                "has_tags": False,
                "orig_photo": {**sizes[-1], "type": "base"},
            },
        }

    def doc(self, content: bytes, title: str, *, owner_id: int = 501) -> dict:
        ext = title.rsplit(".", 1)[-1] if "." in title else ""
        name = self.standin.host_file(content, ext or "bin")
        return {
            "type": "doc",
            "doc": {
                "id": self.next_id(),
                "owner_id": owner_id,
                "title": title,
                "size": len(content),
                "ext": ext,
                "date": int(time.time()),
                "type": 1 if ext == "txt" else 8,
                "url": f"{self.standin.base_url}/files/{name}",
                "access_key": secrets.token_hex(9),
            },
        }

    # -- Callback API --------------------------------------------------------------------

    def set_callback_server(self, url: str, *, secret: str, code: str) -> None:
        """Connect a Callback API server, as an admin does in the community settings."""
        with self.standin.lock:
            self.callback = {"url": url, "secret": secret, "code": code, "confirmed": False}

    async def deliver_callback(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        max_attempts: int = 5,
        concurrency: int = 1,
        duplicates: float = 0.0,
        concurrent_duplicates: float = 0.0,
        secret: str | None = None,
        seed: int = 0,
    ) -> CallbackReport:
        """Confirm the server if needed, then POST each queued event; an answer other than
        the literal ``ok`` retries the same event with ``X-Retry-Counter``. ``secret``
        overrides the one sent in the body (to test a wrong secret)."""
        from standins.vk_push import deliver

        return await deliver(
            self,
            client,
            max_attempts=max_attempts,
            concurrency=concurrency,
            duplicates=duplicates,
            concurrent_duplicates=concurrent_duplicates,
            secret=secret,
            rng=random.Random(seed),
        )


class VkStandin:
    """The stand-in server; ``community`` is the one it starts with."""

    def __init__(self, group_id: int = 220_000_001, token: str | None = None) -> None:
        from standins.vk_http import make_app

        self.lock = threading.RLock()
        self.communities: dict[str, StandinCommunity] = {}
        self.files: dict[str, bytes] = {}
        self.people: dict[int, Person] = {}  # users.get answers with these; others are unknown
        self.groups: dict[int, str] = {}  # other communities groups.getById knows, by id
        self.rate_limit = 20  # requests a second per token
        self.request_times: dict[str, deque[float]] = {}
        self.released = asyncio.Event()
        self.server = ThreadedServer(make_app(self), on_stop=self.released.set)
        self.base_url = ""
        self.community = self.add_community(group_id, token or "vk1.a." + secrets.token_hex(40))

    def add_community(self, group_id: int, token: str) -> StandinCommunity:
        community = StandinCommunity(self, group_id, token)
        with self.lock:
            self.communities[token] = community
        return community

    def add_person(
        self, user_id: int, first_name: str, last_name: str = "", *, deactivated: str = ""
    ) -> Person:
        """A VK profile ``users.get`` knows (``deactivated``: "deleted" or "banned")."""
        person = Person(user_id, first_name, last_name, deactivated)
        with self.lock:
            self.people[user_id] = person
        return person

    def add_group(self, group_id: int, name: str) -> None:
        with self.lock:
            self.groups[group_id] = name

    def host_file(self, content: bytes, ext: str) -> str:
        name = f"{secrets.token_hex(8)}.{ext}"
        with self.lock:
            self.files[name] = content
        return name

    def over_rate_limit(self, token: str) -> bool:
        """Count a request of ``token``; true when it is past the limit for the last second."""
        now = time.monotonic()
        with self.lock:
            times = self.request_times.setdefault(token, deque())
            while times and now - times[0] >= 1.0:
                times.popleft()
            if len(times) >= self.rate_limit:
                return True
            times.append(now)
            return False

    def start(self) -> str:
        self.base_url = self.server.start()
        return self.base_url

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> VkStandin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
