"""``unionline createtoken``: the first API token without curl — printed once, working, narrowed
to the scopes asked for; an unknown operator or permission is one line and exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import TEST_SECRET, one_error_line, run_cli

from unionline.testing import AppHarness


@pytest.fixture
def cli_env(unionline_app: AppHarness, unionline_database_url: str) -> dict[str, str]:
    """The same database as the running test app (created and migrated by it)."""
    return {
        "UNIONLINE_DATABASE_URL": unionline_database_url,
        "UNIONLINE_SECRET_KEY": TEST_SECRET,
        "UNIONLINE_PASSWORD_HASHING": "fast-insecure",
    }


async def test_a_token_from_the_command_line_works(
    unionline_app: AppHarness, cli_env: dict[str, str], tmp_path: Path
) -> None:
    h = unionline_app
    await h.create_operator("chief", "admin", None)
    full = run_cli("createtoken", "--login", "Chief", cwd=tmp_path, env=cli_env)
    assert full.returncode == 0, full.stderr
    token = full.stdout.strip()
    assert token.startswith("ul_") and "only this once" in full.stderr
    me = await h.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["login"] == "chief"

    narrow = run_cli(
        "createtoken", "--login", "chief", "--name", "CRM", "--scope", "members.read",
        cwd=tmp_path, env=cli_env,
    )  # fmt: skip
    assert narrow.returncode == 0, narrow.stderr
    bearer = {"Authorization": f"Bearer {narrow.stdout.strip()}"}
    narrowed = await h.client.get("/api/auth/me", headers=bearer)
    assert narrowed.json()["permissions"] == ["members.read"], narrowed.text


async def test_mistakes_are_one_line(
    unionline_app: AppHarness, cli_env: dict[str, str], tmp_path: Path
) -> None:
    await unionline_app.create_operator("chief", "operator", None)
    nobody = one_error_line(run_cli("createtoken", "--login", "ghost", cwd=tmp_path, env=cli_env))
    assert nobody == "unionline: no operator 'ghost'"
    unknown = one_error_line(
        run_cli("createtoken", "--login", "chief", "--scope", "no.such", cwd=tmp_path, env=cli_env)
    )
    assert "scopes[0]" in unknown and "no.such" in unknown
