"""SMPP 3.4 for unions with an operator contract: the PDUs (:mod:`.pdu`), an asyncio ESME
session (:mod:`.session`), the sessions of this process (:mod:`.links`), the channel type
(:mod:`.channel`) and receipts correlated by ``receipted_message_id`` (:mod:`.receipts`)."""
