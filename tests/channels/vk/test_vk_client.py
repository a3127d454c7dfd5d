"""The VK API client against the stand-in: sends, retries that cannot double-send, long poll,
uploads, pacing, and errors by intent."""

from __future__ import annotations

import asyncio
import bisect
import heapq
import time
import uuid
from collections.abc import Callable

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from standins.vk import HANG_AFTER_SEND, VkStandin
from vk_support import as_event

from unionline.channels.vk.client import InputFile, RequestPacer, VkClient, random_id_for
from unionline.channels.vk.errors import MessagesNotAllowed, VkRefused
from unionline.channels.vk.types import LongPollAnswer, Message, MessageNew
from unionline.errors import AuthFailed, NotReady, PermanentFailure


def _client(vk: VkStandin, **options: object) -> VkClient:
    community = vk.community
    return VkClient(community.token, group_id=community.group_id, base_url=vk.base_url, **options)  # type: ignore[arg-type]


async def test_send_message_is_form_encoded_with_version_and_random_id(
    client: VkClient, vk: VkStandin
) -> None:
    message_id = await client.send_message(501, "Здравствуйте! <b>&", random_id=42)
    assert vk.community.sent_texts() == ["Здравствуйте! <b>&"]  # VK text is plain, no markup
    (call,) = vk.community.calls_of("messages.send")
    assert call.params["v"] == "5.199" and call.params["random_id"] == "42"
    assert vk.community.sent[0].message_id == message_id


async def test_a_retried_send_yields_one_message(vk: VkStandin) -> None:
    """The answer to the first send is lost; the retry carries the same random_id."""
    vk.community.inject("messages.send", HANG_AFTER_SEND)
    random_id = random_id_for(uuid.uuid4())
    async with _client(vk, timeout=0.5) as client:
        with pytest.raises(NotReady):  # safe to retry: random_id makes VK drop a resend
            await client.send_message(501, "Собрание в 18:00", random_id=random_id)
        message_id = await client.send_message(501, "Собрание в 18:00", random_id=random_id)
    assert vk.community.sent_texts() == ["Собрание в 18:00"]
    assert vk.community.sent[0].message_id == message_id
    assert len(vk.community.calls_of("messages.send")) == 2


@given(st.uuids(), st.integers(min_value=0, max_value=50))
def test_random_id_is_a_fixed_positive_int32(message_id: uuid.UUID, part: int) -> None:
    value = random_id_for(message_id, part)
    assert 0 < value < 2**31
    assert value == random_id_for(str(message_id), part)
    assert value != random_id_for(message_id, part + 1) or value == 1


@pytest.mark.parametrize(
    ("code", "intent", "retry_after"),
    [
        (6, NotReady, 1.0),
        (9, NotReady, 10.0),
        (10, NotReady, 2.0),
        (901, MessagesNotAllowed, None),
        (902, MessagesNotAllowed, None),
        (914, VkRefused, None),
    ],
)
async def test_errors_by_intent(
    client: VkClient, vk: VkStandin, code: int, intent: type, retry_after: float | None
) -> None:
    vk.community.inject("messages.send", code, times=2 if code == 6 else 1)  # 6: and its retry
    with pytest.raises(intent) as caught:
        await client.send_message(501, "x", random_id=1)
    if retry_after is not None:
        assert caught.value.retry_after == retry_after
    else:
        assert isinstance(caught.value, PermanentFailure)
        assert caught.value.error_code == code
    assert vk.community.sent == []


async def test_error_6_is_tried_once_more_with_the_same_random_id(
    client: VkClient, vk: VkStandin
) -> None:
    """VK refused the call (too many a second: it did not do it); the client pauses and sends
    the same call again, once — the member gets the message once."""
    vk.community.inject("messages.send", 6)
    message_id = await client.send_message(501, "Собрание в 18:00", random_id=77)
    first, again = vk.community.calls_of("messages.send")
    assert first.params == again.params and again.params["random_id"] == "77"
    assert vk.community.sent_texts() == ["Собрание в 18:00"]
    assert vk.community.sent[0].message_id == message_id


async def test_a_member_who_has_not_allowed_messages(client: VkClient, vk: VkStandin) -> None:
    vk.community.deny_messages(502, 902)
    with pytest.raises(MessagesNotAllowed, match="privacy"):
        await client.send_message(502, "x", random_id=5)
    await client.send_message(501, "другому можно", random_id=6)


