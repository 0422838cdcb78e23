from __future__ import annotations

import pytest

from emicronora.accounts import passwords
from emicronora.settings import Settings, SettingsError

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
