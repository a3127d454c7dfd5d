"""Identity resolution: a known contact point is its member; an unknown one becomes exactly one
provisional member, even when messages from it race."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
from test_members import make_org

from unionline.members import services
from unionline.members.tables import ContactPoint, Member
from unionline.spi import IdentityClaim
from unionline.testing import AppHarness


def claim(org: uuid.UUID, kind: str, address: str, name: str = "") -> IdentityClaim:
    return IdentityClaim(
        kind=kind, address=address, organization_id=org, channel=kind, display_name=name
    )


async def test_known_contact_resolves_to_its_member(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "FED")
    known = await services.create_member(
        None, org, full_name="Известный", contacts=[("phone", "+79991234567")]
    )
    for spelling in ("8 (999) 123-45-67", "+7 999 1234567", "9991234567"):
        assert await services.resolve_member(claim(org, "phone", spelling)) == known
    assert await Member.count() == 1


async def test_unknown_sender_becomes_a_provisional_member(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "FED")
    first = await services.resolve_member(claim(org, "telegram", "555", "Вася"))
    again = await services.resolve_member(claim(org, "telegram", "0555"))
    assert first == again
    view = await services.get_member(None, first)
    assert view.provisional is True
    assert view.full_name == "Вася"
    assert view.organization_id == org
    assert [(c.kind, c.address) for c in view.contacts] == [("telegram", "555")]
    await h.settle()
    created = [e for e in await h.runtime.events.read_after(0) if e.type == "member.created"]
    assert len(created) == 1


async def test_concurrent_claims_for_a_new_address_make_one_member(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    org = await make_org(h, "FED")
    for round_ in range(5):
        address = f"new{round_}@example.org"
        results = await asyncio.gather(
            *(services.resolve_member(claim(org, "email", address)) for _ in range(8))
        )
        assert len(set(results)) == 1
        owners = await ContactPoint.select(ContactPoint.member_id).where(
            ContactPoint.address == address
        )
        assert [o["member_id"] for o in owners] == [results[0]]
    assert await Member.count() == 5


async def test_a_plugin_may_decide_first(unionline_app: AppHarness) -> None:
    """The core default is trylast: a plugin's answer wins, None falls through to it."""
    h = unionline_app
    org = await make_org(h, "FED")
    chosen = await services.create_member(None, org, full_name="Выбранный")

    class Override:
        from unionline.hookspecs import hookimpl

        @hookimpl
        def resolve_identity(self, claim: IdentityClaim) -> uuid.UUID | None:
            return chosen if claim.kind == "vk" else None

    pm = h.runtime.host.pm
    plugin = Override()
    pm.register(plugin, name="test-override")
    try:
        assert await services.resolve_member(claim(org, "vk", "77")) == chosen
        assert await services.resolve_member(claim(org, "telegram", "77")) != chosen
    finally:
        pm.unregister(plugin)


async def test_a_nameless_provisional_member_takes_the_first_name_given(
    unionline_app: AppHarness,
) -> None:
    """A web chat visitor writes first without a name, then introduces themselves: the
    provisional member takes that name (one member.updated), and keeps it afterwards."""
    h = unionline_app
    org = await make_org(h, "FED")
    member_id = await services.resolve_member(claim(org, "web", "visitor-1"))
    assert (await services.get_member(None, member_id)).full_name == ""
    assert await services.resolve_member(claim(org, "web", "visitor-1", " Ольга ")) == member_id
    assert await services.resolve_member(claim(org, "web", "visitor-1", "Другое имя")) == member_id
    assert (await services.get_member(None, member_id)).full_name == "Ольга"
    await h.settle()
    updated = [e for e in await h.runtime.events.read_after(0) if e.type == "member.updated"]
    assert [msgspec.json.decode(e.payload)["fields"] for e in updated] == [["full_name"]]
    known = await services.create_member(
        None, org, full_name="Известный", contacts=[("email", "known@example.org")]
    )
    await services.resolve_member(claim(org, "email", "known@example.org", "Чужое имя"))
    assert (await services.get_member(None, known)).full_name == "Известный"


async def test_a_channel_names_a_nameless_member_later(unionline_app: AppHarness) -> None:
    """``unionline.channel.name_contact``: a name the provider told after the first message
    (VK's users.get did not answer in time) names a provisional member without one — only
    the member holding that contact point, and only once."""
    from unionline.channel import name_contact

    h = unionline_app
    org = await make_org(h, "FED")
    member_id = await services.resolve_member(claim(org, "vk", "4500"))
    assert await name_contact("vk", "4500", " Иван Петров ") is True
    assert await name_contact("vk", "4500", "Другое имя") is False
    assert await name_contact("vk", "9999", "Никто") is False  # no such contact point
    assert (await services.get_member(None, member_id)).full_name == "Иван Петров"
