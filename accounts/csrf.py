"""CSRF secrets as Django makes them, drawn from one read of the OS's random source.

Django draws each character of a CSRF secret with secrets.choice: one read of os.urandom per
character, 64 for a new visitor's sign-in page (its secret and the mask that hides it in the
form), a tenth of /login's time (bench.profile). new_csrf_string draws the same thing, 32
characters each uniform over CSRF_ALLOWED_CHARS, from one read.
"""

import secrets

from django.middleware import csrf

# Bytes from REJECT up are dropped, so that the rest fall evenly on the allowed characters.
REJECT = 256 - 256 % len(csrf.CSRF_ALLOWED_CHARS)


def new_csrf_string():
    chars = csrf.CSRF_ALLOWED_CHARS
    drawn = []
    while len(drawn) < csrf.CSRF_SECRET_LENGTH:
        # 40 bytes hold 32 accepted ones but about once in 300,000 secrets: then it reads again.
        drawn += [chars[byte % len(chars)] for byte in secrets.token_bytes(40) if byte < REJECT]
    return "".join(drawn[: csrf.CSRF_SECRET_LENGTH])


def install():
    """Make Django's CSRF middleware (its tokens, masks and rotation) draw with new_csrf_string."""
    csrf._get_new_csrf_string = new_csrf_string