async def test_a_wrong_token_is_auth_failed(vk: VkStandin) -> None:
    async with VkClient("vk1.a.revoked", group_id=1, base_url=vk.base_url) as wrong:
        with pytest.raises(AuthFailed):
            await wrong.get_group()


async def test_unreachable_vk_is_not_ready() -> None:
    async with VkClient("t", group_id=1, base_url="http://127.0.0.1:9") as nowhere:
        with pytest.raises(NotReady):
            await nowhere.send_message(1, "x", random_id=1)


async def test_pacing_keeps_a_burst_under_20_per_second(vk: VkStandin) -> None:
    async with _client(vk) as client:
        ids = await asyncio.gather(
            *(client.send_message(501, f"№{n}", random_id=n + 1) for n in range(30))
        )
    assert len(set(ids)) == 30  # none was refused with error 6


async def test_a_stalled_event_loop_does_not_release_a_burst(vk: VkStandin) -> None:
    """The loop blocks (a synchronous call, a loaded machine) while 30 sends wait for their
    turn: when it runs again, the waiting calls still go one by one, so the stand-in (counting
    by arrival, as VK does) never sees more than 20 in a second — nothing refused, and no call
    needed the retry on error 6 (each send reached VK once)."""

    async def stall() -> None:
        await asyncio.sleep(0.1)  # a few sends went; the rest wait for their turn
        time.sleep(2.0)  # the stall under test: the loop runs nothing meanwhile

    async with _client(vk) as client:
        *ids, _ = await asyncio.gather(
            *(client.send_message(501, f"№{n}", random_id=n + 1) for n in range(30)),
            stall(),
            return_exceptions=True,
        )
    assert [i for i in ids if not isinstance(i, int)] == []  # none refused with error 6
    assert len(vk.community.calls_of("messages.send")) == 30


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


_runs = st.lists(  # runs of calls tried alike: so many, every so often, answered after so long
    st.tuples(
        st.integers(min_value=1, max_value=40),
        st.sampled_from([0.0, 0.03, 0.056, 0.2, 2.0]),  # till the next try (2 s: a stall)
        st.sampled_from([0.0, 0.05, 0.5, 1.5]),  # till the answer comes back
        st.sampled_from([0.0, 0.5, 1.0]),  # where in between VK sees the call arrive
    ),
    max_size=6,
)


@given(_runs)
def test_no_second_of_arrivals_holds_more_than_20(
    runs: list[tuple[int, float, float, float]],
) -> None:
    """The pacer on a fake clock, calls tried at any moments (stalls included), each arriving
    at VK anywhere between its start and its answer: no one-second window of arrivals, as VK
    counts them, ever holds more than 20."""
    clock = _Clock()
    pacer = RequestPacer(20, clock=clock)
    answers: list[tuple[float, int, object]] = []  # a heap: when, tie-breaker, the call
    arrivals: list[float] = []
    steps = [(pause, trip, where) for count, *run in runs for pause, trip, where in [run] * count]
    for n, (pause, trip, where) in enumerate(steps):
        now = clock.now + pause
        while answers and answers[0][0] <= now:
            clock.now, _, call = heapq.heappop(answers)
            pacer.finish(call)
        clock.now = now
        if (call := pacer.try_start()) is not None:
            arrivals.append(now + where * trip)
            heapq.heappush(answers, (now + trip, n, call))
    arrivals.sort()
    for k, first in enumerate(arrivals):
        assert bisect.bisect_left(arrivals, first + 1.0) - k <= 20


async def test_a_caller_who_gives_up_waiting_leaves_the_line() -> None:
    """Calls go in the order they asked; one cancelled while it waits (a delivery's timeout,
    say) must not hold up those behind it."""
    pacer = RequestPacer(20)
    order: list[str] = []

    async def call(name: str) -> None:
        async with pacer.slot():
            order.append(name)

    await call("first")  # the next may go only after the pace's gap
    waiting = asyncio.create_task(call("cancelled"))
    behind = asyncio.create_task(call("behind"))
    await asyncio.sleep(0)
    assert [w.seen > 0 for w in pacer.queue] == [True, True]  # both wait in line
    waiting.cancel()
    await asyncio.wait_for(behind, timeout=30)  # it would wait for STALE (120 s) otherwise
    assert order == ["first", "behind"] and not pacer.queue and not pacer.open


async def test_the_stand_in_enforces_the_rate_limit_on_unpaced_clients(vk: VkStandin) -> None:
    vk.rate_limit = 3
    async with _client(vk, requests_per_second=None) as client:
        results = await asyncio.gather(
            *(client.get_group() for _ in range(8)), return_exceptions=True
        )
    refused = [r for r in results if isinstance(r, NotReady)]
    assert refused and "error 6" in str(refused[0])


