#!/usr/bin/env python3
"""Test servers for goabi image docker:// (127.0.0.1 only; stopped by the tests).

usage:
  regfront.py front PORTFILE BACKEND LOG [--user U:P] [--anonymous] [--scoped]
      A Bearer-token front for the registry at BACKEND (http://127.0.0.1:N),
      behaving as public registries do: every /v2/ request without a valid
      token gets 401 + WWW-Authenticate: Bearer realm=.../token,service,scope
      (scope repository:REPO:pull, registry:catalog:* for /v2/_catalog);
      GET /token hands out tokens (anonymously with --anonymous, else only
      for Basic U:P) for the scopes asked; with --scoped a token opens only
      the requests of its scopes (as Distribution's token auth: another
      repository or the catalog is challenged again); manifests, tag lists
      and the catalog are proxied (query and Link header passed); blobs
      answer 307 to a second port (another origin), which refuses any
      request carrying Authorization (that would leak the registry's token)
      and serves the blob otherwise.
      Writes "FRONTPORT BLOBPORT" to PORTFILE, one line per event to LOG:
      "token anonymous SCOPE...", "token user U SCOPE...", "token refused",
      "leak PATH", "blob PATH", "manifest PATH", "denied PATH" (--scoped:
      a token without the request's scope).
  regfront.py stall PORTFILE
      Accepts connections, reads the request and never answers.
  regfront.py flaky PORTFILE BACKEND N
      Proxies to BACKEND but answers the first N requests with 503.
  regfront.py ratelimit PORTFILE LOG
      Answers every request 429 with Retry-After: 1; one line per request
      ("429 TIME PATH") in LOG.
"""
import base64
import http.client
import http.server
import json
import os
import secrets
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

MODE = sys.argv[1]
PORTFILE = sys.argv[2]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def backend_get(backend, path, headers):
    u = urllib.parse.urlparse(backend)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {k: v for k, v in headers.items() if k.lower() in ("accept",)}
    c.request("GET", path, headers=h)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheaders(), body


def log(line):
    with open(LOG, "a") as f:
        f.write(line + "\n")


if MODE == "front":
    BACKEND, LOG = sys.argv[3], sys.argv[4]
    USER = None
    ANON = "--anonymous" in sys.argv
    SCOPED = "--scoped" in sys.argv
    if "--user" in sys.argv:
        USER = sys.argv[sys.argv.index("--user") + 1]
    TOKENS = {}  # token -> the scopes granted
    state = {}

    class Blob(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            path = urllib.parse.urlparse(self.path).path
            if self.headers.get("Authorization"):
                log("leak " + path)
                self.send_response(400)
                self.end_headers()
                return
            log("blob " + path)
            st, hdrs, body = backend_get(BACKEND, path.replace("/cdn", "", 1), {})
            self.send_response(st)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self.wfile.write(body)

    class Front(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def challenge(self, scope):
            self.send_response(401)
            realm = "http://127.0.0.1:%d/token" % self.server.server_address[1]
            v = 'Bearer realm="%s",service="goabi-test"' % realm
            if scope:
                v += ',scope="%s"' % scope
            self.send_header("WWW-Authenticate", v)
            body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            u = urllib.parse.urlparse(self.path)
            if u.path == "/token":
                q = urllib.parse.parse_qs(u.query)
                auth = self.headers.get("Authorization", "")
                who = None
                if auth.startswith("Basic "):
                    up = base64.b64decode(auth[6:]).decode()
                    if USER and up == USER:
                        who = "user " + up.split(":")[0]
                    else:
                        log("token refused")
                        self.send_response(401)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                elif ANON:
                    who = "anonymous"
                else:
                    log("token refused")
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                scopes = [x for v in q.get("scope", []) for x in v.split(" ")]
                if q.get("service") != ["goabi-test"] or not scopes or \
                        not all(x.startswith("repository:") or x == "registry:catalog:*" for x in scopes):
                    self.send_response(400)
                    self.end_headers()
                    return
                t = secrets.token_hex(16)
                TOKENS[t] = set(scopes)
                log("token " + who + " " + " ".join(scopes))
                body = json.dumps({"token": t, "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            auth = self.headers.get("Authorization", "")
            parts = u.path.split("/")
            scope = ""
            if len(parts) > 4 and parts[1] == "v2":
                repo = "/".join(parts[2:-2])
                scope = "repository:%s:pull" % repo
            elif u.path == "/v2/_catalog":
                scope = "registry:catalog:*"
            if not (auth.startswith("Bearer ") and auth[7:] in TOKENS):
                self.challenge(scope if u.path != "/v2/" else "")
                return
            if SCOPED and scope and scope not in TOKENS[auth[7:]]:
                log("denied " + u.path)
                self.challenge(scope)
                return
            if "/blobs/" in u.path:
                bp = self.server.blobport
                self.send_response(307)
                self.send_header("Location", "http://127.0.0.1:%d/cdn%s?sig=x" % (bp, u.path))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            log("manifest " + u.path)
            st, hdrs, body = backend_get(BACKEND, u.path + ("?" + u.query if u.query else ""), dict(self.headers))
            self.send_response(st)
            for k, v in hdrs:
                if k.lower() in ("content-type", "docker-content-digest", "link"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    blob = Server(("127.0.0.1", 0), Blob)
    front = Server(("127.0.0.1", 0), Front)
    front.blobport = blob.server_address[1]
    threading.Thread(target=blob.serve_forever, daemon=True).start()
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d %d\n" % (front.server_address[1], blob.server_address[1]))
    os.rename(PORTFILE + ".tmp", PORTFILE)
    front.serve_forever()

elif MODE == "stall":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(PORTFILE + ".tmp", PORTFILE)
    held = []
    deadline = time.time() + 600  # stops by itself
    s.settimeout(1)
    while time.time() < deadline:
        try:
            c, _ = s.accept()
            c.recv(65536)
            held.append(c)
        except socket.timeout:
            pass

elif MODE == "flaky":
    BACKEND, N = sys.argv[3], int(sys.argv[4])
    count = {"n": 0}
    lock = threading.Lock()

    class Flaky(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            with lock:
                count["n"] += 1
                n = count["n"]
            if n <= N:
                self.send_response(503 if n % 2 else 429)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            st, hdrs, body = backend_get(BACKEND, self.path, dict(self.headers))
            self.send_response(st)
            for k, v in hdrs:
                if k.lower() in ("content-type", "docker-content-digest", "www-authenticate"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = Server(("127.0.0.1", 0), Flaky)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()

elif MODE == "ratelimit":
    LOG = sys.argv[3]

    class Limited(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            log("429 %.3f %s" % (time.time(), self.path))
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()

    srv = Server(("127.0.0.1", 0), Limited)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()
