"""Bad arguments to the ``unionline`` commands are refused in a line or click's usage error —
never a traceback (each of these printed one, or was taken and went wrong later)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import TEST_SECRET, one_error_line, run_cli


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        "UNIONLINE_SECRET_KEY": TEST_SECRET,
        "UNIONLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "UNIONLINE_PASSWORD_HASHING": "fast-insecure",
    }


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("run", "--port", "99999"), "--port"),  # uvicorn served on another port
        (("run", "--workers", "0"), "--workers"),
        (("demo", "--port", "70000"), "--port"),  # OverflowError: bind(): port must be 0-65535
        (("demo", "--interval", "0"), "--interval"),  # messages without a pause
        (("jobs", "--limit", "-1"), "--limit"),  # PostgreSQL: LIMIT must not be negative
    ],
)
def test_an_out_of_range_option_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], option: str
) -> None:
    result = run_cli(*args, cwd=tmp_path, env=environment(tmp_path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"Invalid value for '{option}'" in result.stderr


def test_createadmin_refuses_a_login_the_sign_in_form_would(tmp_path: Path) -> None:
    """The API takes logins of latin letters, digits and ``_ . @ -``; the command took any."""
    env = environment(tmp_path) | {"UNIONLINE_ADMIN_PASSWORD": "chair-password-1"}
    assert run_cli("migrate", cwd=tmp_path, env=env).returncode == 0
    line = one_error_line(run_cli("createadmin", "--login", "Пред седатель", cwd=tmp_path, env=env))
    assert line.startswith("unionline: login: ")
    made = run_cli("createadmin", "--login", "chair.1@ppo", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
