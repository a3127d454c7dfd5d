"""Mail settings: the ``[mail]`` section, and each mailbox account's config and secrets."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from unionline import WHITE_SPACE

MiB = 1024 * 1024
Security = Literal["ssl", "starttls", "none"]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
Domain = Annotated[
    str, msgspec.Meta(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.-]+$(?!\n)")
]
Address = Annotated[
    str,
    msgspec.Meta(
        min_length=3, max_length=320, pattern=rf"^[^@{WHITE_SPACE}<>]+@[^@{WHITE_SPACE}<>]+$(?!\n)"
    ),
]
Language = Literal["ru", "en"]


class MailSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[mail]`` section of the configuration file."""

    # Run the IMAP pollers of the mailboxes inside the web app process (a single process
    # install); otherwise run ``unionline mail poll`` next to the app.
    run_pollers: bool = False
    # ``unionline smtpd``: where the inbound SMTP (or LMTP) server listens.
    smtpd_host: str = "127.0.0.1"
    smtpd_port: Port = 2525
    smtpd_lmtp: bool = False
    smtp_timeout: Annotated[float, msgspec.Meta(gt=0)] = 30.0  # outbound SMTP, seconds
    # Acknowledgements: at most one automatic reply per sender per mailbox in this window.
    ack_interval_hours: Annotated[float, msgspec.Meta(gt=0)] = 24.0


class MailboxConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One mailbox account: where its mail comes from and how replies go out."""

    address: Address  # the mailbox members write to, e.g. "profkom@union.example"
    display_name: Annotated[str, msgspec.Meta(max_length=200)] = ""  # From: "<name>" <address>
    # A domain the union controls whose mail reaches this mailbox (catch-all or
    # reply+*@ alias): replies go to reply+<token>@<reply_domain>, bounces to
    # bounce+<token>@<reply_domain> (VERP). None: replies go to ``address``.
    reply_domain: Domain | None = None
    # -- inbound: IMAP ------------------------------------------------------------------
    imap_host: Annotated[str, msgspec.Meta(max_length=253)] = ""  # "" = no IMAP polling
    imap_port: Port = 993
    imap_security: Security = "ssl"
    imap_username: Annotated[str, msgspec.Meta(max_length=320)] = ""
    imap_folder: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = "INBOX"
    imap_idle: bool = True
    imap_poll_seconds: Annotated[int, msgspec.Meta(ge=5, le=3600)] = 60
    imap_after_processing: Literal["keep", "flag", "move"] = "keep"
    imap_move_to: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    # -- inbound: ``unionline smtpd`` ---------------------------------------------------
    # Recipient addresses that deliver to this mailbox when mail comes in over SMTP/LMTP.
    smtp_recipients: list[Address] = msgspec.field(default_factory=list)
    max_message_bytes: Annotated[int, msgspec.Meta(ge=1024)] = 25 * MiB
    # -- outbound: SMTP -----------------------------------------------------------------
    smtp_host: Annotated[str, msgspec.Meta(max_length=253)] = ""  # "" = cannot send
    smtp_port: Port = 587
    smtp_security: Security = "starttls"
    smtp_username: Annotated[str, msgspec.Meta(max_length=320)] = ""
    # SMTP connections open at once (a campaign sends over several; replies rarely need two).
    # 1 for a server that allows a single session per login.
    smtp_connections: Annotated[int, msgspec.Meta(ge=1, le=20)] = 4
    # -- automatic acknowledgement -----------------------------------------------------
    auto_ack: bool = False
    ack_language: Language = "ru"
    ack_text: Annotated[str, msgspec.Meta(max_length=4000)] = ""  # "" = the built-in text
    # -- DKIM signing of outbound mail (with ``secrets.dkim_private_key``) ----------------
    dkim_selector: Annotated[str, msgspec.Meta(max_length=63)] | None = None
    dkim_domain: Domain | None = None

    def __post_init__(self) -> None:
        if self.imap_after_processing == "move" and not self.imap_move_to:
            raise ValueError("imap_move_to names the folder when imap_after_processing is move")

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()


class MailboxSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A mailbox's secrets (encrypted at rest)."""

    imap_password: str = ""
    smtp_password: str = ""
    dkim_private_key: str = ""  # PEM, RSA or Ed25519
    # Bearer token of the HTTP inbound route (an MTA piping raw mail to Unionline).
    inbound_token: str = ""


def mail_settings() -> MailSettings:
    from unionline import current

    return current().settings.section("mail", MailSettings)
