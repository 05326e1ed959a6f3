import CCurl
import ProviderAPI

/// Owns one libcurl easy handle (`CURL*`) and its error buffer.
///
/// `@unchecked Sendable` because this is the C boundary: libcurl allows an easy handle to be used
/// from any thread, but only by one thread at a time. That confinement is enforced by
/// ``HandlePool`` and ``MultiDriver``: a handle is idle inside the pool (guarded by the pool's mutex),
/// or checked out to one request that configures it and hands it to the driver, whose thread alone
/// touches it until the transfer completes and it goes back to the pool.
final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER` storage; must stay valid as long as the option is set.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        CurlGlobal.touch()
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        self.errorBuffer = .allocate(capacity: Int(CCURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CCURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Clears every option (but keeps the connection and DNS caches, so connections are reused).
    func reset() {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
    }

    /// Attaches and clears the error buffer; call before every perform (reset detaches it).
    func attachErrorBuffer() throws(HTTPTransportError) {
        errorBuffer[0] = 0
        try check(ccurl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
    }

    /// The detail libcurl wrote for the last failure, if any.
    var errorDetail: String {
        errorBuffer[Int(CCURL_ERROR_SIZE)] = 0
        return String(cString: errorBuffer).trimmingTrailingNewlines()
    }

    // MARK: Typed setopt / getinfo

    func set(_ option: CURLoption, _ value: Int) throws(HTTPTransportError) {
        try check(ccurl_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(HTTPTransportError) {
        try set(option, value ? 1 : 0)
    }

    /// libcurl copies string options (everything except `CURLOPT_POSTFIELDS`), so a temporary
    /// C string is fine here.
    func set(_ option: CURLoption, _ value: String) throws(HTTPTransportError) {
        try check(ccurl_setopt_string(raw, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(HTTPTransportError) {
        try check(ccurl_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(HTTPTransportError) {
        try check(ccurl_setopt_pointer(raw, option, value), option)
    }

    /// The list is not copied: it must stay alive until the transfer has finished.
    func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(HTTPTransportError) {
        try check(ccurl_setopt_slist(raw, option, value), option)
    }

    func responseCode() -> Int {
        var code = 0
        guard ccurl_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK else { return 0 }
        return code
    }

    func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPTransportError) {
        guard code == CURLE_OK else {
            throw .other("curl_easy_setopt(\(option.rawValue)) failed: \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s.removeLast() }
        return String(s)
    }
}
