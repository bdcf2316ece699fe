"""Settings for microblog, read from the environment (and, for local development, `.env`).

Every variable is read once, here, with its cast and default beside it. The README lists them.
"""

import os
import re
import subprocess
import warnings
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
debug_in_real_environment = "DEBUG" in os.environ
# read_env() never overwrites a variable that is already set: the real environment wins.
env.read_env(BASE_DIR / ".env")

# --- Core ------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
if DEBUG and not debug_in_real_environment and env.bool("PRODUCTION_SERVER", default=False):
    raise ImproperlyConfigured(
        "This is a production start and DEBUG is on only because the development "
        ".env says so: .env must not configure a production site. Set DEBUG=off and the "
        "production settings in the real environment (or DEBUG=on there, if you mean it)."
    )
SECRET_KEY = env("SECRET_KEY")
if not DEBUG and SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key from .env. "
        "Set a real SECRET_KEY in the environment, e.g. "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# The site's own address (https://microblog.example.com), for links in error emails.
SITE_URL = env("SITE_URL", default="").rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's scheme and host, e.g. https://microblog.example.com, "
        f"not {SITE_URL!r}"
    )


def git_release():
    """The short commit of this checkout, when it is one and git is at hand."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


# Which site and which code this is: named in error emails and the startup log line, and the
# prefix of every cache key.
ENVIRONMENT = env("ENVIRONMENT", default="development" if DEBUG else "production")
RELEASE = env("RELEASE", default="") or git_release()

ROOT_URLCONF = "microblog.urls"
WSGI_APPLICATION = "microblog.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Apps and middleware ---------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's own form templates, for FORM_RENDERER below.
    "django.forms",
    "axes",
    "accounts",
    "microblog.posts",
    "microblog.errors",
    # The project's own management command (prepare_production).
    "microblog",
]

MIDDLEWARE = [
    # First, so that everything after it, errors included, knows the request id.
    "microblog.errors.request_id.RequestIdMiddleware",
    # Before anything asks whether the request is secure (TRUSTED_PROXIES below).
    "microblog.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # The page of a request the server refused (408, 413), with the headers above.
    "microblog.errors.pages.RefusedRequestPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: the 405 page has the layout of the visitor's other pages.
    "microblog.errors.pages.MethodNotAllowedPageMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a refused login into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

# Forms render with the first engine below that has their template: Django's Jinja2 form
# templates (django.forms' jinja2/ folder) for the site's pages, the admin's own Django templates
# for its widgets.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    # The site's pages (templates/) are Jinja2: see microblog/jinja2.py for why.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "microblog.jinja2.environment",
            "context_processors": ["django.contrib.messages.context_processors.messages"],
        },
    },
    # The admin's and the debug toolbar's pages, in their apps.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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

# --- Database and cache ----------------------------------------------------------------------

# django-environ warns of a URL it can't read by printing it, password included: we say it instead.
with warnings.catch_warnings(action="ignore", category=UserWarning):
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if not DATABASES["default"].get("ENGINE"):  # "" or a URL without a scheme: no database at all
    raise ImproperlyConfigured(
        "DATABASE_URL names no database. Set it to a URL such as "
        "postgres://user:password@host:5432/microblog or sqlite:////path/to/db.sqlite3, "
        "or unset it for the development SQLite file."
    )
# Keep connections open between requests (opening one, and on SQLite its PRAGMAs, costs more
# than many a page), checking them before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that doesn't answer fails a request (and /health/) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several worker processes share one SQLite file: WAL lets readers run beside a writer,
    # IMMEDIATE takes the write lock at BEGIN (so a transaction never fails half-way on an
    # upgrade from read to write), and the timeout makes writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Shared by all worker processes (and machines): sessions and the error-email throttle live here.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # With Redis down, pages render uncached (microblog/cache.py); no request waits on
            # a dead server for more than a tenth of a second.
            "BACKEND": "microblog.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "microblog_cache",
        }
    }
# A deploy starts on fresh keys: the new code never reads what the old one cached.
CACHES["default"]["KEY_PREFIX"] = RELEASE
# Sessions are read from the cache, and from the database only when the cache doesn't have them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts --------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: a locked-out login is refused before any password is hashed.
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"
LOGOUT_REDIRECT_URL = "index"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password-reset requests an hour, from one address and for one email address.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=5)

# The lockout of repeated failed logins (django-axes; accounts/lockout.py has the site's part).
# After AXES_FAILURE_LIMIT failures for one username from one address, that username is refused
# from that address for the cool-off; an address is refused for every username after
# LOGIN_FAILURE_LIMIT_PER_ADDRESS failures in all (twice a username's, for an office's typos; and
# few enough that a flood's hashes, 0.35 s of a core each, are done within seconds even on a busy
# 2-core machine). A successful login clears its count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Stated, not axes' lazy default (which the error reports' settings table can't read).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
# Not axes' default (django-ipware, which believes any client's X-Forwarded-For).
AXES_CLIENT_IP_CALLABLE = "microblog.proxy.client_address"
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
# A refused try does not restart the cool-off: it ends when the lockout page says it does.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "429.html"
# Lockouts need the failures only, not a row for every successful login.
AXES_DISABLE_ACCESS_LOG = True

# --- Internationalization and static files ---------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic puts the files that the production server serves.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email -----------------------------------------------------------------------------------


def mailer_from_url(url):
    """Turn an EMAIL_URL into a Django 6.1 MAILERS entry.

    django-environ only knows the deprecated EMAIL_* settings, so its parsed dictionary is mapped
    onto the SMTP backend's options here. The timeout keeps a dead mail server from hanging the
    process that reports an error.
    """
    parsed = env.email_url_config(url)
    backend = parsed["EMAIL_BACKEND"]
    if backend != "django.core.mail.backends.smtp.EmailBackend":
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": parsed["EMAIL_HOST"],
            "port": parsed["EMAIL_PORT"],
            "username": parsed["EMAIL_HOST_USER"],
            "password": parsed["EMAIL_HOST_PASSWORD"],
            "use_tls": parsed.get("EMAIL_USE_TLS", False),
            "use_ssl": parsed.get("EMAIL_USE_SSL", False),
            "timeout": 10,
        },
    }


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", default="smtp://localhost:25"))}
ADMINS = env.list("ADMINS", default=[])
SERVER_EMAIL = env("SERVER_EMAIL", default="microblog@localhost")
DEFAULT_FROM_EMAIL = SERVER_EMAIL

# --- Errors and logging ----------------------------------------------------------------------


EMAIL_SUBJECT_PREFIX = f"[microblog {ENVIRONMENT} {RELEASE}] "

# Where errors go, with DEBUG off: every log line to logs/microblog.log (or stdout), every error
# also to the admins by email and to the Errors admin (microblog/errors/). With DEBUG on, Django's
# debug page shows errors and neither handler fires.
DEFAULT_EXCEPTION_REPORTER = "microblog.errors.reporter.SafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "microblog.errors.reporter.SafeExceptionReporterFilter"
LOG_DIR = Path(env("LOG_DIR", default=str(BASE_DIR / "logs")))
if env.bool("LOG_TO_STDOUT", default=False):
    LOG_DESTINATION = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
else:
    LOG_DESTINATION = {
        "class": "microblog.errors.log.LogFileHandler",
        "filename": str(LOG_DIR / "microblog.log"),
        # The chapter's 10 KiB x 10 holds about ten tracebacks; these defaults hold thousands.
        "maxBytes": env.int("LOG_MAX_BYTES", default=10 * 1024 * 1024),
        "backupCount": env.int("LOG_BACKUP_COUNT", default=5),
    }
# The chapter's format, with the request id in front of the message.
LOG_FORMAT = "%(asctime)s %(levelname)s: %(request_tag)s%(message)s [in %(pathname)s:%(lineno)d]"
PRODUCTION_ONLY = ["require_debug_false", "request_id"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
        "request_id": {"()": "microblog.errors.log.RequestIdFilter"},
        # A lockout is one line, microblog.lockout's INFO line: Django's request logger would
        # add a WARNING for its page (429), and for every refused try after it.
        "no_lockout_pages": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: getattr(record, "status_code", None) != 429,
        },
        # A balancer asks /health/ every few seconds: its 503 while the database is down is the
        # answer it needs, not an error for the log file and the admins (who hear of the
        # database from the pages that fail).
        "no_health_probes": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: (
                getattr(getattr(record, "request", None), "path", "") != "/health/"
            ),
        },
    },
    "formatters": {
        "chapter7": {"()": "microblog.errors.log.EscapingFormatter", "format": LOG_FORMAT},
        "access": {
            "()": "microblog.errors.log.EscapingFormatter",
            "format": "%(asctime)s %(message)s req=%(request_id)s",
        },
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        # Listed before mail_admins so that an error is on record before the email is tried.
        "log": {
            **LOG_DESTINATION,
            "level": "INFO",
            "filters": PRODUCTION_ONLY,
            "formatter": "chapter7",
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": PRODUCTION_ONLY,
            "class": "microblog.errors.email.ErrorEmailHandler",
            # Repeats of one error within this many seconds send a single email, and all errors
            # together at most this many emails (the rest: one summary at the window's end).
            "window": env.int("ERROR_EMAIL_WINDOW", default=600),
            "budget": env.int("ERROR_EMAIL_BUDGET", default=5),
        },
        # The production server's access log: on stdout, as servers have it. (runserver has
        # its own, django.server below.)
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": PRODUCTION_ONLY,
            "formatter": "access",
        },
        "console": {"filters": ["require_debug_true"], "class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django": {"handlers": ["log", "mail_admins", "console"], "level": "INFO"},
        # Django's request logger says "Invalid HTTP_HOST header" for every scanner on the
        # internet: keep it in the log, never in an admin's inbox.
        "django.security.DisallowedHost": {"handlers": ["log"], "propagate": False},
        "django.request": {"filters": ["no_lockout_pages", "no_health_probes"]},
        # runserver's access log, kept as Django has it: on the console only. (dictConfig resets
        # unlisted children of "django" to propagate, which would email each 500 twice.)
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "microblog": {"handlers": ["log", "mail_admins"], "level": "INFO"},
        "microblog.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        # axes writes a line for every login; the lockout's own line is microblog.lockout's.
        "axes": {"handlers": ["log", "mail_admins"], "level": "ERROR", "propagate": False},
        # Trouble with error reporting itself must not be emailed.
        "microblog.errors": {"handlers": ["log"], "level": "INFO", "propagate": False},
    },
}

# Errors also to Sentry, or a Sentry-compatible server (GlitchTip, Bugsink), when a DSN is set;
# without one, sentry-sdk is never imported.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from microblog.errors.sentry import start_sentry

    start_sentry(SENTRY_DSN, environment=ENVIRONMENT, release=RELEASE)

# --- Deployment (HTTPS, security headers) ----------------------------------------------------

# Behind a TLS proxy, its X-Forwarded-Proto header says whether the request came over HTTPS: it
# counts only from the addresses (or networks) in TRUSTED_PROXIES (microblog/proxy.py), and not at
# all without them. The server's own TLS needs nothing.
try:
    TRUSTED_PROXIES = [ip_network(a, strict=False) for a in env.list("TRUSTED_PROXIES", default=[])]
except ValueError as error:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXIES must list IP addresses or networks, e.g. 10.0.0.2,10.1.0.0/16: {error}"
    ) from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A balancer probes each host directly, often over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Content Security Policy: the pages (the admin's and the debug toolbar's too) load scripts, styles
# and images only from this site, plus Gravatar's avatars; no inline script or style runs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https://www.gravatar.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Development tools (DEBUG only) ----------------------------------------------------------

# The toolbar is a development dependency: it is never installed, wired or reachable with DEBUG
# off, and a production install without it works.
DEBUG_TOOLBAR = DEBUG and env.bool("DEBUG_TOOLBAR", default=True)
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1", "::1"]
    # Its handle only, until a developer opens it: expanded, it covered a fifth of each page.
    DEBUG_TOOLBAR_CONFIG = {"SHOW_COLLAPSED": True}
