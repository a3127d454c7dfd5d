"""Every error code the server can send has words in the console, in Russian and English
(core/console/static/js/errors.js): the console never shows the server's own message."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERRORS_JS = ROOT / "core" / "console" / "static" / "js" / "errors.js"
SOURCES = [ROOT / "core", ROOT / "channels", ROOT / "plugins"]

PATTERNS = [
    re.compile(r'^    code = "([a-z_]+)"\s*$', re.M),  # ServiceError subclasses
    re.compile(r'ErrorBody\(\s*(?:code=)?"([a-z_]+)"'),  # literal error bodies
    re.compile(r'"code": "([a-z_]+)"'),  # socket error frames built as dicts
    re.compile(r'^\s+\d{3}: "([a-z_]+)",$', re.M),  # web.py: HTTP status -> code
    re.compile(r'codes\.get\([^,]+, "([a-z_]+)"\)'),  # ... and its fallback
]


def server_codes() -> set[str]:
    found: set[str] = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in PATTERNS:
                found.update(pattern.findall(text))
    return found


def console_codes(language: str) -> set[str]:
    text = ERRORS_JS.read_text(encoding="utf-8")
    section = re.search(rf"^const {language} = \{{(.*?)^\}};", text, re.S | re.M)
    assert section, f"no {language} dictionary in errors.js"
    return set(re.findall(r'"error\.code\.([a-z_]+)":', section.group(1)))


def test_the_scan_finds_the_known_codes() -> None:
    codes = server_codes()
    # One of each source, so a broken pattern cannot pass the test below vacuously.
    assert {"not_found", "conflict", "invalid", "rate_limited", "too_fast"} <= codes
    assert {"internal_error", "unavailable", "overloaded", "protocol_error"} <= codes
    assert {"method_not_allowed", "http_error"} <= codes


def test_every_server_error_code_has_console_words() -> None:
    codes = server_codes()
    for language in ("ru", "en"):
        missing = codes - console_codes(language)
        assert not missing, f"errors.js ({language}) has no words for {sorted(missing)}"
