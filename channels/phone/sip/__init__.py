"""The built-in SIP agent: a phone line of the union's own SIP trunk or PBX, behind the call model.

The agent (:mod:`.agent`) registers to a registrar with digest auth (aiosipua), answers incoming
calls with a greeting and a DTMF menu (RFC 2833), records voicemail, and originates calls —
robot calls (:mod:`.robot`) that speak a text (:mod:`.tts`) and may take a one-digit answer.
Every call is told to the channel as :class:`~unionline.channels.phone.model.CallEvent` s, like
a cloud PBX's webhooks: the same entries, missed calls, callbacks and recordings. Media is
G.711 A-law over RTP (:mod:`.g711`, :mod:`.rtp`).
"""
