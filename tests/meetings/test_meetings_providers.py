"""The platforms' own rules, without an app: Jitsi tokens checked with PyJWT as Jitsi's token
authentication checks them (HS256 and RS256 with kid; a token for room A does not open room B;
expiry; moderator per token; room names), and BigBlueButton checksums as BBB computes them."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from meetings_support import JITSI, jitsi_admits, other_room

from unionline.plugins.meetings import bbb, jitsi
from unionline.plugins.meetings.providers import Joiner, room_name
from unionline.plugins.meetings.settings import MeetingsSettings


def joiner(moderator: bool, minutes: float = 60) -> Joiner:
    return Joiner(
        user_id="p-1",
        name="Мария Соколова",
        email="maria@example.org",
        moderator=moderator,
        expires_at=datetime.now(UTC) + timedelta(minutes=minutes),
    )


def url_for(settings: MeetingsSettings, room: str, who: Joiner) -> str:
    return f"{settings.jitsi_url}/{room}?jwt={jitsi.token(settings, room, who)}"


def test_a_jitsi_token_opens_its_own_room_only_and_only_until_it_expires() -> None:
    settings = MeetingsSettings(**JITSI)
    room_a, room_b = room_name(), room_name()
    guest = url_for(settings, room_a, joiner(moderator=False))
    claims = jitsi_admits(guest, JITSI["jitsi_app_secret"])
    assert claims["room"] == room_a and claims["sub"] == "meet.union.test"
    assert claims["iss"] == "unionline" and claims["aud"] == "jitsi"
    user = claims["context"]["user"]
    assert user == {
        "id": "p-1",
        "name": "Мария Соколова",
        "email": "maria@example.org",
        "avatar": "",
        "moderator": "false",
    }
    with pytest.raises(jwt.InvalidTokenError, match="room"):
        jitsi_admits(other_room(guest, room_b), JITSI["jitsi_app_secret"])
    with pytest.raises(jwt.InvalidSignatureError):
        jitsi_admits(guest, "another-secret-0123456789abcdefgh")
    staff = jitsi_admits(
        url_for(settings, room_a, joiner(moderator=True)), JITSI["jitsi_app_secret"]
    )
    assert staff["context"]["user"]["moderator"] == "true"
    expired = url_for(settings, room_a, joiner(moderator=False, minutes=-1))
    with pytest.raises(jwt.ExpiredSignatureError):
        jitsi_admits(expired, JITSI["jitsi_app_secret"])
    # Still valid a minute before its end; not an hour after.
    with pytest.raises(jwt.ExpiredSignatureError):
        jitsi_admits(guest, JITSI["jitsi_app_secret"], now=time.time() + 3 * 3600)


def test_an_rs256_token_names_its_key_and_verifies_with_the_public_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings = MeetingsSettings(
        **{
            **JITSI,
            "jitsi_algorithm": "RS256",
            "jitsi_private_key": pem,
            "jitsi_kid": "union/key-1",
        }
    )
    room = room_name()
    url = url_for(settings, room, joiner(moderator=True))
    token = url.split("jwt=")[1]
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": "union/key-1", "typ": "JWT"}
    claims = jitsi_admits(url, key.public_key(), algorithm="RS256")
    assert claims["context"]["user"]["moderator"] == "true"
    with pytest.raises(jwt.InvalidTokenError):
        jitsi_admits(url, JITSI["jitsi_app_secret"], algorithm="HS256")


def test_room_names_are_lower_case_and_unguessable() -> None:
    names = {room_name() for _ in range(2000)}
    assert len(names) == 2000
    assert all(n == n.lower() and n.isalnum() and len(n) == 26 for n in names)


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_bbb_checksums_are_the_sha_of_call_query_and_secret(algorithm: str) -> None:
    settings = MeetingsSettings(
        bbb_url="https://bbb.union.test/bigbluebutton/", bbb_secret="s3cr3t", bbb_checksum=algorithm
    )  # type: ignore[arg-type]
    url = bbb.api_url(
        settings, "join", {"fullName": "Мария Соколова", "meetingID": "abc", "role": "VIEWER"}
    )
    base, query = url.split("?")
    assert base == "https://bbb.union.test/bigbluebutton/api/join"
    plain, checksum = query.rsplit("&checksum=", 1)
    assert checksum == hashlib.new(algorithm, ("join" + plain + "s3cr3t").encode()).hexdigest()
    assert "fullName=%D0%9C%D0%B0%D1%80%D0%B8%D1%8F+" in plain


def test_the_platform_field_offers_every_built_in_platform_by_its_title() -> None:
    """«Платформа» is a choice of the installed platforms, each by its Russian title (it was a
    word typed by hand: «zoom» was stored and meetings then failed)."""
    from unionline.plugins.meetings.providers import provider
    from unionline.plugins.meetings.settings import FORM

    label = FORM.labels["provider"]
    for name in ("jitsi", "bbb", "link"):
        assert label.choices[name] == (provider(name).title_ru, provider(name).title_en)
    assert label.limits({"type": "string", "maxLength": 50})
