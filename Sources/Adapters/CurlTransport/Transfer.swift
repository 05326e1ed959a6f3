import CCurl
import ProviderAPI

/// One request/response exchange on one easy handle.
///
/// The instance is the per-request context handed to libcurl's callbacks (write, header, xferinfo) as an
/// unretained `Unmanaged` pointer, and owns what libcurl reads without copying (header lists, the request body):
/// the ``MultiDriver`` job keeps it alive until the transfer completes. It is configured by the caller, then only
/// touched by the driver's thread (callbacks, ``response(_:)``).
final class Transfer {
    private let limit: Int
    private let cancellation: CancellationFlag
    private let handle: EasyHandle
    private var headers: [(String, String)] = []
    private var body: [UInt8] = []
    private var exceededLimit = false
    // Must outlive the transfer (libcurl does not copy them).
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private var bodyBuffer: UnsafeMutableRawBufferPointer?

    /// Sets every option of `request` on `handle` (which the caller owns exclusively); the handle is then ready to
    /// be added to a multi handle.
    init(
        _ request: HTTPRequest,
        on handle: EasyHandle,
        configuration: CurlTransport.Configuration,
        proxy: CurlTransport.ResolvedProxy,
        cancellation: CancellationFlag
    ) throws(HTTPTransportError) {
        self.limit = max(0, configuration.maxResponseBytes)
        self.cancellation = cancellation
        self.handle = handle
        try configure(request, configuration: configuration, proxy: proxy)
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
        bodyBuffer?.deallocate()
    }

    /// The outcome of the transfer, once libcurl finished it with `code`.
    func response(_ code: CURLcode) -> Result<HTTPResponse, HTTPTransportError> {
        guard code == CURLE_OK else {
            return .failure(HTTPTransportError.fromCurl(
                code,
                detail: handle.errorDetail,
                cancelled: cancellation.isCancelled,
                exceededLimit: exceededLimit,
                limit: limit
            ))
        }
        return .success(HTTPResponse(status: handle.responseCode(), headers: headers, body: body))
    }

    private func configure(
        _ request: HTTPRequest,
        configuration: CurlTransport.Configuration,
        proxy: CurlTransport.ResolvedProxy
    ) throws(HTTPTransportError) {
        let plan = try RequestPlan(request)
        headerList = try Self.makeList(plan.headerLines)
        resolveList = try Self.makeList(configuration.resolve)

        try handle.attachErrorBuffer()
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_FOLLOWLOCATION, false)
        try handle.set(CURLOPT_NOSIGNAL, true)
        try handle.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl can decode
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)  // never disabled
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)  // never disabled
        if let certificate = configuration.clientCertificate {
            try handle.set(CURLOPT_SSLCERT, certificate)
        }
        if let key = configuration.clientKey {
            try handle.set(CURLOPT_SSLKEY, key)
        }
        if let caInfo = configuration.caInfo {
            try handle.set(CURLOPT_CAINFO, caInfo)
        }
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, RequestPlan.milliseconds(configuration.connectTimeout))
        try handle.set(CURLOPT_TIMEOUT_MS, RequestPlan.milliseconds(request.timeout))
        try handle.set(CURLOPT_TCP_KEEPALIVE, true)
        try handle.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, true)
        try handle.set(CURLOPT_USERAGENT, configuration.userAgent)
        // Both always set, so libcurl never consults the environment on its own ("" = direct).
        try handle.set(CURLOPT_PROXY, proxy.proxy(for: request.url) ?? "")
        try handle.set(CURLOPT_NOPROXY, proxy.noProxy)
        try handle.set(CURLOPT_HTTPHEADER, list: headerList)
        if resolveList != nil {
            try handle.set(CURLOPT_RESOLVE, list: resolveList)
        }
        // Early rejection when Content-Length already exceeds the cap; the write callback
        // enforces it for chunked or compressed bodies.
        try handle.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(limit))

        switch plan.mode {
        case .head:
            try handle.set(CURLOPT_NOBODY, true)
        case .noBody:
            try handle.set(CURLOPT_HTTPGET, true)
            if plan.method != "GET" {
                try handle.set(CURLOPT_CUSTOMREQUEST, plan.method)
            }
        case .withBody:
            let bytes = request.body ?? []
            // Never a null pointer: with POSTFIELDS unset libcurl would read the body from stdin.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            bodyBuffer = buffer
            buffer.copyBytes(from: bytes)
            try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(bytes.count))
            try handle.set(CURLOPT_POSTFIELDS, pointer: buffer.baseAddress)
            if plan.method != "POST" {
                try handle.set(CURLOPT_CUSTOMREQUEST, plan.method)
            }
        }

        try installCallbacks(on: handle)
    }

    private func installCallbacks(on handle: EasyHandle) throws(HTTPTransportError) {
        let context = Unmanaged.passUnretained(self).toOpaque()

        try handle.check(
            ccurl_setopt_write_callback(handle.raw, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            },
            CURLOPT_WRITEFUNCTION
        )
        try handle.set(CURLOPT_WRITEDATA, pointer: context)

        try handle.check(
            ccurl_setopt_header_callback(handle.raw) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            },
            CURLOPT_HEADERFUNCTION
        )
        try handle.set(CURLOPT_HEADERDATA, pointer: context)

        try handle.set(CURLOPT_NOPROGRESS, false)
        try handle.check(
            ccurl_setopt_xferinfo_callback(handle.raw) { context, _, _, _, _ in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.cancellation.isCancelled ? 1 : 0
            },
            CURLOPT_XFERINFOFUNCTION
        )
        try handle.set(CURLOPT_XFERINFODATA, pointer: context)
    }

    // MARK: Callbacks (the driver's thread only)

    /// Returns the number of bytes consumed; anything else (0) makes libcurl abort the transfer.
    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard chunk.count <= limit - body.count else {
            exceededLimit = true
            return 0
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// libcurl delivers exactly one complete header line per call, including status lines and
    /// the blank line ending each header block.
    private func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) -> Int {
        let line = String(decoding: raw, as: UTF8.self).trimmingTrailingNewlines()
        if line.hasPrefix("HTTP/") {
            // A new status line (after 1xx, 100-continue, a proxy CONNECT or an auth round):
            // only the final response's headers are kept.
            headers.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == " " || first == "\t" {
            // Obsolete line folding: continuation of the previous header's value.
            if !headers.isEmpty {
                headers[headers.count - 1].1 += " " + line.trimmingHorizontalSpace()
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).trimmingHorizontalSpace()
            let value = String(line[line.index(after: colon)...]).trimmingHorizontalSpace()
            if !name.isEmpty {
                headers.append((name, value))
            }
        }
        return raw.count
    }

    private static func makeList(_ lines: [String]) throws(HTTPTransportError) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let extended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .other("curl_slist_append failed")
            }
            list = extended
        }
        return list
    }
}

extension String {
    func trimmingHorizontalSpace() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
