import Foundation

/// TEST DOUBLE: a minimal ARM over real HTTP on loopback (a Python process), so the provider is exercised through
/// libcurl end to end: bearer check, api-version check, PUT -> 201 + absolute `Azure-AsyncOperation` (InProgress
/// once, then Succeeded), DELETE -> 202 + `Location`, 404 envelopes. The ARM emulator will supersede it.
final class LoopbackARM {
    let port: Int
    private let process: Process
    /// Held open for the server's lifetime: it exits when this closes, even if the test process dies.
    private let stdin = Pipe()

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, StaticTokenProvider.token]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableLine(), as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw LoopbackFailure(description: "the loopback ARM did not start (python3 needed): \(line)")
        }
        self.port = port
    }

    /// Stops the server and waits for it.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    struct LoopbackFailure: Error, CustomStringConvertible { var description: String }

    static let script = #"""
import json, os, signal, sys, threading
# The parent may have blocked SIGTERM (inherited mask): unblock it, and also exit when the parent's pipe closes.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT]); signal.signal(signal.SIGTERM, signal.SIG_DFL)
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlsplit, parse_qs
TOKEN = sys.argv[1]
resources, ops, lock = {}, {}, threading.Lock()
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, status, body=None, headers=()):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", "loop-%d" % status)
        for k, v in headers: self.send_header(k, v)
        self.end_headers(); self.wfile.write(data)
    def error(self, status, code, msg): self.reply(status, {"error": {"code": code, "message": msg}})
    def route(self):
        if self.headers.get("Authorization") != "Bearer " + TOKEN: return self.error(401, "InvalidAuthenticationToken", "bad token")
        url = urlsplit(self.path); path = url.path; key = path.lower(); base = "http://127.0.0.1:%d" % self.server.server_port
        with lock:
            if key.startswith("/operations/"):
                op = ops[key]; op["polls"] += 1
                if op["kind"] == "put":
                    if op["polls"] < 2: return self.reply(200, {"status": "InProgress"}, [("Retry-After", "0")])
                    resources[op["key"]]["properties"]["provisioningState"] = "Succeeded"
                    return self.reply(200, {"status": "Succeeded"})
                if op["polls"] < 2: return self.reply(202, None, [("Retry-After", "0")])
                resources.pop(op["key"], None)
                return self.reply(204)
            if "api-version" not in parse_qs(url.query): return self.error(400, "MissingApiVersionParameter", "no api-version")
            if self.command == "GET":
                if key not in resources: return self.error(404, "ResourceNotFound", "not found")
                return self.reply(200, resources[key])
            if self.command == "PUT":
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                props = body.setdefault("properties", {}); props["provisioningState"] = "Updating"
                body.update({"id": path, "name": path.rsplit("/", 1)[-1], "etag": "W/\"1\""})
                created = key not in resources; resources[key] = body
                op = "/operations/%d" % (len(ops) + 1); ops[op] = {"key": key, "kind": "put", "polls": 0}
                return self.reply(201 if created else 200, body, [("Azure-AsyncOperation", base + op), ("Retry-After", "0")])
            if self.command == "DELETE":
                if key not in resources: return self.reply(204)
                op = "/operations/%d" % (len(ops) + 1); ops[op] = {"key": key, "kind": "delete", "polls": 0}
                return self.reply(202, None, [("Location", base + op), ("Retry-After", "0")])
        self.error(405, "MethodNotAllowed", self.command)
    do_GET = do_PUT = do_DELETE = route
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(server.server_port, flush=True)
server.serve_forever()
"""#
}

extension FileHandle {
    /// Bytes up to the first newline (blocking).
    func availableLine() -> [UInt8] {
        var line: [UInt8] = []
        while let byte = try? read(upToCount: 1), let b = byte.first, b != 10 { line.append(b) }
        return line
    }
}
