"""A real IMAP server for the inbound-mail tests and benchmark: Dovecot on 127.0.0.1.

Each server is its own Dovecot (``dovecot -F -c <folder>/dovecot.conf``) with every
directory in a temporary folder: IMAP with STARTTLS and IMAPS on free ports, a certificate
from a ``trustme`` CA the client trusts, any user with one password, Maildirs, IDLE, and
OAuth2 (XOAUTH2/OAUTHBEARER) checked against a small token-introspection HTTP server
started beside it. It runs as the current user (as root, Dovecot's internal and login
users are root too), is ready once it greets a connection, and is stopped by its PID.

The tests' fixtures are in ``imap_fixtures.py``; the benchmark starts a server here too.
"""

from __future__ import annotations

import dataclasses
import grp
import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import trustme

from tests.helpers.ports import free_port

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "desk@example.org", "imap-Pässword-7"
TOKEN_PREFIX = "ya29.token-for-"  # the introspection accepts these tokens, for that user
READY_SECONDS = 20.0
SUBS = ("tmp", "new", "cur")


def dovecot_program() -> str | None:
    return shutil.which("dovecot") or (DOVECOT if Path(DOVECOT).exists() else None)


class _Introspection(BaseHTTPRequestHandler):
    """RFC 7662 token introspection: a token from :func:`token_for` is active for its user,
    anything else is not."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        token = (form.get("token") or [""])[0]
        if not token:  # Dovecot may send it as a bearer header instead
            token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        user = token.removeprefix(TOKEN_PREFIX)
        body = {"active": True, "username": user} if user != token else {"active": False}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def token_for(user: str) -> str:
    """An OAuth2 access token the server accepts for ``user``."""
    return TOKEN_PREFIX + user


@dataclass
class ImapServer:
    root: Path
    imap_port: int
    imaps_port: int
    ca: trustme.CA
    process: subprocess.Popen
    oauth: ThreadingHTTPServer
    host: str = "127.0.0.1"
    user: str = USER  # any user logs in with PASSWORD; each has a Maildir of its own
    stopped: bool = field(default=False)

    def as_user(self, user: str) -> ImapServer:
        """This server, its methods acting for ``user`` (a mailbox no other test sees)."""
        return dataclasses.replace(self, user=user)

    @property
    def maildir(self) -> Path:
        return self.root / "mail" / self.user

    def client_tls(self) -> ssl.SSLContext:
        """A client context that trusts this server's CA (and nothing else)."""
        context = ssl.create_default_context(cafile=None, capath=None, cadata=None)
        context.load_verify_locations(cadata=self.ca.cert_pem.bytes().decode())
        return context

    def client(self, *, login: bool = True):
        """An IMAPClient logged in as the user over IMAPS (to arrange a test's mailbox)."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, self.imaps_port, ssl=True, ssl_context=self.client_tls())
        if login:
            client.plain_login(self.user, PASSWORD)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Deliver ``messages`` by IMAP APPEND, in order."""
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)

    def deliver(self, raw: bytes, name: str) -> Path:
        """Drop a message into the INBOX's Maildir as a delivery agent would."""
        for folder in (self.maildir.parent, self.maildir, *(self.maildir / s for s in SUBS)):
            if not folder.exists():
                folder.mkdir()
                _own(folder)
        unique = f"{time.time_ns()}.{name}.{socket.gethostname()}"
        tmp = self.maildir / "tmp" / unique
        tmp.write_bytes(raw)
        _own(tmp)
        target = self.maildir / "new" / unique
        tmp.rename(target)
        return target

    def renumber(self, folder: str) -> int:
        """Give ``folder`` a new UIDVALIDITY, as a server migration does: delete it and
        create it again with the same messages (a new folder). Returns the new value."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search("ALL"), ["BODY.PEEK[]"])
            messages = [fetched[uid][b"BODY[]"] for uid in sorted(fetched)]
            client.unselect_folder()
            client.delete_folder(folder)
            client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)
            return client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"]

    def messages(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """UID → flags of every message in ``folder``."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search("ALL"), ["FLAGS"])
            return {uid: data[b"FLAGS"] for uid, data in fetched.items()}

    def session_pids(self) -> list[int]:
        """The PIDs of the imap processes serving this user's sessions now (one per
        logged-in connection; their titles name the user, ``verbose_proctitle``)."""
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
                cmdline = (status.parent / "cmdline").read_bytes()
            except OSError:
                continue
            ppid = next((ln.split()[1] for ln in text.splitlines() if ln.startswith("PPid:")), "")
            title = cmdline.replace(b"\0", b" ")
            if (
                ppid == str(self.process.pid)
                and title.startswith(b"dovecot/imap ")
                and (f"[{self.user} ".encode() in title)
            ):
                found.append(int(status.parent.name))
        return found

    def kill_sessions(self) -> int:
        """Kill the processes serving this user's connections (a server crash or a
        dropped connection, as the client sees it); how many there were."""
        pids = self.session_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return len(pids)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.oauth.shutdown()
        self.oauth.server_close()
        shutil.rmtree(self.root, ignore_errors=True)


