from __future__ import annotations

from dataclasses import fields

import pytest

from emicronora.accounts import passwords
from emicronora.settings import PROJECT_ROOT, Settings, SettingsError, settable_variables

SECRET = {"EMICRONORA_SECRET_KEY": "s" * 40}


def test_settings_come_from_the_environment_with_safe_defaults() -> None:
    settings = Settings.from_env({**SECRET, "EMICRONORA_SITE_URL": "https://fair.example"})
    assert settings.https
    assert settings.event_timezone == "Europe/Paris"
    assert settings.default_locale == "fr"
    assert settings.session_idle_minutes_organiser == 30
    assert settings.session_absolute_hours == 12


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EMICRONORA_SECRET_KEY": "short"}, "EMICRONORA_SECRET_KEY must be at least 32 characters long"),
        ({**SECRET, "EMICRONORA_TIMEZONE": "Mars/Olympus"}, "EMICRONORA_TIMEZONE is not a known time zone"),
        ({**SECRET, "EMICRONORA_DEFAULT_LOCALE": "de"}, "EMICRONORA_DEFAULT_LOCALE must be fr or en"),
        ({**SECRET, "EMICRONORA_DEBUG": "maybe"}, "EMICRONORA_DEBUG must be true or false"),
        ({**SECRET, "EMICRONORA_MAX_BODY_BYTES": "lots"}, "EMICRONORA_MAX_BODY_BYTES must be a whole number"),
    ],
)
def test_bad_settings_stop_start_up_with_a_clear_message(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)


async def test_production_passwords_use_argon2id_at_least_as_strong_as_the_library_defaults() -> None:
    settings = Settings.from_env(SECRET)
    hashed = await passwords.hash_password("a long enough passphrase", settings)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    assert await passwords.verify_password(hashed, "a long enough passphrase", settings)
    assert not await passwords.verify_password(hashed, "another passphrase!", settings)


def test_every_field_is_read_from_its_own_variable() -> None:
    defaults = Settings.from_env(SECRET)
    environ = dict(SECRET)
    for setting, name in zip(fields(Settings), settable_variables(), strict=True):
        if "range" in setting.metadata:
            environ[name] = str(max(setting.metadata["range"][0], 7))
    settings = Settings.from_env(environ)
    changed = {
        setting.name
        for setting in fields(Settings)
        if getattr(settings, setting.name) != getattr(defaults, setting.name)
    }
    assert changed >= {
        "session_idle_minutes",
        "session_idle_minutes_organiser",
        "login_max_failures_per_account",
        "login_max_failures_per_ip",
        "login_window_minutes",
        "argon2_time_cost",
        "max_video_mb",
    }
    assert settings.session_idle_minutes == 7
    assert settings.login_window_minutes == 7


def test_the_readme_documents_every_variable() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    missing = [name for name in settable_variables() if f"`{name}`" not in readme]
    assert missing == []


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EMICRONORA_SESSION_IDLE_MINUTES": "0"}, "EMICRONORA_SESSION_IDLE_MINUTES must be between 1 and"),
        ({"EMICRONORA_LOGIN_MAX_FAILURES_PER_ACCOUNT": "-5"}, "must be between 1 and 1000, not -5"),
        ({"EMICRONORA_MAX_BODY_BYTES": "10"}, "EMICRONORA_MAX_BODY_BYTES must be between 1024 and"),
        ({"EMICRONORA_ARGON2_MEMORY_KIB": "99999999999"}, "EMICRONORA_ARGON2_MEMORY_KIB must be between"),
        ({"EMICRONORA_SITE_URL": "fair.example"}, "EMICRONORA_SITE_URL must start with http:// or https://"),
        ({"EMICRONORA_DATABASE_URL": "mysql://x/y"}, "EMICRONORA_DATABASE_URL must start with"),
        ({"EMICRONORA_JITSI_HOSTS": "not a host"}, "EMICRONORA_JITSI_HOSTS must be a comma-separated list"),
    ],
)
def test_out_of_range_or_malformed_values_are_refused_by_name(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({**SECRET, **environ})
