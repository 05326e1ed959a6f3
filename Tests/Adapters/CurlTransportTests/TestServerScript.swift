/// A tiny HTTP/1.1 (optionally TLS) server for the CurlTransport tests. It prints its port on the
/// first stdout line. Handlers: echo (default), /slow, /big, /bigstream, /gzip, /gzipbomb,
/// /deflate, /truncated, /status/NNN, /drop, /headers, /early-hints. A request in absolute form
/// (`GET http://host/path`, as sent to a proxy) is echoed with that absolute URL as its path,
/// so the server doubles as a stand-in HTTP proxy.
let testServerScript = #"""
import gzip, json, os, signal, socket, ssl, sys, threading, time, zlib

# Children of the Swift test process inherit its blocked-signal mask (SIGTERM included): unblock.
signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())

def exit_when_parent_goes_away():
    # stdin is a pipe held by the test process; EOF means it stopped us or died.
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)

threading.Thread(target=exit_when_parent_goes_away, daemon=True).start()
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GZIP_TEXT = b"hello gzip " * 1000

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients aborting (timeouts, cancellation, response caps) are expected in these tests.
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        try:
            self.route()
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = handle_any

    def route(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path
        if path == "/slow":
            # Long enough that no test's cancellation can race the answer, even on a loaded CI
            # machine; the tests that use it either time out or cancel (daemon threads, so the
            # server still exits at once).
            time.sleep(60)
            self.reply(200, b"slow")
        elif path == "/big":
            self.reply(200, b"x" * (2 * 1024 * 1024))
        elif path == "/bigstream":
            # No Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(32):
                self.wfile.write(b"y" * 65536)
            self.close_connection = True
        elif path == "/gzip":
            self.reply(200, gzip.compress(GZIP_TEXT), [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")])
        elif path == "/deflate":
            self.reply(200, zlib.compress(GZIP_TEXT), [("Content-Type", "text/plain"), ("Content-Encoding", "deflate")])
        elif path == "/truncated":
            # Promises more than it sends, then closes.
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"partial")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/gzipbomb":
            self.reply(200, gzip.compress(b"\0" * (2 * 1024 * 1024)), [("Content-Encoding", "gzip")])
        elif path.startswith("/status/"):
            code = int(path[len("/status/"):])
            headers = [("Retry-After", "7")]
            if 300 <= code < 400:
                headers.append(("Location", "/echo"))
            self.reply(code, b"status %d" % code, headers)
        elif path == "/drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/headers":
            self.reply(200, b"", [("X-Zeta", "1"), ("x-alpha", "2"), ("X-Zeta", "3"), ("X-Spaced", "  padded value  ")])
        elif path == "/early-hints":
            self.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
            self.reply(200, b"final", [("X-Final", "yes")])
        else:
            echo = {
                "method": self.command,
                "path": path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("latin-1"),
                "clientPort": self.client_address[1],
            }
            self.reply(200, json.dumps(echo).encode(), [("Content-Type", "application/json")])

server = Server(("127.0.0.1", 0), Handler)
if len(sys.argv) == 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
