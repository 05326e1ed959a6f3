import Foundation

/// A new lowercase UUID, as ARM writes `resourceGuid`, `vmId` and etags (`compact`: without dashes).
func newGUID(compact: Bool = false) -> String {
    let text = UUID().uuidString.lowercased()
    return compact ? text.replacingOccurrences(of: "-", with: "") : text
}
