"""Run the ``unionline`` command in a subprocess with a clean ``UNIONLINE_*`` environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TEST_SECRET = "test-secret-key-not-for-production-0123456789"


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m unionline *args`` in ``cwd``; only the given UNIONLINE_* variables are set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "unionline", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a configuration or plugin error prints: exit 2, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
