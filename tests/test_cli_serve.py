"""`emicronora serve` starts uvicorn believing forwarded headers from the configured proxies only, with secret
tokens kept out of its access log."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from emicronora import cli
from emicronora.settings import PROJECT_ROOT, Settings, SettingsError
from emicronora.web.accesslog import ACCESS_LOGGER, RedactSecrets

PROCFILE = PROJECT_ROOT / "Procfile"


@pytest.fixture
def uvicorn_runs(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The keyword arguments of each uvicorn.run the command makes (nothing is served)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    monkeypatch.setenv("EMICRONORA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EMICRONORA_SECRET_KEY", settings.secret_key)
    monkeypatch.delenv("EMICRONORA_FORWARDED_ALLOW_IPS", raising=False)
    logger = logging.getLogger(ACCESS_LOGGER)
    installed = [f for f in logger.filters if isinstance(f, RedactSecrets)]
    for existing in installed:
        logger.removeFilter(existing)
    yield calls
    for existing in [f for f in logger.filters if isinstance(f, RedactSecrets)]:
        logger.removeFilter(existing)
    for existing in installed:
        logger.addFilter(existing)


def test_serve_trusts_forwarded_headers_from_127_0_0_1_only_by_default(uvicorn_runs) -> None:
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    [options] = uvicorn_runs
    assert (options["app"], options["proxy_headers"], options["forwarded_allow_ips"]) == (
        "emicronora.asgi:app",
        True,
        "127.0.0.1",
    )


def test_serve_trusts_the_proxies_of_the_setting(uvicorn_runs) -> None:
    result = CliRunner().invoke(cli.main, ["serve"], env={"EMICRONORA_FORWARDED_ALLOW_IPS": "10.0.0.0/8,::1"})
    assert result.exit_code == 0, result.output
    assert [options["forwarded_allow_ips"] for options in uvicorn_runs] == ["10.0.0.0/8,::1"]


def test_serve_keeps_tokens_out_of_the_access_log(uvicorn_runs) -> None:
    assert CliRunner().invoke(cli.main, ["serve"]).exit_code == 0
    logger = logging.getLogger(ACCESS_LOGGER)
    record = logger.makeRecord(
        ACCESS_LOGGER,
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.1.2.3:5555", "GET", "/account/reset/s3cr3t-t0ken", "1.1", 200),
        None,
    )
    assert logger.filter(record)
    assert record.getMessage() == '10.1.2.3:5555 - "GET /account/reset/[redacted] HTTP/1.1" 200'


@pytest.mark.parametrize("value", ["", "localhost", "10.0.0.1/8", "*,10.0.0.1", "10.0.0.300"])
def test_a_proxy_list_uvicorn_would_misread_stops_start_up(value: str) -> None:
    with pytest.raises(SettingsError, match="EMICRONORA_FORWARDED_ALLOW_IPS"):
        Settings.from_env({"EMICRONORA_SECRET_KEY": "k" * 40, "EMICRONORA_FORWARDED_ALLOW_IPS": value})


@pytest.mark.parametrize("value", ["127.0.0.1", "*", "10.0.0.0/8, 172.16.0.0/12", "::1,fd00::/8"])
def test_a_proxy_list_of_addresses_and_networks_is_read(value: str) -> None:
    settings = Settings.from_env({"EMICRONORA_SECRET_KEY": "k" * 40, "EMICRONORA_FORWARDED_ALLOW_IPS": value})
    assert settings.forwarded_allow_ips == value


def procfile_web_arguments(environ: dict[str, str]) -> list[str]:
    """The Procfile's web command as the platform's shell expands it."""
    line = next(line for line in PROCFILE.read_text().splitlines() if line.startswith("web:"))
    expanded = subprocess.run(
        ["bash", "-c", f'set -- {line.removeprefix("web:")}; printf "%s\\0" "$@"'],
        env={"PATH": os.environ["PATH"], "PORT": "5000", **environ},
        capture_output=True,
        check=True,
    ).stdout.decode()
    return expanded.split("\0")[:-1]


@pytest.mark.parametrize(
    ("environ", "trusted"),
    [({}, "127.0.0.1"), ({"EMICRONORA_FORWARDED_ALLOW_IPS": "10.0.0.0/8"}, "10.0.0.0/8")],
)
def test_the_procfile_runs_uvicorn_with_the_proxies_of_the_setting(
    environ: dict[str, str], trusted: str
) -> None:
    program, *arguments = procfile_web_arguments(environ)
    assert program == "uvicorn"
    parsed = uvicorn.main.make_context("uvicorn", arguments).params
    assert (parsed["proxy_headers"], parsed["forwarded_allow_ips"]) == (True, trusted)
