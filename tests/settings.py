"""The test suite runs the site as production does (DEBUG off, no toolbar), with its own log dir.

DATABASE_URL still comes from the real environment, so the same suite runs on PostgreSQL.
"""

import os
import tempfile

os.environ["DEBUG"] = "off"
os.environ["SECRET_KEY"] = "tests-only-secret-key-not-for-production"
os.environ["LOG_DIR"] = tempfile.mkdtemp(prefix="microblog-test-logs-")
os.environ["ADMINS"] = "admin@example.com"

from microblog.settings import *  # noqa: E402, F403

# Tests need no deliberately slow password hashing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files are tested through collectstatic and whitenoise in the server tests.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the finders, as runserver does, instead of a collected STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
# One process: a local-memory cache, emptied before each test (see conftest.py).
CACHES["default"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "KEY_PREFIX": RELEASE,  # noqa: F405
}
