"""Acceptance: SMS replies over SMPP sent by a ``unionline worker`` that is killed with SIGKILL
mid-batch and started again — no SMS lost silently, none taken twice by the SMSC: every reply
ends sent (taken exactly once) or, where the killed worker may have written its submit_sm
without recording the answer, ``unknown`` and never resent (at most the sends in flight)."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from plugins_for_tests.support import cli_env, unionline_cli, wait_for, waited
from sms_support import SmppAccounts
from standins.smpp_smsc import Link, SmscStandin

from unionline import Settings
from unionline.channel import load_account
from unionline.channels.sms.smpp import links, pdu
from unionline.testing import support as testing

REPLIES = 30
CONCURRENCY = 4  # delivery jobs of the worker at once: the most a kill can leave unknown
KILL_AT = 10  # SMS the SMSC has taken when the worker is killed (the last one unanswered)


@dataclass
class HoldingSmsc(SmscStandin):
    """An SMSC that takes a moment per submit_sm, as real ones do, and stops at the
    ``hold_at``-th: that one is taken and its answer withheld, the submits behind it are left
    unread — until :meth:`release`, after the kill. The kill then lands mid-batch for sure."""

    hold_at: int = 0
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def holding(self) -> bool:
        return bool(self.hold_at) and len(self.submitted) >= self.hold_at

    async def _submit(self, link: Link, packet: pdu.Pdu) -> bool:
        if self.holding():
            await self.released.wait()
            return False  # read from a session whose ESME was killed meanwhile: dropped
        await asyncio.sleep(0.002)
        return await super()._submit(link, packet)

    def _send(self, link: Link, packet: pdu.Pdu) -> None:
        if not (packet.command_id == pdu.SUBMIT_SM_RESP and self.holding()):
            super()._send(link, packet)

    def release(self) -> None:
        self.hold_at = 0
        self.released.set()


@pytest.mark.slow
async def test_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    unionline_settings: Settings, tmp_path: Path
) -> None:
    smsc = await HoldingSmsc(receipts=False, hold_at=KILL_AT).start()
    contract = SmppAccounts()
    contract.smsc = smsc
    contract.config = {"response_timeout": 30}  # only the kill may leave a send unanswered
    settings = contract.configure(unionline_settings, tmp_path)
    url = settings.database_url
    env = cli_env(url) | {
        "UNIONLINE_PLUGINS": "sms",
        "UNIONLINE_JOBS__LEASE_SECONDS": "1.5",
        "UNIONLINE_JOBS__POLL_INTERVAL": "0.1",
        "UNIONLINE_JOBS__CONCURRENCY": str(CONCURRENCY),
    }
    log = tmp_path / "workers.log"
    try:
        async with testing.running_app(settings, migrate=True, execute_jobs=False) as h:
            smpp = await contract.create_env(h)
            await links.session_for(await load_account(smpp.account.id))
            assert await smsc.deliver_mo("79990000101", "Вопрос о взносах") == [0]
            [inbound] = await smpp.stored()
            await links.drop(smpp.account.id)  # from here only the workers send
            texts = [f"Ответ №{i}: взносы удерживает бухгалтерия." for i in range(REPLIES)]
            entries = [await smpp.reply(inbound["appeal_id"], text) for text in texts]

            async def statuses() -> dict[int, str | None]:
                return {e: await smpp.delivery_status(e) for e in entries}

            worker = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
            try:

                async def reached() -> bool:
                    return smsc.holding()

                await wait_for(reached, 90, f"{KILL_AT} SMS at the SMSC")
            finally:
                worker.send_signal(signal.SIGKILL)
                await waited(worker, 30)
            assert len(smsc.taken) == KILL_AT  # the last of them unanswered, more unread
            smsc.release()
            last = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
            try:

                async def settled() -> bool:
                    return all(s not in (None, "queued") for s in (await statuses()).values())

                try:
                    await wait_for(settled, 90, "every reply settled")
                except TimeoutError:
                    pytest.fail(log.read_text()[-3000:])
            finally:
                last.send_signal(signal.SIGKILL)  # its work is done: no need to wait for a stop
                await waited(last, 30)
            final = await statuses()
    finally:
        await smsc.stop()
    taken = Counter(text for _, text in smsc.taken)
    assert max(taken.values()) == 1, taken.most_common(3)  # nothing taken twice
    by_text = {text: final[entry] for text, entry in zip(texts, entries, strict=True)}
    assert {by_text[t] for t in taken} <= {"sent", "unknown"}
    unknown = [t for t, s in by_text.items() if s == "unknown"]
    assert [t for t in texts if t not in taken] == [t for t in unknown if t not in taken]
    assert len(unknown) <= CONCURRENCY, unknown  # only what was in flight at the kill
    assert sum(1 for s in by_text.values() if s == "sent") >= REPLIES - CONCURRENCY
