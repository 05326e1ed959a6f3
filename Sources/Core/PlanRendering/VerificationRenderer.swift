import Foundation
public import ReconcileModel

/// `reconcile verify`'s reports as text (the runbooks' tool output, then a verdict per broker) or JSON.
public enum VerificationRenderer {
    public static func json(_ reports: [VerificationReport]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(reports)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func text(_ report: VerificationReport) -> String {
        var out = "Cluster \(report.cluster)\n"
        for service in report.services {
            out += "\n\(service.kind ?? "Service") \(service.address)\(service.problem.map { ": \($0)" } ?? "")\n"
            for note in service.notes { out += "  \(note)\n" }
        }
        for section in report.sections {
            out += "\n\(section.listener) (bootstrap \(section.bootstrap))\n"
            for line in section.lines { out += "\(line.node) -> \(line.result)\n" }
        }
        out += "\nVerdict:\n"
        for service in report.services where service.problem != nil {
            out += "  \(service.address): FAILED\n    - \(service.problem!)\n"
        }
        for verdict in report.verdicts {
            out += "  broker \(verdict.broker): \(verdict.ok ? "OK" : "FAILED")\n"
            for finding in verdict.findings { out += "    - \(finding)\n" }
        }
        out += report.ok ? "All brokers match the manifests.\n" : "Some brokers do not match the manifests.\n"
        return out
    }
}
