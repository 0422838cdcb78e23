"""EMICRONORA_SMTP_URL and EMICRONORA_MAIL_FROM: a setting that cannot work stops the start-up with a message
that says which setting and why, and never repeats the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from emicronora.settings import Settings, SettingsError

BASE_ENV = {"EMICRONORA_SECRET_KEY": "k" * 40}


def from_env(**values: str) -> Settings:
    return Settings.from_env({**BASE_ENV, **{f"EMICRONORA_{k}": v for k, v in values.items()}})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://mail.example.org", "the scheme must be smtp, smtps or file"),
        ("smtp://", "host name is missing"),
        ("smtp://mail.example.org:notaport", "not a valid URL"),
        ("smtp://mail.example.org:99999", "not a valid URL"),
        ("smtp://mail.example.org?starttls=maybe", "starttls must be 1 or 0"),
        ("smtp://mail.example.org?tls=1", "unknown option(s) tls"),
        ("smtps://mail.example.org?starttls=1", "already encrypted"),
        ("smtp://mail.example.org?timeout=0", "timeout must be between"),
        ("file://relative/folder", "absolute folder"),
    ],
)
def test_invalid_smtp_url_stops_start_up_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(SettingsError) as refused:
        from_env(SMTP_URL=url)
    assert str(refused.value).startswith("EMICRONORA_SMTP_URL cannot be used: ")
    assert reason in str(refused.value)


def test_the_password_of_a_refused_smtp_url_is_not_in_the_message() -> None:
    with pytest.raises(SettingsError) as refused:
        from_env(SMTP_URL="smtp://mailer:s3cret-Pa55@mail.example.org?starttls=perhaps")
    assert "s3cret-Pa55" not in str(refused.value)


def test_invalid_sender_stops_start_up() -> None:
    with pytest.raises(SettingsError, match="EMICRONORA_MAIL_FROM cannot be used"):
        from_env(MAIL_FROM="e-Micronora")


def test_smtp_url_with_starttls_and_login_is_read() -> None:
    settings = from_env(
        SMTP_URL="smtp://mailer%40fair:p%40ss@mail.example.org:587?starttls=1&timeout=12",
        MAIL_FROM="Micronora <noreply@micronora.example>",
    )
    server = settings.mail_server
    assert (server.scheme, server.host, server.port) == ("smtp", "mail.example.org", 587)
    assert (server.username, server.password, server.starttls, server.timeout) == (
        "mailer@fair",
        "p@ss",
        True,
        12.0,
    )
    assert "p@ss" not in repr(settings) and "p@ss" not in repr(server)
    assert settings.mail_from == "Micronora <noreply@micronora.example>"
    assert from_env(SMTP_URL="smtps://mail.example.org").mail_server.port == 465


def test_without_smtp_url_mail_goes_to_a_folder_under_the_media_dir(tmp_path: Path) -> None:
    settings = from_env(MEDIA_DIR=str(tmp_path / "media"))
    assert settings.mail_server.scheme == "file"
    assert settings.mail_server.folder == tmp_path / "media" / "mail"
    assert from_env(SMTP_URL="file:///srv/mail").mail_server.folder == Path("/srv/mail")
