"""``unionline createadmin``, the operators package's command, as an administrator runs it."""

from __future__ import annotations

import os
from pathlib import Path

from cli_runner import TEST_SECRET
from plugins_for_tests.support import finished, unionline_cli

from unionline.testing.support import make_settings, running_app


async def test_createadmin_makes_a_federation_wide_administrator(
    unionline_database_url: str, tmp_path: Path
) -> None:
    async with running_app(make_settings(unionline_database_url), migrate=True) as h:
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
        env |= {
            "UNIONLINE_SECRET_KEY": TEST_SECRET,
            "UNIONLINE_DATABASE_URL": unionline_database_url,
            "UNIONLINE_ADMIN_PASSWORD": "chair-password-1",
            "UNIONLINE_LOG__LEVEL": "WARNING",
        }
        process = unionline_cli("createadmin", "--login", " Chair ", env=env, cwd=tmp_path)
        status, out, err = await finished(process)
        assert status == 0, err
        assert out.strip() == "administrator chair created"
        login = await h.client.post(
            "/api/auth/login", json={"login": "chair", "password": "chair-password-1"}
        )
        assert login.status_code < 300, login.text
        me = (await h.client.get("/api/auth/me")).json()
        assert me["login"] == "chair"
        assert {"role": "admin", "organization_id": None} in me["grants"]
