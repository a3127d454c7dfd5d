"""The webform channel type: one account is one appeal form of an organization.

Submissions do not come from a provider's webhook but from members' browsers, so they take
their own route (``routes.py``) and enter the SDK's inbound path through ``store_inbound``.
A form cannot carry an answer back — the member has closed the page — so the channel declares
``text=False`` and ``send()`` fails visibly with a message telling the operator to answer by
the phone or e-mail the member left (shown on the message and the member card).
"""

from __future__ import annotations

from unionline import PermanentFailure
from unionline.channel import Capabilities, ChannelAccount, ChannelType, OutboundMessage, SendResult
from unionline.channels.webform.settings import FormConfig, FormSecrets

NAME = "webform"
NO_REPLIES = (
    "Ответ через форму на сайте доставить нельзя: ответьте по телефону или e-mail, указанным "
    "в обращении (A site form cannot carry replies: answer by the phone or e-mail the member "
    "left)."
)


class WebformChannel(ChannelType[FormConfig, FormSecrets]):
    name = NAME
    title = "Форма обращения на сайте (site appeal form)"
    # Senders are identified by the phone (or, without one, the e-mail) they typed.
    contact_kind = "phone"
    settings = FormConfig
    secrets = FormSecrets
    capabilities = Capabilities(text=False, files=False)

    async def send(
        self, account: ChannelAccount[FormConfig, FormSecrets], message: OutboundMessage
    ) -> SendResult:
        raise PermanentFailure(NO_REPLIES)
