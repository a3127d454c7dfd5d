"""VK settings: the ``[vk]`` section, and each community account's config and secrets."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

# Hosts VK serves message attachments from; a file URL elsewhere is not fetched.
FILE_HOSTS = ["vk.com", "vk.ru", "userapi.com", "vkuseraudio.net", "vkuservideo.net", "vk-cdn.net"]


class VkSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[vk]`` section of the configuration file."""

    api_url: str = "https://api.vk.com"
    # Run Bots Long Poll for communities in "longpoll" mode inside the web app process;
    # otherwise run ``unionline vk poll`` next to the app.
    run_pollers: bool = False
    poll_wait: Annotated[int, msgspec.Meta(ge=0, le=90)] = 25  # seconds an a_check waits
    request_timeout: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    file_hosts: list[str] = msgspec.field(default_factory=lambda: list(FILE_HOSTS))
    # Names of members and of quoted authors (users.get / groups.getById) are asked again
    # after this many seconds; an event waits at most names_timeout for them, and a member
    # stored without a name is asked for again names_retry seconds later.
    names_ttl: Annotated[float, msgspec.Meta(gt=0)] = 86400.0
    names_timeout: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    names_retry: Annotated[float, msgspec.Meta(ge=0)] = 60.0


class CommunityConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A community account's config."""

    group_id: Annotated[int, msgspec.Meta(gt=0)]
    # callback: VK POSTs events to /channels/vk/<account>/callback (needs a public URL; set the
    # secret and confirmation code from the community's "Callback API" settings);
    # longpoll: we ask VK with Bots Long Poll.
    mode: Literal["callback", "longpoll"] = "callback"


class CommunitySecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A community account's secrets (encrypted at rest)."""

    access_token: Annotated[str, msgspec.Meta(min_length=20, max_length=500)]
    secret: Annotated[str, msgspec.Meta(max_length=50)] = ""  # the Callback API "secret key"
    confirmation_code: Annotated[str, msgspec.Meta(max_length=50)] = ""


def vk_settings() -> VkSettings:
    from unionline import current

    return current().settings.section("vk", VkSettings)
