/// A loopback HTTP/1.1 server playing scripted replies for the GcpAuth tests (adapted from AzureAuthTests').
/// argv[1] is a JSON file `{"routes": {"/path": [reply, ...]}}`; each request to a path (query ignored) takes the
/// next reply, the last one repeating. A reply is `{"status", "headers": [[name, value]], "body"}`, plus
/// `"requireHeader": [name, value]`, which answers 403 as the GCE metadata server does when the request lacks it, and
/// `"echo": true`, which answers 400 `{"error": "invalid_grant", "error_description": …}` repeating every form value
/// (decoded), the Authorization header and any other body: a careless service that echoes secrets. `"delayMs": n`
/// holds the answer that long (so that concurrent callers pile up).
/// `GET /__requests` returns every other request seen: method, path, query and form fields (parsed), headers and
/// body. The first stdout line is the port; the server exits when its stdin closes.
let scriptedServerScript = #"""
    import json, os, signal, sys, threading, time
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
            self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            text = (self.rfile.read(length) if length else b"").decode("utf-8", "replace")
            parts = urlsplit(self.path)
            if parts.path == "/__requests":
                with LOCK:
                    self.reply(200, json.dumps(SEEN).encode(), [("Content-Type", "application/json")])
                return
            form = dict(parse_qsl(text, keep_blank_values=True)) if "form-urlencoded" in (self.headers.get("Content-Type") or "") else {}
            with LOCK:
                SEEN.append({
                    "method": self.command, "path": parts.path, "query": dict(parse_qsl(parts.query, keep_blank_values=True)),
                    "headers": [[k, v] for k, v in self.headers.items()], "body": text, "form": form,
                })
                replies = ROUTES.get(parts.path) or [{"status": 404, "body": "no route"}]
                index = NEXT.get(parts.path, 0)
                NEXT[parts.path] = index + 1
                reply = replies[min(index, len(replies) - 1)]
            time.sleep(reply.get("delayMs", 0) / 1000)
            required = reply.get("requireHeader")
            if required and self.headers.get(required[0]) != required[1]:
                self.reply(403, b"Missing Metadata-Flavor:Google header.", [("Content-Type", "text/html")])
                return
            if reply.get("echo"):
                echoed = list(form.values()) + [self.headers.get("Authorization") or ""] + ([] if form else [text])
                body = json.dumps({"error": "invalid_grant", "error_description": "received " + " ".join(echoed)}).encode()
                self.reply(400, body, [("Content-Type", "application/json")])
                return
            self.reply(reply.get("status", 200), reply.get("body", "").encode(), [tuple(h) for h in reply.get("headers", [])])

        do_GET = do_POST = handle_any

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
