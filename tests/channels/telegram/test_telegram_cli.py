"""``unionline telegram set-webhook`` / ``webhook-info`` against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from cli_runner import TEST_SECRET, one_error_line, run_cli
from standins.telegram import TelegramStandin
from telegram_support import TelegramAdapters, telegram_fixtures

from unionline.testing.channel_contract import ContractEnv


class Adapters(TelegramAdapters):
    def account_secrets(self) -> dict[str, Any]:
        return {"bot_token": self.standin.bot.token}  # no webhook secret yet


unionline_settings, env = telegram_fixtures(Adapters())


def config(tmp_path: Path, env: ContractEnv, telegram: TelegramStandin, public_url: str) -> Path:
    settings = env.harness.runtime.settings
    path = tmp_path / "unionline.toml"
    path.write_text(
        f'secret_key = "{TEST_SECRET}"\n'
        f"database_url = {json.dumps(settings.database_url)}\n"
        'plugins = ["telegram"]\n'
        f'[server]\npublic_url = "{public_url}"\n'
        f'[telegram]\napi_url = "{telegram.base_url}"\n'
        '[log]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    return path


async def cli(tmp_path: Path, path: Path, *args: str) -> Any:
    return await asyncio.to_thread(
        run_cli, "telegram", *args, cwd=tmp_path, env={"UNIONLINE_CONFIG": str(path)}
    )


async def test_set_webhook_points_telegram_at_the_account_with_a_new_secret(
    env: ContractEnv, telegram: TelegramStandin, tmp_path: Path
) -> None:
    from unionline.channel.accounts import load_account

    path = config(tmp_path, env, telegram, "https://union.example/")
    done = await cli(tmp_path, path, "set-webhook")
    assert done.returncode == 0, done.stderr
    url = f"https://union.example/channels/telegram/{env.account.id}/webhook"
    assert url in done.stdout
    secret = (await load_account(env.account.id)).secrets.webhook_secret
    assert len(secret) >= 32
    assert telegram.bot.webhook["url"] == url and telegram.bot.webhook["secret_token"] == secret
    (call,) = telegram.bot.calls_of("setWebhook")
    # Button presses too (the CSAT survey's marks), as when the console connects the webhook.
    assert call.params["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    ]

    again = await cli(tmp_path, path, "set-webhook", "--account", str(env.account.id))
    assert again.returncode == 0, again.stderr
    assert (await load_account(env.account.id)).secrets.webhook_secret == secret  # kept

    telegram.bot.message("ждёт доставки")
    info = await cli(tmp_path, path, "webhook-info")
    assert info.returncode == 0 and f"{url} (1 pending)" in info.stdout


async def test_set_webhook_needs_an_https_url(
    env: ContractEnv, telegram: TelegramStandin, tmp_path: Path
) -> None:
    path = config(tmp_path, env, telegram, "")
    failed = await cli(tmp_path, path, "set-webhook")
    assert "HTTPS URL" in one_error_line(failed)
    plain = await cli(tmp_path, path, "set-webhook", "--url", "http://union.example/hook")
    assert "HTTPS URL" in one_error_line(plain)
    assert telegram.bot.calls_of("setWebhook") == []
    unknown = await cli(tmp_path, path, "set-webhook", "--account", "no-such-bot")
    assert "no telegram account" in one_error_line(unknown)
