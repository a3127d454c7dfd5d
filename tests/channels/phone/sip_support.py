"""For the SIP agent's tests: sipp (Debian ``sip-tester``) as the member's phone, kamailio as
the registrar (a throwaway config on loopback), free UDP ports, and a SIP line on a test app.

A missing binary skips a test on a developer machine and fails it under ``CI=true``.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest

from unionline.channels.phone.settings import PhoneSettings
from unionline.testing.channel_contract import ChannelContract
from unionline.testing.support import in_ci

SCENARIOS = Path(__file__).parent / "sipp"
# Debian's multiarch folder (x86_64-linux-gnu, aarch64-linux-gnu, …): whichever is installed.
KAMAILIO_MODULES = next(
    (f"{p}/" for p in sorted(Path("/usr/lib").glob("*/kamailio/modules"))),
    "/usr/lib/x86_64-linux-gnu/kamailio/modules/",
)
PASSWORD = "s3cret-sip"


def need(binary: str, package: str) -> str:
    found = shutil.which(binary) or (
        f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None
    )
    if found is None:
        message = f"{binary} is not installed (Debian: apt-get install {package})"
        if in_ci():
            pytest.fail(f"{message}; under CI=true a missing binary is a failure")
        pytest.skip(message)
    return found


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A free even UDP port (even: sipp puts RTCP on media port + 1)."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port % 2 == 0 and port < 65000:
            return port


class SipLine(ChannelContract):
    """A phone line of provider ``sip`` whose agent listens on a free loopback port."""

    channel = "phone"
    plugins = ("phone",)
    settings_sections: ClassVar[dict[str, Any]] = {"phone": PhoneSettings}

    def __init__(self, password: str = PASSWORD, **config: Any) -> None:
        self.password = password
        self.port = free_port()
        rtp = free_port()
        self.config = {
            "provider": "sip",
            "sip_listen": f"127.0.0.1:{self.port}",
            "sip_rtp_ports": f"{rtp}-{rtp + 40}",
            "sip_ring_seconds": 1.0,
            "callback_hours": 2,
            **config,
        }

    def account_config(self) -> dict[str, Any]:
        return self.config

    def account_secrets(self) -> dict[str, Any]:
        return {"sip_password": self.password}


async def sipp(scenario: str, *args: str, calls: int = 1, timeout: int = 30) -> str:
    """Run sipp with ``scenario`` (a file of tests/channels/phone/sipp); its screen log on
    failure. Returns stderr."""
    binary = need("sipp", "sip-tester")
    with tempfile.TemporaryDirectory() as cwd:
        process = await asyncio.create_subprocess_exec(
            binary,
            "-sf",
            str(SCENARIOS / scenario),
            *args,
            "-i",
            "127.0.0.1",
            "-m",
            str(calls),
            "-nostdin",
            "-timeout",
            str(timeout),
            "-timeout_error",
            "-trace_err",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
        )
        _, error = await process.communicate()
        errors = "".join(p.read_text(errors="replace") for p in Path(cwd).glob("*errors.log"))
        assert process.returncode == 0, (
            f"sipp {scenario}: rc {process.returncode}\n{errors}\n{error!r}"
        )
    return error.decode(errors="replace")


@asynccontextmanager
async def callee(
    scenario: str, port: int, media_port: int, calls: int = 1
) -> AsyncIterator[asyncio.Future[str]]:
    """sipp as the phone answering ``calls`` calls on ``port`` (the agent calls it)."""
    task = asyncio.ensure_future(
        sipp(scenario, "-p", str(port), "-mi", "127.0.0.1", "-mp", str(media_port), calls=calls)
    )
    await asyncio.sleep(0.3)  # sipp binds its socket
    try:
        yield task
    finally:
        await asyncio.wait_for(task, 30)


KAMAILIO_CFG = """#!KAMAILIO
debug=1
log_stderror=yes
fork=yes
children=1
listen=udp:127.0.0.1:{port}
mpath="{modules}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)

request_route {{
    if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
    if (has_totag()) {{
        if (loose_route()) {{ t_relay(); exit; }}
        if (is_method("ACK") && t_check_trans()) {{ t_relay(); exit; }}
        if (lookup("location")) {{ t_relay(); exit; }}
        sl_send_reply("404", "Not here"); exit;
    }}
    if (is_method("CANCEL")) {{ if (t_check_trans()) t_relay(); exit; }}
    if (is_method("REGISTER")) {{
        if (!pv_www_authenticate("$td", "{password}", "0")) {{ www_challenge("$td", "0"); exit; }}
        save("location"); exit;
    }}
    if (!lookup("location")) {{ sl_send_reply("404", "Not Found"); exit; }}
    if (is_method("INVITE")) record_route();
    t_relay();
}}
"""


@asynccontextmanager
async def kamailio() -> AsyncIterator[int]:
    """A throwaway kamailio registrar on a free loopback port (digest auth: ``PASSWORD``)."""
    binary = need("kamailio", "kamailio")
    port = free_port()
    with tempfile.TemporaryDirectory() as run:
        config = Path(run) / "kamailio.cfg"
        config.write_text(
            KAMAILIO_CFG.format(port=port, modules=KAMAILIO_MODULES, password=PASSWORD)
        )
        # Its log goes to a file: a pipe nobody reads while it runs fills up, and kamailio then
        # blocks writing its log (a call stalled, a test hung until the pipe was read).
        log = Path(run) / "kamailio.log"
        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                binary,
                "-f",
                str(config),
                "-DD",
                "-E",
                "-Y",
                run,
                "-P",
                f"{run}/k.pid",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=sink,
            )
        try:
            await _ready(port, process, log)
            yield port
        finally:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _ready(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    """kamailio answers an OPTIONS (any answer will do) within a few seconds."""
    loop = asyncio.get_running_loop()
    for _ in range(50):
        if process.returncode is not None:
            error = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"kamailio exited: {error}")
        answered: asyncio.Future[bool] = loop.create_future()

        transport, _ = await loop.create_datagram_endpoint(
            functools.partial(_Probe, answered), local_addr=("127.0.0.1", 0)
        )
        own = transport.get_extra_info("sockname")[1]
        transport.sendto(_options(port, own), ("127.0.0.1", port))
        try:
            await asyncio.wait_for(answered, 0.2)
            return
        except TimeoutError:
            continue
        finally:
            transport.close()
    raise RuntimeError("kamailio did not answer on its port")


class _Probe(asyncio.DatagramProtocol):
    def __init__(self, answered: asyncio.Future[bool]) -> None:
        self.answered = answered

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if not self.answered.done():
            self.answered.set_result(True)


def _options(port: int, own: int) -> bytes:
    return (
        f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{own};branch=z9hG4bKprobe{own}\r\n"
        "From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
        f"Call-ID: probe{own}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()
