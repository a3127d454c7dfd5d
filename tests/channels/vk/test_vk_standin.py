"""The stand-in's Callback API pusher behaves as VK's: confirmation first, the secret in the
body, the same event retried with ``X-Retry-Counter`` until the answer is the literal ``ok``."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from litestar import Litestar, Request, post
from litestar.response import Response
from standins.vk import VkStandin


class Receiver:
    """A callback server: answers the confirmation code, then ``replies`` in turn (then ok)."""

    def __init__(self, code: str, replies: list[tuple[int, str]] | None = None) -> None:
        self.replies = list(replies or [])
        self.seen: list[tuple[dict, str | None]] = []

        @post("/vk/callback", status_code=200)
        async def callback(request: Request[Any, Any, Any]) -> Response[str]:
            body = await request.json()
            self.seen.append((body, request.headers.get("X-Retry-Counter")))
            if body["type"] == "confirmation":
                return Response(code, media_type="text/plain")
            status, text = self.replies.pop(0) if self.replies else (200, "ok")
            return Response(text, status_code=status, media_type="text/plain")

        self.app = Litestar([callback], debug=False, logging_config=None)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://receiver"
        )


async def test_confirmation_then_events_retried_until_literal_ok(vk: VkStandin) -> None:
    community = vk.community
    community.set_callback_server("https://union.example/vk/callback", secret="sec", code="c0de")
    event = community.message_new("Здравствуйте", from_id=501)
    receiver = Receiver("c0de", replies=[(500, "error"), (200, "OK "), (200, "ok")])
    async with receiver.client() as client:
        report = await community.deliver_callback(client)
    assert report.confirmed
    assert receiver.seen[0] == ({"type": "confirmation", "group_id": community.group_id}, None)
    deliveries = receiver.seen[1:]
    assert [counter for _, counter in deliveries] == [None, "1", "2"]
    assert {body["event_id"] for body, _ in deliveries} == {event["event_id"]}
    assert all(body["secret"] == "sec" and body["v"] == "5.199" for body, _ in deliveries)
    assert report.delivered == [event["event_id"]]


async def test_a_wrong_confirmation_code_delivers_nothing(vk: VkStandin) -> None:
    community = vk.community
    community.set_callback_server("https://union.example/vk/callback", secret="s", code="right")
    community.message_new("x")
    receiver = Receiver("wrong")
    async with receiver.client() as client:
        report = await community.deliver_callback(client)
    assert not report.confirmed and report.attempts == []
    assert len(receiver.seen) == 1


async def test_duplicates_and_concurrent_redeliveries(vk: VkStandin) -> None:
    community = vk.community
    community.set_callback_server("https://union.example/vk/callback", secret="s", code="c")
    events = [community.message_new(f"№{n}", from_id=501 + n) for n in range(30)]
    receiver = Receiver("c")
    async with receiver.client() as client:
        report = await community.deliver_callback(
            client, concurrency=4, duplicates=0.3, concurrent_duplicates=0.3, seed=3
        )
    ids = [body["event_id"] for body, _ in receiver.seen[1:]]
    assert set(ids) == {e["event_id"] for e in events} and len(ids) > len(events)
    assert sorted(report.delivered) == sorted(set(ids))
    assert community.callback_queue == []


async def api(vk: VkStandin, method: str, **params: Any) -> dict:
    data = {"access_token": vk.community.token, "v": "5.199", **params}
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{vk.base_url}/method/{method}", data=data)
    assert answer.status_code == 200  # VK answers errors with 200 too
    return answer.json()


async def test_users_get_answers_as_vk_documents(vk: VkStandin) -> None:
    vk.add_person(501, "Анна", "Петрова")
    vk.add_person(502, "Пётр", "Иванов", deactivated="deleted")
    vk.add_person(503, "Олег", "Сидоров", deactivated="banned")
    found = (await api(vk, "users.get", user_ids="501,id502,503,999"))["response"]
    assert found == [
        {
            "id": 501,
            "first_name": "Анна",
            "last_name": "Петрова",
            "can_access_closed": True,
            "is_closed": False,
        },
        {"id": 502, "first_name": "DELETED", "last_name": "", "deactivated": "deleted"},
        {"id": 503, "first_name": "Олег", "last_name": "Сидоров", "deactivated": "banned"},
    ]  # 999 is nobody: left out
    assert (await api(vk, "users.get", user_ids="999"))["error"]["error_code"] == 113
    assert (await api(vk, "users.get"))["error"]["error_code"] == 100
    too_many = ",".join(str(n) for n in range(1, 1002))
    assert (await api(vk, "users.get", user_ids=too_many))["error"]["error_code"] == 100
    vk.community.inject("users.get", 29)  # the method's daily limit
    assert (await api(vk, "users.get", user_ids="501"))["error"]["error_code"] == 29


async def test_users_get_counts_against_the_tokens_rate_limit(vk: VkStandin) -> None:
    vk.add_person(501, "Анна")
    vk.rate_limit = 3  # a second's worth of calls, made at once
    answers = await asyncio.gather(*(api(vk, "users.get", user_ids="501") for _ in range(4)))
    codes = sorted(str(a.get("error", {}).get("error_code")) for a in answers)
    assert codes == ["6", "None", "None", "None"]


async def test_groups_get_by_id_names_communities(vk: VkStandin) -> None:
    vk.add_group(198765432, "Профком завода")
    own = vk.community.group_id
    found = (await api(vk, "groups.getById", group_ids=f"198765432,club{own},5"))["response"]
    assert [(g["id"], g["name"]) for g in found["groups"]] == [
        (198765432, "Профком завода"),
        (own, "Профсоюз (тест)"),
    ]
    assert (await api(vk, "groups.getById", group_ids="5"))["error"]["error_code"] == 100
