"""E-mail to staff through the ``[notifications]`` SMTP server, the one the robots' notices use:
for plugins that mail operators (scheduled reports, digests). Members are written to through
their channels, never through this."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

import msgspec

from unionline.errors import NotReady, PermanentFailure


class MailAttachment(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str  # "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data: bytes


def mail_configured() -> bool:
    """Whether ``[notifications] smtp_host`` is set (else :func:`send_mail` sends nothing)."""
    from unionline.robots.actions.settings import notification_settings

    return bool(notification_settings().smtp_host)


async def send_mail(
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    attachments: Sequence[MailAttachment] = (),
    message_id: str | None = None,
) -> bool:
    """Send one e-mail; False when no SMTP server is configured. ``message_id`` (without the
    angle brackets) should be derived from what the mail is — a job's idempotency key — so a
    retry after a crash between the server's acceptance and the caller's commit carries the same
    Message-ID, which mail clients show once. A refused recipient raises ``PermanentFailure``;
    anything else from the server or the network ``NotReady`` (the job retries)."""
    import aiosmtplib

    from unionline.robots.actions.settings import notification_settings

    settings = notification_settings()
    if not settings.smtp_host:
        return False
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = f"<{message_id}>"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        main, _, sub = item.content_type.partition("/")
        message.add_attachment(item.data, maintype=main, subtype=sub, filename=item.filename)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_security == "starttls",
            use_tls=settings.smtp_security == "tls",
            timeout=settings.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(f"the SMTP server refused {to}: {exc}") from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise NotReady(f"SMTP: {exc}") from exc
    return True


__all__ = ["MailAttachment", "mail_configured", "send_mail"]