async def test_long_poll_delivers_events_and_reports_failures(
    client: VkClient, vk: VkStandin
) -> None:
    server = await client.get_long_poll_server()
    vk.community.message_new("первое", from_id=501)
    answer = await client.check_long_poll(server, server.ts, wait=5)
    assert [e.type for e in answer.updates] == ["message_new"]
    new = answer.updates[0].read(MessageNew)
    assert new.message.text == "первое" and new.message.from_id == 501

    poll = asyncio.create_task(client.check_long_poll(server, str(answer.ts), wait=20))
    await asyncio.sleep(0.2)
    vk.community.message_new("второе", from_id=501)
    later = await poll
    assert [e.read(MessageNew).message.text for e in later.updates] == ["второе"]

    vk.community.fail_long_poll(1)
    stale = await client.check_long_poll(server, str(later.ts), wait=1)
    assert stale.failed == 1 and stale.ts is not None
    vk.community.fail_long_poll(2)
    assert (await client.check_long_poll(server, str(stale.ts), wait=1)).failed == 2
    fresh = await client.get_long_poll_server()
    assert (await client.check_long_poll(fresh, str(stale.ts), wait=0)).updates == []
    vk.community.fail_long_poll(3)
    assert (await client.check_long_poll(fresh, str(stale.ts), wait=1)).failed == 3


async def test_our_own_send_comes_back_as_message_reply(client: VkClient, vk: VkStandin) -> None:
    server = await client.get_long_poll_server()
    message_id = await client.send_message(501, "ответ оператора", random_id=77)
    answer = await client.check_long_poll(server, server.ts, wait=5)
    (event,) = answer.updates
    reply = event.read(Message)
    assert event.type == "message_reply" and reply.out == 1 and reply.random_id == 77
    assert reply.id == message_id


async def test_documents_and_photos_are_uploaded_then_attached(
    client: VkClient, vk: VkStandin
) -> None:
    doc = await client.upload_document(501, InputFile("устав.pdf", b"%PDF statute"))
    photo = await client.upload_photo(501, InputFile("p.jpg", b"\xff\xd8\xff", "image/jpeg"))
    assert doc.startswith(f"doc-{vk.community.group_id}_")
    assert photo.startswith(f"photo-{vk.community.group_id}_")
    await client.send_message(501, "", random_id=9, attachment=[doc, photo])
    assert vk.community.sent[0].attachment == f"{doc},{photo}"
    saved = vk.community.saved
    assert saved[doc].content == b"%PDF statute" and saved[doc].file_name == "устав.pdf"
    assert saved[photo.rsplit("_", 1)[0]].content == b"\xff\xd8\xff"


async def test_inbound_attachments_download(client: VkClient, vk: VkStandin) -> None:
    attachment = vk.community.doc(b"member's scan", "скан.pdf")
    assert await client.download(attachment["doc"]["url"]) == b"member's scan"
    photo = vk.community.photo(b"\xff\xd8 photo")
    assert await client.download(photo["photo"]["orig_photo"]["url"]) == b"\xff\xd8 photo"


def test_recorded_events_decode(payload: Callable[[str], dict]) -> None:
    for name in ("message_new", "message_new_photo", "message_new_doc", "message_new_voice"):
        event = as_event(payload(name))
        assert event.type == "message_new" and event.secret == "s3cr3t-callback"
        event.read(MessageNew)
    photo = msgspec.convert(payload("message_new_photo")["object"], MessageNew).message
    largest = photo.attachments.kept()[0].photo.largest()  # type: ignore[union-attr]
    assert largest is not None and largest.type == "base"
    doc = msgspec.convert(payload("message_new_doc")["object"], MessageNew).message
    [attached] = doc.attachments
    assert attached.doc is not None and attached.doc.ext == "pdf"
    voice = msgspec.convert(payload("message_new_voice")["object"], MessageNew).message
    assert voice.attachments.kept()[0].audio_message is not None
    for name in ("message_edit", "message_reply"):
        msgspec.convert(payload(name)["object"], Message)
    body = msgspec.json.encode(payload("long_poll_answer"))
    answer = msgspec.json.decode(body, type=LongPollAnswer)
    assert answer.ts == "1042" and answer.updates[0].type == "message_new"
    for failed in (1, 2, 3):
        assert (
            msgspec.convert(payload(f"long_poll_failed_{failed}"), LongPollAnswer).failed == failed
        )