def _mail_owner() -> tuple[int, int]:
    """Who owns the Maildirs: the current user, or (as root) Dovecot's own user."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


def _own(path: Path) -> None:
    uid, gid = _mail_owner()
    if os.getuid() == 0:
        os.chown(path, uid, gid)


def _config(root: Path, imap_port: int, imaps_port: int, oauth_port: int) -> str:
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    login_user, uid, gid = user, os.getuid(), os.getgid()
    if os.getuid() == 0:  # Dovecot runs neither its login processes nor mail as root
        user, group, login_user = "dovecot", "dovecot", "dovenull"
        uid, gid = _mail_owner()
    (root / "oauth2.conf").write_text(
        f"introspection_url = http://127.0.0.1:{oauth_port}/introspect\n"
        "introspection_mode = post\n"
        "username_attribute = username\n"
        "active_attribute = active\n"
        "active_value = true\n"
    )
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
verbose_proctitle = yes
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # no growing delay after a refused login (the tests refuse some on purpose)
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth-worker {{
  user = {user}
}}
service stats {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def _log_tail(server: ImapServer) -> str:
    text = ""
    for name in ("stderr.log", "dovecot.log"):
        log = server.root / name
        text += log.read_text(errors="replace") if log.exists() else ""
    return text[-2000:]


def _wait_until_ready(server: ImapServer) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise RuntimeError(f"dovecot exited ({code}): {_log_tail(server)}")
        try:
            with socket.create_connection((server.host, server.imap_port), timeout=1) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"dovecot did not accept connections in time: {_log_tail(server)}")
        threading.Event().wait(0.02)  # polling a port that is not open yet


def start_server(ca: trustme.CA | None = None) -> ImapServer:
    """A new Dovecot in its own temporary folder; raise RuntimeError if it won't start."""
    program = dovecot_program()
    if program is None:
        raise FileNotFoundError("dovecot is not installed (Debian: dovecot-imapd)")
    ca = ca or trustme.CA()
    root = Path(tempfile.mkdtemp(prefix="aiva-imap-"))
    root.chmod(0o755)
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    _own(root / "mail")
    _own(root / "home")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_pem.write_to_path(str(root / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
    oauth = ThreadingHTTPServer(("127.0.0.1", 0), _Introspection)
    threading.Thread(target=oauth.serve_forever, daemon=True).start()
    imap_port, imaps_port = free_port(), free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, imap_port, imaps_port, oauth.server_address[1]))
    process = subprocess.Popen(
        [program, "-F", "-c", str(conf)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(root / "stderr.log").open("wb"),
    )
    server = ImapServer(root, imap_port, imaps_port, ca, process, oauth)
    try:
        _wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server
