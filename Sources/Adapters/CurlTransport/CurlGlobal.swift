import CCurl
import ProviderAPI
import Synchronization

/// Process-wide libcurl initialisation.
///
/// `curl_global_init` is not thread-safe and must run exactly once before any other libcurl
/// call. A Swift `static let` is initialised lazily and exactly once (guarded by `swift_once`),
/// which gives us that guarantee. `curl_global_cleanup` is deliberately never called: handles may
/// outlive any particular transport and the process exits anyway.
enum CurlGlobal {
    private static let initResult: Int32 = Int32(bitPattern: curl_global_init(CCURL_GLOBAL_DEFAULT).rawValue)

    /// Forces initialisation without checking the result (used from non-throwing initialisers).
    static func touch() {
        _ = initResult
    }

    static func ensureInitialized() throws(HTTPTransportError) {
        let code = initResult
        guard code == Int32(bitPattern: CURLE_OK.rawValue) else {
            let text = String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(bitPattern: code))))
            throw .other("curl_global_init failed (\(code)): \(text)")
        }
    }
}

/// Set from the task-cancellation handler, polled by libcurl's progress callback on the transfer
/// thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
