import CCurl
import ProviderAPI

/// One request/response exchange on one easy handle, run synchronously on a transfer thread.
///
/// The instance is the per-request context handed to libcurl's callbacks (write, header,
/// xferinfo) as an unretained `Unmanaged` pointer; it is kept alive for the whole
/// `curl_easy_perform` call and is only touched by the thread running it.
final class Transfer {
    private let limit: Int
    private let cancellation: CancellationFlag
    private var headers: [(String, String)] = []
    private var body: [UInt8] = []
    private var exceededLimit = false

    private init(limit: Int, cancellation: CancellationFlag) {
        self.limit = max(0, limit)
        self.cancellation = cancellation
    }

    /// Performs `request` on `handle` (which the caller owns exclusively) and blocks until done.
    static func run(
        _ request: HTTPRequest,
        on handle: EasyHandle,
        configuration: CurlTransport.Configuration,
        proxy: CurlTransport.ResolvedProxy,
        cancellation: CancellationFlag
    ) -> Result<HTTPResponse, HTTPTransportError> {
        if cancellation.isCancelled { return .failure(.cancelled) }
        let transfer = Transfer(limit: configuration.maxResponseBytes, cancellation: cancellation)
        do throws(HTTPTransportError) {
            return .success(try transfer.perform(request, on: handle, configuration: configuration, proxy: proxy))
        } catch {
            return .failure(error)
        }
    }

    private func perform(
        _ request: HTTPRequest,
        on handle: EasyHandle,
        configuration: CurlTransport.Configuration,
        proxy: CurlTransport.ResolvedProxy
    ) throws(HTTPTransportError) -> HTTPResponse {
        let plan = try RequestPlan(request)

        // Lists and body buffer must outlive curl_easy_perform (libcurl does not copy them).
        var headerList: UnsafeMutablePointer<curl_slist>?
        var resolveList: UnsafeMutablePointer<curl_slist>?
        var bodyBuffer: UnsafeMutableRawBufferPointer?
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(resolveList)
            bodyBuffer?.deallocate()
        }
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
        let code = withExtendedLifetime(self) { handle.perform() }

        guard code == CURLE_OK else {
            throw HTTPTransportError.fromCurl(
                code,
                detail: handle.errorDetail,
                cancelled: cancellation.isCancelled,
                exceededLimit: exceededLimit,
                limit: limit
            )
        }
        return HTTPResponse(status: handle.responseCode(), headers: headers, body: body)
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

    // MARK: Callbacks (transfer thread only)

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
