"""Production settings pass Django's deploy checks; HTTPS behind a proxy and HSTS are configurable;
passwords are hashed with a strong algorithm; the session age comes from JISHI_SESSION_SECONDS."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def run(tmp_path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JISHI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"JISHI_DATA_DIR": str(tmp_path), "JISHI_PRODUCTION": "1", "JISHI_SECRET_KEY": secrets.token_urlsafe(50),
                "JISHI_ALLOWED_HOSTS": "jishi.example.gov.cn", **extra})
    return subprocess.run([str(BIN / "jishi"), *args], env=env, capture_output=True, text=True, timeout=120)


def setting(tmp_path, expr: str, **extra: str) -> str:
    proc = run(tmp_path, "shell", "-c", f"from django.conf import settings; print({expr})", **extra)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def test_deploy_check_passes_with_production_settings(tmp_path):
    proc = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_deploy_check_fails_without_hsts(tmp_path):
    proc = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", JISHI_HSTS_SECONDS="0")
    assert proc.returncode != 0
    assert "security.W004" in proc.stderr + proc.stdout


def test_production_trusts_the_proxy_https_header_and_sets_hsts(tmp_path):
    out = setting(tmp_path, "settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_HSTS_SECONDS, "
                            "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE",
                  JISHI_HSTS_SECONDS="86400")
    assert out == "('HTTP_X_FORWARDED_PROTO', 'https') 86400 True True"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    proc = run(tmp_path, "check", JISHI_SECRET_KEY="")
    assert proc.returncode != 0
    assert "JISHI_SECRET_KEY" in proc.stderr


def test_passwords_use_a_strong_hasher_outside_tests(tmp_path):
    out = setting(tmp_path, "__import__('django.contrib.auth.hashers', fromlist=['x']).make_password('x-secret-1')")
    algorithm = out.split("$")[0]
    assert algorithm in {"argon2", "pbkdf2_sha256"}
    if algorithm == "pbkdf2_sha256":
        assert int(out.split("$")[1]) >= 600_000


def test_session_age_comes_from_jishi_session_seconds(tmp_path):
    assert setting(tmp_path, "settings.SESSION_COOKIE_AGE", JISHI_SESSION_SECONDS="1800") == "1800"
