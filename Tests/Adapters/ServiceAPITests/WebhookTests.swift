import Foundation
import ServiceAPI
import Testing

@Suite("Webhook receivers: signatures as GitHub, GitLab and Flux's generic-hmac send them; rate limits")
struct WebhookTests {
    let body = Array(#"{"ref":"refs/heads/main","after":"8f1c2a"}"#.utf8)
    let secret = "s3cret-s3cret-s3cret"

    @Test("GitHub: X-Hub-Signature-256 over the exact body; a wrong, missing or other-body signature is rejected; ping asks for nothing")
    func github() {
        let hook = WebhookReceiver(name: "gh", kind: .github, secret: secret)
        // The reference value, from `printf '%s' BODY | openssl dgst -sha256 -hmac SECRET`.
        let good = "sha256=" + WebhookReceiver.hmac(body, secret: secret)
        #expect(hook.verify(headers: ["X-Hub-Signature-256": good, "X-GitHub-Event": "push"], body: body) == .trigger)
        #expect(hook.verify(headers: ["x-hub-signature-256": good.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256=")], body: body) == .trigger,
                "header names are case-insensitive, hex digits too")
        #expect(hook.verify(headers: ["X-Hub-Signature-256": good, "X-GitHub-Event": "ping"], body: body) == .ignore("GitHub ping"))
        guard case .reject = hook.verify(headers: ["X-Hub-Signature-256": good], body: body + [0x20]) else { Issue.record("another body"); return }
        guard case .reject = hook.verify(headers: ["X-Hub-Signature": "sha1=00"], body: body) else { Issue.record("missing"); return }
        guard case .reject = hook.verify(headers: ["X-Hub-Signature-256": "sha256=" + WebhookReceiver.hmac(body, secret: "other")], body: body) else {
            Issue.record("another secret"); return
        }
    }

    @Test("GitLab: X-Gitlab-Token equal to the secret; generic: X-Signature sha256=<hmac>")
    func gitlabAndGeneric() {
        let gitlab = WebhookReceiver(name: "gl", kind: .gitlab, secret: secret)
        #expect(gitlab.verify(headers: ["X-Gitlab-Token": secret], body: body) == .trigger)
        guard case .reject = gitlab.verify(headers: ["X-Gitlab-Token": secret + "x"], body: body) else { Issue.record("wrong token"); return }
        let generic = WebhookReceiver(name: "ci", kind: .generic, secret: secret)
        #expect(generic.verify(headers: ["X-Signature": "sha256=" + WebhookReceiver.hmac(body, secret: secret)], body: body) == .trigger)
        guard case .reject = generic.verify(headers: ["X-Hub-Signature-256": "sha256=" + WebhookReceiver.hmac(body, secret: secret)], body: body) else {
            Issue.record("the generic receiver reads X-Signature only"); return
        }
    }

    @Test("The path is derived from name and secret: unguessable from the name, different per secret, stable")
    func paths() {
        let a = WebhookReceiver(name: "gh", kind: .github, secret: secret)
        let b = WebhookReceiver(name: "gh", kind: .github, secret: secret + "2")
        #expect(a.id.count == 64 && a.id.allSatisfy(\.isHexDigit))
        #expect(a.id != b.id)
        #expect(a.id == WebhookReceiver(name: "gh", kind: .gitlab, secret: secret).id)
        #expect(a.path == "/hook/\(a.id)")
    }

    @Test("--webhook KIND:NAME:SECRET_FILE is parsed; a short secret or an unknown kind is refused")
    func parsing() throws {
        let hook = try WebhookReceiver.parse("github:main:/run/hook") { path in
            #expect(path == "/run/hook")
            return "  \(secret)\n"
        }
        #expect(hook == WebhookReceiver(name: "main", kind: .github, secret: secret))
        #expect(throws: ServiceAPIError.self) { try WebhookReceiver.parse("github:main:/f") { _ in "short" } }
        #expect(throws: ServiceAPIError.self) { try WebhookReceiver.parse("bitbucket:main:/f") { _ in secret } }
        #expect(throws: ServiceAPIError.self) { try WebhookReceiver.parse("github:/f") { _ in secret } }
    }

    @Test("Rate limit: a burst, then one token per refill interval, per key")
    func rateLimit() {
        var limiter = RateLimiter(burst: 3, perMinute: 6)  // a token every 10 s
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<3 { #expect(limiter.take("a", at: t0) == nil) }
        let wait = limiter.take("a", at: t0)
        #expect(wait.map { abs($0 - 10) < 0.001 } == true, "\(String(describing: wait))")
        #expect(limiter.take("b", at: t0) == nil, "another hook has its own bucket")
        #expect(limiter.take("a", at: t0.addingTimeInterval(5)) != nil)
        #expect(limiter.take("a", at: t0.addingTimeInterval(10)) == nil)
        #expect(limiter.take("a", at: t0.addingTimeInterval(10)) != nil)
    }
}
