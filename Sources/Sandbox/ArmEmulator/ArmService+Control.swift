import Foundation
import Synchronization

/// The emulator's own endpoints (no auth, never faulted, not logged):
/// `POST /_emulator/faults` (a ``FaultPlan`` as JSON; replaces the plan), `GET /_emulator/faults`,
/// `GET /_emulator/requests` (the log as a JSON array), `POST /_emulator/reset` (clears faults),
/// `GET /_emulator/forwarding` (the current forwards and bind failures).
extension ArmService {
    func control(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path.lowercased()
        switch (request.method, path) {
        case ("POST", "/_emulator/faults"):
            do {
                let plan = try JSONDecoder().decode(FaultPlan.self, from: Data(request.body))
                faults.withLock { $0 = plan }
                return .json(200, try JSON.parse(Array(try JSONEncoder().encode(plan))))
            } catch {
                return .json(400, ["error": ["code": "InvalidFaultPlan", "message": .string("\(error)")]])
            }
        case ("GET", "/_emulator/faults"):
            let plan = faults.withLock { $0 }
            return .json(200, (try? JSON.parse(Array((try? JSONEncoder().encode(plan)) ?? Data()))) ?? .null)
        case ("GET", "/_emulator/requests"):
            return .json(200, .array(log.all.map(\.json)))
        case ("POST", "/_emulator/reset"):
            faults.withLock { $0 = FaultPlan() }
            return HTTPResponse(status: 204)
        case ("GET", "/_emulator/forwarding"):
            let failures = forwardingFailures
            return .json(
                200,
                .array(
                    forwards.map { forward in
                        [
                            "rule": .string(forward.rule), "listen": .string("\(forward.listenHost):\(forward.listenPort)"),
                            "target": forward.targetHost.map { .string("\($0):\(forward.targetPort)") } ?? .null,
                            "error": failures[forward].map(JSON.string) ?? .null,
                        ]
                    }))
        default:
            return .json(404, ["error": ["code": "NotFound", "message": .string("No emulator endpoint \(request.method) \(request.path).")]])
        }
    }
}
