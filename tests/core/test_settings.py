"""Settings come from the environment and fail loudly on a bad value."""

import os
import subprocess
import sys

import pytest


def _load_settings(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("JISHI_")}
    full.update({"JISHI_DATA_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}, **env)
    return subprocess.run(
        [sys.executable, "-c", "import jishi.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE)"],
        env=full, capture_output=True, text=True, timeout=60,
    )


def test_defaults_are_sqlite_shanghai_and_chinese(tmp_path):
    out = _load_settings(tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", "False", "Asia/Shanghai", "zh-hans"]


def test_postgres_is_one_variable(tmp_path):
    out = _load_settings(tmp_path, JISHI_DATABASE_URL="postgres://u@127.0.0.1:5432/jishi")
    assert out.stdout.split()[0] == "django.db.backends.postgresql", out.stderr


@pytest.mark.parametrize(
    "env,message",
    [
        ({"JISHI_DEBUG": "perhaps"}, "JISHI_DEBUG='perhaps' is not a boolean"),
        ({"JISHI_SESSION_SECONDS": "ten"}, "JISHI_SESSION_SECONDS='ten' is not a whole number"),
        ({"JISHI_SESSION_SECONDS": "5"}, "below the minimum"),
        ({"JISHI_DATABASE_URL": "mysql://root@localhost/x"}, "unsupported database engine"),
        ({"JISHI_PRODUCTION": "1"}, "JISHI_SECRET_KEY is required"),
        ({"JISHI_SECRET_KEY": "short"}, "at least 32 characters"),
    ],
)
def test_bad_values_stop_start_up_with_a_clear_message(tmp_path, env, message):
    out = _load_settings(tmp_path, **env)
    assert out.returncode != 0
    assert message in out.stderr


def test_secret_key_is_generated_outside_the_repository(tmp_path):
    assert _load_settings(tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
