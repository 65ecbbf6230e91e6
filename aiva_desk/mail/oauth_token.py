"""The secret a mail login needs: a password from the keyring, or an OAuth2 access token.

AIVA Desk does not run an OAuth2 flow itself. Like established mail clients (mutt,
aerc, msmtp) it runs a command the agent sets, such as ``oama access you@example.com``
or ``python3 mutt_oauth2.py token.file``, which prints a fresh access token. The
command is split like a shell would split it but run without a shell, so no quoting
or expansion surprises; a pipeline needs ``sh -c '…'`` written out. The token is never
logged or shown; only a failure's description is.
"""

from __future__ import annotations

import shlex
import subprocess

from aiva_desk.mail.credentials import CredentialStore
from aiva_desk.mail.errors import MissingPassword, TokenCommandFailed
from aiva_desk.store.mail_models import AuthMethod

TOKEN_TIMEOUT_SECONDS = 30.0


def _last_line(data: bytes) -> str:
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1][:200] if lines else ""


def token_from_command(command: str, *, timeout: float = TOKEN_TIMEOUT_SECONDS) -> str:
    """Run ``command`` and return the first non-empty line it prints (the access token).

    Raises :class:`TokenCommandFailed` (an :class:`AuthenticationFailed`) with one line
    saying why: no command, not found, not runnable, a non-zero exit (with the last
    line of its error output), no answer within ``timeout`` seconds, or no output.
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise TokenCommandFailed(f"The token command cannot be read ({exc}).") from None
    if not argv:
        raise TokenCommandFailed("No token command is set for this OAuth2 login.")
    try:
        done = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout)
    except FileNotFoundError:
        raise TokenCommandFailed(f"The token command “{argv[0]}” was not found.") from None
    except PermissionError:
        raise TokenCommandFailed(f"The token command “{argv[0]}” may not be run.") from None
    except subprocess.TimeoutExpired:
        raise TokenCommandFailed(
            f"The token command did not finish within {timeout:g} seconds."
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TokenCommandFailed(f"The token command could not run ({reason}).") from None
    if done.returncode != 0:
        said = _last_line(done.stderr)
        raise TokenCommandFailed(
            f"The token command failed (exit status {done.returncode})"
            + (f": {said}" if said else ".")
        )
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    raise TokenCommandFailed("The token command printed no access token.")


def login_secret(
    auth: AuthMethod,
    key: str,
    token_command: str,
    credentials: CredentialStore,
    *,
    name: str = "",
) -> str:
    """What a login sends: the keyring's password under ``key``, or a fresh OAuth2
    token from ``token_command``. Raises :class:`MissingPassword` when there is no
    password, :class:`TokenCommandFailed` when the command gives no token. ``name``
    names the account in the message."""
    if auth is AuthMethod.XOAUTH2:
        return token_from_command(token_command)
    password = credentials.get(key)
    if not password:
        whose = f"for “{name}”" if name else "for this account"
        raise MissingPassword(f"No password is saved {whose}. Enter it in Settings.")
    return password
