"""Django settings for Jishi, read from environment variables (see README: Configuration).

Every variable is prefixed JISHI_; a bad value stops start-up with a clear message.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import dj_database_url

from jishi.env import ConfigError, env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
TESTING = "pytest" in sys.modules or env_bool("JISHI_TESTING")

DATA_DIR = env_path("JISHI_DATA_DIR", PROJECT_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("JISHI_DEBUG", False)
PRODUCTION = env_bool("JISHI_PRODUCTION", False)


def _secret_key() -> str:
    key = env_str("JISHI_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("JISHI_SECRET_KEY must be at least 32 characters")
        return key
    if PRODUCTION:
        raise ConfigError("JISHI_SECRET_KEY is required when JISHI_PRODUCTION=1")
    # Development and demo: a random key kept in the data directory, never in the repository.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("JISHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("JISHI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI from its bundled static files (no CDN)
    "jishi.core",
    "jishi.org",
    "jishi.notify",
    "jishi.cases",
    "jishi.points",
    "jishi.scoring",
    "jishi.http",
    "jishi.platform",
    "jishi.web",
    "jishi.security",
    "jishi.cockpit",
    "jishi.open311",
    "jishi.webhooks",
    "jishi.visits",
    "jishi.mediation",
    "jishi.accounts",
    "jishi.venues",
    "jishi.evaluation",
    "jishi.engage",
    "jishi.blueprint",
    "jishi.party",
    "jishi.cadres",
    "jishi.bees",
    "jishi.burden",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jishi.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jishi.org.middleware.ActorMiddleware",
    "jishi.http.bodylimit.BodyLimitMiddleware",  # an over-large body: 413 (problem+json under /api/), not 500
    "django.contrib.messages.middleware.MessageMiddleware",
    "jishi.web.middleware.BadInputMiddleware",
    "jishi.security.middleware.LoginThrottleMiddleware",
    "jishi.security.middleware.SecondFactorMiddleware",
    "jishi.accounts.middleware.HostRolesMiddleware",  # a host serves only its roles (JISHI_HOST_ROLES)
    "jishi.accounts.middleware.PasswordChangeMiddleware",  # a bulk-opened account changes its password first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jishi.urls"
WSGI_APPLICATION = "jishi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jishi.web.context.jishi",
                "jishi.security.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) by default; PostgreSQL with JISHI_DATABASE_URL=postgres://user@host:5432/name.
SQLITE_PATH = DATA_DIR / "jishi.sqlite3"
DATABASE_URL = env_str("JISHI_DATABASE_URL") or f"sqlite:///{SQLITE_PATH}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("JISHI_DB_CONN_MAX_AGE", 600, 0))
except Exception as exc:  # dj_database_url raises several kinds
    raise ConfigError(f"JISHI_DATABASE_URL is not a database URL Jishi understands: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL + synchronous=NORMAL: a committed write survives the process being killed (kill -9);
        # IMMEDIATE transactions avoid lock upgrades that fail under concurrent writers.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;PRAGMA cache_size=-65536;PRAGMA temp_store=MEMORY;"
            "PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_HEALTH_CHECKS"] = False
elif _db["ENGINE"] in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db["CONN_HEALTH_CHECKS"] = True
else:
    raise ConfigError(f"JISHI_DATABASE_URL: unsupported database engine {_db['ENGINE']} (SQLite or PostgreSQL)")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"] == "django.db.backends.postgresql"

# --- Background work (huey): SQLite file by default, Redis when JISHI_REDIS_URL is set -------
REDIS_URL = env_str("JISHI_REDIS_URL")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "jishi",
        "url": REDIS_URL,
        "immediate": TESTING,
        "consumer": {"workers": env_int("JISHI_WORKER_THREADS", 2, 1, 64), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "jishi",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": env_int("JISHI_WORKER_THREADS", 2, 1, 64), "worker_type": "thread"},
    }

# --- Caches ----------------------------------------------------------------------------------
# No page cache: repeat views of the case pages and API are revalidated by the browser or client (ETag → 304,
# jishi.http.conditional).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jishi-default"},
}

# --- Auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("JISHI_SESSION_SECONDS", 8 * 3600, 300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("JISHI_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# --- Security baseline (jishi.security; docs/operations.md) ----------------------------------
AUTHENTICATION_BACKENDS = ["jishi.security.backends.ThrottledModelBackend"]  # login throttling
if not TESTING:
    try:  # Argon2 when argon2-cffi is installed, else Django's PBKDF2-SHA256 (1,000,000 iterations)
        import argon2  # noqa: F401

        PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                            "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    except ImportError:
        PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                            "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"]
JISHI_REQUIRE_TOTP = env_bool("JISHI_REQUIRE_TOTP", False)  # admins and commanders must enrol a TOTP app
# Reverse proxies whose X-Forwarded-For is believed (login throttling counts the real client address).
JISHI_TRUSTED_PROXIES = env_list("JISHI_TRUSTED_PROXIES", [])
JISHI_CSP_UNSAFE_EVAL = env_bool("JISHI_CSP_UNSAFE_EVAL", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # Behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto (see docs/operations.md).
    if env_bool("JISHI_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("JISHI_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's plain-HTTP health check
    SECURE_HSTS_SECONDS = env_int("JISHI_HSTS_SECONDS", 31_536_000, 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JISHI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("JISHI_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # the browsers' preload list is for public sites

# --- Language, time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("JISHI_STATIC_ROOT", DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("JISHI_MEDIA_ROOT", DATA_DIR / "media")
UPLOAD_MAX_BYTES = env_int("JISHI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, 1024)
# A JSON body carries a file as Base64 (4/3 of its size): one file of UPLOAD_MAX_BYTES plus 1 MB of fields fits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * -(-UPLOAD_MAX_BYTES // 3) + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Jishi -----------------------------------------------------------------------------------
JISHI_MAP_TILE_URL = env_str("JISHI_MAP_TILE_URL")  # e.g. a 天地图 tile URL; empty: boundaries only
JISHI_MAP_TILE_ATTRIBUTION = env_str("JISHI_MAP_TILE_ATTRIBUTION")
# Where `jishi import-tiles` keeps the offline tile package (MBTiles or z/x/y folder); used before the tile URL
JISHI_MAP_TILES_DIR = env_path("JISHI_MAP_TILES_DIR", DATA_DIR / "tiles")
JISHI_CITY_NAME = env_str("JISHI_CITY_NAME", "澄江市")
JISHI_LOCATOR_CHECK_SECONDS = 0 if TESTING else env_int("JISHI_LOCATOR_CHECK_SECONDS", 10, 0, 3600)
JISHI_AUDIT_SEAL_SECONDS = env_int("JISHI_AUDIT_SEAL_SECONDS", 2, 1, 3600)
# Tests: drain the timeline consumers right after each writer's block (jishi.core.consumers.settled).
JISHI_CONSUMERS_EAGER = TESTING and env_bool("JISHI_CONSUMERS_EAGER", True)
JISHI_CONSUMERS_MAX_LAG = env_int("JISHI_CONSUMERS_MAX_LAG", 1000, 0, 10_000_000)  # `jishi status --check`
JISHI_BENCH_VIEWS = env_bool("JISHI_BENCH_VIEWS", False)  # /__bench__/ baselines for `make bench` only
# Uploads leave only through /files/<kind>/<id>/ after holds(): streamed by Django ("stream"), or handed to nginx
# ("nginx": X-Accel-Redirect to JISHI_FILE_ACCEL_PREFIX, an `internal` location) or Apache ("sendfile": X-Sendfile).
JISHI_FILE_SENDER = env_str("JISHI_FILE_SENDER", "stream")
if JISHI_FILE_SENDER not in ("stream", "nginx", "sendfile"):
    raise ConfigError(f"JISHI_FILE_SENDER must be stream, nginx or sendfile, not {JISHI_FILE_SENDER!r}")
JISHI_FILE_ACCEL_PREFIX = env_str("JISHI_FILE_ACCEL_PREFIX", "/protected-media/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JISHI_LOG_LEVEL", "WARNING")},
}
JISHI_NOTIFY_BACKEND = env_str(
    "JISHI_NOTIFY_BACKEND",
    "jishi.notify.backends.NullBackend" if TESTING else "jishi.notify.backends.ConsoleBackend",
)

# --- Open platform: requests a minute for a personal token (a port sets its own limit) ---------------
JISHI_API_RATE_LIMIT = 1_000_000 if TESTING else env_int("JISHI_API_RATE_LIMIT", 600, 1, 1_000_000)
# People looked up by a phone or ID number (digits in the search), per account a minute, page and API together
# (docs/privacy.md): beyond it 429. Roles that see numbers masked may not search by number at all.
JISHI_NUMBER_SEARCH_LIMIT = env_int("JISHI_NUMBER_SEARCH_LIMIT", 30, 1, 10_000)
# Keep Idempotency-Key responses this long (hours) before `jishi` forgets them.
JISHI_IDEMPOTENCY_HOURS = env_int("JISHI_IDEMPOTENCY_HOURS", 24, 1, 24 * 30)
# Open311 GeoReport v2 (/open311/v2/): the jurisdiction_id this server answers to.
JISHI_OPEN311_JURISDICTION = env_str("JISHI_OPEN311_JURISDICTION") or "jishi"
# Open311 reads without an api_key (GET requests/requests/{id}): the whole city, no personal data (docs/open311.md).
# false: such reads are refused with 403 as before. The anonymous limit is per caller address, a minute;
# the excluded codes (a 大类 or a 小类) name services about persons, never published.
JISHI_OPEN311_PUBLIC_READS = env_bool("JISHI_OPEN311_PUBLIC_READS", True)
JISHI_OPEN311_PUBLIC_RATE_LIMIT = 1_000_000 if TESTING else env_int("JISHI_OPEN311_PUBLIC_RATE_LIMIT", 60, 1, 1_000_000)
JISHI_OPEN311_PUBLIC_EXCLUDE = env_list("JISHI_OPEN311_PUBLIC_EXCLUDE", ["10", "11"])
# Webhooks: give a delivery up (mark it failed, shown on /webhooks/) after this many days of retrying;
# an HTTP proxy for deliveries (the environment's proxy variables are deliberately ignored).
JISHI_WEBHOOK_GIVE_UP_DAYS = env_int("JISHI_WEBHOOK_GIVE_UP_DAYS", 3, 1, 60)
JISHI_WEBHOOK_PROXY = env_str("JISHI_WEBHOOK_PROXY")

# --- Accounts: the resident entrance (jishi.accounts, docs/accounts.md) ------------------------------
# SMS sender for one-time codes (a class with send(phone, text)); the console sender prints and keeps them.
JISHI_SMS_BACKEND = env_str("JISHI_SMS_BACKEND", "jishi.accounts.sms.ConsoleSender")
JISHI_SMS_CODE_MINUTES = env_int("JISHI_SMS_CODE_MINUTES", 5, 1, 30)
JISHI_INVITATION_DAYS = env_int("JISHI_INVITATION_DAYS", 14, 1, 90)
# Roles each host serves: "m.example.cn=resident,informant,merchant,volunteer;…" (unnamed hosts: every role).
JISHI_HOST_ROLES = env_str("JISHI_HOST_ROLES", "")
# Initial passwords of bulk-opened staff accounts (random, one-time): a short PBKDF2 (jishi.accounts.hashers).
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "jishi.accounts.hashers.InitialPasswordHasher"]
