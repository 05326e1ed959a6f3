/// A loopback HTTP/1.1 server playing scripted replies, for the AzureAuth and end-to-end retry
/// tests. argv[1] is a JSON file `{"routes": {"/path": [reply, ...]}}`; each request to a path
/// (query ignored) consumes the next reply, the last one repeating. A reply is
/// `{"status", "headers": [[name, value]], "body"}`, or `{"drop": true}` to close the connection
/// without answering; `"requireHeader": [name, value]` answers IMDS's 400 when the request lacks it.
/// `GET /__requests` returns every other request seen: method, path, query and form fields
/// (parsed), headers and body. The first stdout line is the port.
let scriptedServerScript = #"""
import json, os, signal, socket, sys, threading
from urllib.parse import urlsplit, parse_qsl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())

def exit_when_parent_goes_away():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)

threading.Thread(target=exit_when_parent_goes_away, daemon=True).start()

with open(sys.argv[1]) as f:
    ROUTES = json.load(f)["routes"]
LOCK = threading.Lock()
SEEN = []
NEXT = {}

class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        if parts.path == "/__requests":
            with LOCK:
                data = json.dumps(SEEN).encode()
            self.send(200, data, [("Content-Type", "application/json")])
            return
        text = body.decode("utf-8", "replace")
        form = dict(parse_qsl(text, keep_blank_values=True)) if "form-urlencoded" in (self.headers.get("Content-Type") or "") else {}
        with LOCK:
            SEEN.append({
                "method": self.command, "path": parts.path, "query": dict(parse_qsl(parts.query, keep_blank_values=True)),
                "headers": [[k, v] for k, v in self.headers.items()], "body": text, "form": form,
            })
            replies = ROUTES.get(parts.path)
            if not replies:
                reply = {"status": 404, "body": "no route"}
            else:
                index = NEXT.get(parts.path, 0)
                NEXT[parts.path] = index + 1
                reply = replies[min(index, len(replies) - 1)]
        if reply.get("drop"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        required = reply.get("requireHeader")
        if required and self.headers.get(required[0]) != required[1]:
            self.send(400, json.dumps({"error": "invalid_request", "error_description": "Required metadata header not specified"}).encode(),
                      [("Content-Type", "application/json")])
            return
        self.send(reply.get("status", 200), reply.get("body", "").encode(), [tuple(h) for h in reply.get("headers", [])])

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
