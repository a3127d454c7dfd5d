"""``unionline demo``: a federation to look around in, with members writing in live.

Seeds (idempotently) a federation with three primary organizations, their operators and a
supervisor each, a federation operator and an administrator, members, queues by topic with
the robot rules that route to them (:mod:`unionline.demo_topics`; each primary organization's
overflow into the federation's after 10 minutes) and a reference-channel account per
organization; prints the logins with fresh passwords; then serves the app and
plays members writing through the reference channel — signed webhook calls, exactly what a
provider sends — every few seconds, so appeals arrive in the console as you watch. Most
messages come from people writing for the first time (each a new appeal, from a new provisional
member); the others from the seeded members, into their open appeals.
``--seed-only`` seeds and prints, then exits.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
import uuid
from typing import TYPE_CHECKING, Any

import click
import msgspec

from unionline.access import Grant
from unionline.demo_topics import make_queue, seed_queues
from unionline.hookspecs import hookimpl
from unionline.registry import CommandsRegistrar

if TYPE_CHECKING:
    from unionline.organizations.schemas import Kind

FEDERATION = ("DEMO", "Федерация профсоюзов (демо)")
PRIMARIES = (
    ("ZAVOD", "ППО машиностроительного завода", ("Иван Петров", "Ольга Смирнова", "Сергей Волков")),
    ("BOLN", "ППО городской больницы", ("Анна Кузнецова", "Мария Лебедева", "Дмитрий Орлов")),
    ("UNIV", "ППО университета", ("Елена Соколова", "Павел Морозов", "Наталья Зайцева")),
)
QUESTIONS = (
    "Здравствуйте! Когда будет выплата материальной помощи?",
    "Подскажите, как оформить отпуск по уходу за ребёнком?",
    "Работодатель не оплачивает сверхурочные. Что делать?",
    "Можно ли получить путёвку в санаторий через профсоюз?",
    "Меня переводят на другую должность без моего согласия.",
    "Как вступить в профсоюз? Какие нужны документы?",
    "Не выдали спецодежду уже полгода.",
    "В цеху не работает вентиляция, дышим пылью всю смену.",
    "Как платить членские взносы, если я в декрете?",
    "Спасибо за ответ! А можно подробнее?",
    "Когда собрание профсоюзной организации?",
    "Задерживают зарплату второй месяц.",
)
OVERFLOW_MINUTES = 10
NEW_WRITERS = (  # (first names, surnames) of one grammatical gender
    (("Алексей", "Виктор", "Роман", "Юрий"), ("Кравцов", "Никитин", "Гусев", "Жуков")),
    (("Ирина", "Татьяна", "Светлана", "Галина"), ("Белова", "Фролова", "Данилова", "Титова")),
)
NEW_WRITER_SHARE = 0.6  # of the simulated messages, from someone writing for the first time


class DemoLogin(msgspec.Struct):
    login: str
    password: str
    name: str
    role: str
    organization: str


class DemoMember(msgspec.Struct):
    sender: str  # the reference channel's sender id ("ref-<sender>" is the contact point)
    name: str
    account: str  # the public key of their organization's reference account


class DemoSite(msgspec.Struct):
    logins: list[DemoLogin]
    members: list[DemoMember]


# -- seeding --------------------------------------------------------------------------------


async def seed() -> DemoSite:
    """Create what is missing (a second run reuses it) and give every demo login a new
    password; inside a running runtime."""
    admin = await _operator("demo-admin", "Администратор федерации", "admin", None, "")
    actor = await _actor(admin.login)
    fed = await _organization(actor, FEDERATION[0], FEDERATION[1], None, "federation")
    admin.organization = FEDERATION[0]
    logins = [admin]
    fed_queue = await make_queue(actor, fed, "Федерация", strategy="round_robin", default=True)
    logins.append(await _operator("demo-fed", "Оператор федерации", "operator", fed, FEDERATION[0]))
    members: list[DemoMember] = []
    for code, name, people in PRIMARIES:
        org = await _organization(actor, code, name, fed, "primary")
        await seed_queues(actor, org, fed_queue, OVERFLOW_MINUTES)
        key = f"demo-{code.lower()}"
        await _account(org, key, name)
        low = code.lower()
        logins.append(
            await _operator(f"{low}-chair", f"Председатель {code}", "supervisor", org, code)
        )
        for n in (1, 2):
            logins.append(
                await _operator(f"{low}-op{n}", f"Оператор {code}-{n}", "operator", org, code)
            )
        for i, person in enumerate(people):
            sender = f"{low}-member-{i + 1}"
            await _member(org, person, sender)
            members.append(DemoMember(sender=sender, name=person, account=key))
    return DemoSite(logins=logins, members=members)


async def _actor(login: str) -> Any:
    from unionline.operators.services import actor_for
    from unionline.operators.tables import Operator

    row = await Operator.select(Operator.id).where(Operator.login == login).first()
    assert row is not None
    actor = await actor_for(row["id"])
    assert actor is not None
    return actor


async def _operator(
    login: str, name: str, role: str, org: uuid.UUID | None, code: str
) -> DemoLogin:
    from unionline.operators.services import change_password, create_operator
    from unionline.operators.tables import Operator

    password = secrets.token_urlsafe(9)
    row = await Operator.select(Operator.id).where(Operator.login == login).first()
    if row is None:
        skills = ("юрист",) if login.endswith("op1") else ()
        await create_operator(
            login, password, name=name, grants=[Grant(role, org)], skills=skills, capacity=5
        )
    else:
        await change_password(row["id"], password, keep_session=None)
    return DemoLogin(login=login, password=password, name=name, role=role, organization=code)


async def _organization(
    actor: Any, code: str, name: str, parent: uuid.UUID | None, kind: Kind
) -> uuid.UUID:
    from unionline.organizations import services
    from unionline.organizations.schemas import OrganizationCreate

    found = await services.by_code(code)
    if found is not None:
        return found.id
    view = await services.create(
        actor, OrganizationCreate(name=name, code=code, parent_id=parent, kind=kind)
    )
    return view.id


async def _account(org: uuid.UUID, key: str, name: str) -> None:
    from unionline.channel.accounts import create_account, find_account
    from unionline.channel.schemas import AccountCreate

    if await find_account("reference", key) is not None:
        return
    await create_account(
        None,
        AccountCreate(
            organization_id=org,
            channel="reference",
            name=f"Демо-канал: {name}",
            public_key=key,
            secrets={"signing_secret": secrets.token_urlsafe(24)},
        ),
    )


async def _member(org: uuid.UUID, name: str, sender: str) -> None:
    from unionline.members.records import owner_of
    from unionline.members.services import create_member

    if await owner_of("web", f"ref-{sender}") is None:
        await create_member(
            None, org, full_name=name, status="member", contacts=[("web", f"ref-{sender}")]
        )


def print_site(site: DemoSite, url: str) -> None:
    click.echo(f"Unionline demo: open {url}/console and sign in as one of these:\n")
    width = max(len(login.login) for login in site.logins)
    for login in site.logins:
        click.echo(
            f"  {login.login:<{width}}  {login.password}  {login.role:<10} "
            f"{login.organization:<6} {login.name}"
        )
    click.echo("\nMembers write to the primary organizations through the reference channel.")


# -- a member writing -----------------------------------------------------------------------


async def write_once(client: Any, member: DemoMember, text: str, secret: str) -> int:
    """One signed webhook call of the reference channel, as its provider would make it."""
    from unionline.channel.reference import signed

    update = {
        "update_id": f"demo-{uuid.uuid4().hex}",
        "type": "message",
        "from": {"id": member.sender, "name": member.name},
        "text": text,
        "date": time.time(),
    }
    body, headers = signed(secret, update)
    response = await client.post(
        f"/channels/reference/{member.account}/inbound", content=body, headers=headers
    )
    return int(response.status_code)


async def signing_secrets(site: DemoSite) -> dict[str, str]:
    from unionline.channel.accounts import find_account

    found = {}
    for key in {m.account for m in site.members}:
        account = await find_account("reference", key)
        assert account is not None
        found[key] = account.secrets.signing_secret
    return found


def writer(site: DemoSite, share: float = NEW_WRITER_SHARE) -> DemoMember:
    """Who writes next: mostly someone new (a new appeal), else a seeded member."""
    if random.random() >= share:
        return random.choice(site.members)
    firsts, lasts = random.choice(NEW_WRITERS)
    name = f"{random.choice(lasts)} {random.choice(firsts)}"
    account = random.choice(site.members).account
    return DemoMember(sender=f"new-{secrets.token_hex(6)}", name=name, account=account)


async def simulate(
    url: str, site: DemoSite, keys: dict[str, str], interval: float, count: int | None = None
) -> int:
    """Members write every ``interval`` seconds (``count`` messages, or until cancelled)."""
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per message is enough
    sent = 0
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while count is None or sent < count:
            member = writer(site)
            text = random.choice(QUESTIONS)
            status = await write_once(client, member, text, keys[member.account])
            sent += 1
            click.echo(f"  → {member.name} ({member.account}): {text}  [{status}]")
            if count is None or sent < count:
                await asyncio.sleep(interval)
    return sent


# -- the command ----------------------------------------------------------------------------


@click.command("demo")
@click.option("--seed-only", is_flag=True, help="Seed and print the logins, then exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds between messages.",
)
@click.pass_context
def demo(ctx: click.Context, seed_only: bool, host: str, port: int, interval: float) -> None:
    """Seed a demo federation and watch members' appeals arrive live."""
    from unionline.cli import booted, config_of, run_async

    config = config_of(ctx)

    async def prepare() -> tuple[DemoSite, dict[str, str]]:
        async with booted(config, migrate=True):
            site = await seed()
            return site, await signing_secrets(site)

    site, keys = run_async(prepare())
    url = f"http://{host}:{port}"
    print_site(site, url)
    if not seed_only:
        run_async(_serve(config, host, port, site, keys, interval))


async def _serve(
    config: str | None, host: str, port: int, site: DemoSite, keys: dict[str, str], interval: float
) -> None:
    import uvicorn

    from unionline.app import create_app

    app = create_app(config=config)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            ws="websockets-sansio",
            ws_per_message_deflate=False,  # as ``unionline run``
            lifespan="on",
            log_level="warning",
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    click.echo(f"\nServing on http://{host}:{port} — Ctrl+C stops.\n")
    members = asyncio.create_task(simulate(f"http://{host}:{port}", site, keys, interval))
    try:
        await serving
    finally:
        members.cancel()
        await asyncio.gather(members, return_exceptions=True)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    register(demo)  # core plugin ``core.demo``: it serves the whole app, so it sits above it
