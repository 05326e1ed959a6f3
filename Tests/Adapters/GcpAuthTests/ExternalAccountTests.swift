import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing

private let stsPath = "/v1/token"
private let impersonationPath =
    "/v1/projects/-/serviceAccounts/deployer@proj-1.iam.gserviceaccount.com:generateAccessToken"
private let subjectPath = "/metadata/identity/oauth2/token"
private let audience =
    "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool-1/providers/aks"
private let stsBody =
    #"{"access_token":"sts-federated-TOKEN","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":3600}"#

@Suite("Workload identity federation (external_account)", .timeLimit(.minutes(1)))
struct ExternalAccountTests {
    let now = ManualClock.fixed()

    private func file(_ server: ScriptedServer, source: [String: Any], impersonate: Bool = false, lifetime: Int? = nil)
        -> [String: Any]
    {
        var file: [String: Any] = [
            "type": "external_account", "audience": audience,
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": server.baseURL + stsPath, "credential_source": source,
        ]
        if impersonate { file["service_account_impersonation_url"] = server.baseURL + impersonationPath }
        if let lifetime { file["service_account_impersonation"] = ["token_lifetime_seconds": lifetime] }
        return file
    }

    /// A subject token file as Kubernetes projects it.
    private func subjectTokenFile(in directory: URL, _ token: String = "eyJ.SUBJECT.sig") throws -> URL {
        let url = directory.appendingPathComponent("token")
        try token.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func aFileSourceIsExchangedAtSTSAndRereadOnEveryRequest() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let subject = try subjectTokenFile(in: directory, "eyJ.first.SUBJECT\n")
        try await withServer([stsPath: [.json(stsBody)]]) { server in
            let credential = try loadCredential(
                try writeJSON(file(server, source: ["file": subject.path]), to: directory))
            let token = try await credential.token(for: "https://www.googleapis.com/auth/compute")
            #expect(token == AccessToken(token: "sts-federated-TOKEN", expiresAt: now().addingTimeInterval(3600)))
            try "eyJ.rotated.SUBJECT".write(to: subject, atomically: true, encoding: .utf8)
            _ = try await credential.token(for: "https://www.googleapis.com/auth/compute")

            let requests = try await server.recorded()
            #expect(requests.map(\.form["subject_token"]) == ["eyJ.first.SUBJECT", "eyJ.rotated.SUBJECT"])
            #expect(
                requests.allSatisfy { $0.method == "POST" && $0.path == stsPath && $0.header("Authorization") == nil })
            #expect(
                requests.first?.form == [
                    "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "audience": audience,
                    "scope": "https://www.googleapis.com/auth/compute",
                    "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
                    "subject_token": "eyJ.first.SUBJECT", "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                ])
        }
    }

    /// A URL source (here shaped like Azure IMDS, a common federation source) with headers and a JSON format, then
    /// service-account impersonation with the STS token as bearer.
    @Test func aURLSourceThenImpersonation() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let routes: [String: [Reply]] = [
            subjectPath: [.json(#"{"access_token":"azure-SUBJECT","expires_in":"86399"}"#)],
            stsPath: [.json(stsBody)],
            impersonationPath: [
                .json(#"{"accessToken":"ya29.impersonated","expireTime":"2023-11-14T23:43:20.123456Z"}"#)
            ],
        ]
        try await withServer(routes) { server in
            let source: [String: Any] = [
                "url": server.baseURL + subjectPath + "?api-version=2018-02-01&resource=api://gcp",
                "headers": ["Metadata": "True"],
                "format": ["type": "json", "subject_token_field_name": "access_token"],
            ]
            let credential = try loadCredential(
                try writeJSON(file(server, source: source, impersonate: true, lifetime: 1800), to: directory))
            let token = try await credential.token(
                for: "https://www.googleapis.com/auth/compute https://www.googleapis.com/auth/cloud-platform")
            #expect(token.token == "ya29.impersonated")
            #expect(token.expiresAt == Date(timeIntervalSince1970: 1_700_005_400))

            let requests = try await server.recorded()
            #expect(requests.map(\.path) == [subjectPath, stsPath, impersonationPath])
            #expect(
                requests[0].method == "GET" && requests[0].header("Metadata") == "True"
                    && requests[0].query["resource"] == "api://gcp")
            #expect(requests[1].form["subject_token"] == "azure-SUBJECT")
            #expect(requests[1].form["scope"] == "https://www.googleapis.com/auth/cloud-platform")
            #expect(requests[2].method == "POST")
            #expect(requests[2].header("Authorization") == "Bearer sts-federated-TOKEN")
            #expect(requests[2].header("Content-Type") == "application/json")
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(requests[2].body.utf8)) as? [String: Any])
            #expect(body["lifetime"] as? String == "1800s")
            #expect(
                body["scope"] as? [String] == [
                    "https://www.googleapis.com/auth/compute", "https://www.googleapis.com/auth/cloud-platform",
                ])
        }
    }

    @Test func stsErrorsAreReadableAndFreeOfTheSubjectToken() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let subject = try subjectTokenFile(in: directory)
        let failure =
            #"{"error":"invalid_grant","error_description":"The audience in ID Token [eyJ.SUBJECT.sig] does not match the expected audience."}"#
        try await withServer([stsPath: [.json(failure, status: 400)]]) { server in
            let path = try writeJSON(file(server, source: ["file": subject.path]), to: directory)
            let error = try #require(
                await caught { try await loadCredential(path).token(for: "s") } as? GcpCredentialError)
            #expect(
                error
                    == .failed(
                        "ExternalAccountCredential (\(path))",
                        "STS token endpoint (token_url) \(server.baseURL)\(stsPath) answered HTTP 400: invalid_grant: The audience in ID Token [<redacted>] does not match the expected audience."
                    ))
        }
    }

    @Test func impersonationErrorsInGoogleAPIShape() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let subject = try subjectTokenFile(in: directory)
        let denied =
            #"{"error":{"code":403,"message":"Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).","status":"PERMISSION_DENIED"}}"#
        try await withServer([stsPath: [.json(stsBody)], impersonationPath: [.json(denied, status: 403)]]) { server in
            let path = try writeJSON(file(server, source: ["file": subject.path], impersonate: true), to: directory)
            let error = try #require(
                await caught { try await loadCredential(path).token(for: "s") } as? GcpCredentialError)
            #expect(
                error.reason
                    == "service account impersonation (service_account_impersonation_url) \(server.baseURL)\(impersonationPath) answered HTTP 403: "
                    + "PERMISSION_DENIED: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."
            )
            #expect(!error.description.contains("sts-federated-TOKEN"))
        }
    }

    @Test(
        "malformed answers",
        arguments: [
            (
                [stsPath: [Reply.json(#"{"access_token":"t","token_type":"Bearer"}"#)]],
                "answered without a positive expires_in"
            ),
            (
                [stsPath: [Reply.json(stsBody)], impersonationPath: [Reply.json(#"{"accessToken":"t"}"#)]],
                "answered without an RFC 3339 expireTime"
            ),
            (
                [
                    stsPath: [Reply.json(stsBody)],
                    impersonationPath: [Reply.json(#"{"accessToken":"t","expireTime":"tomorrow"}"#)],
                ], "answered without an RFC 3339 expireTime"
            ),
            (
                [stsPath: [Reply.json(stsBody)], impersonationPath: [Reply(body: "not json")]],
                "answered with a body that is not a JSON object"
            ),
        ])
    func malformedAnswers(routes: [String: [Reply]], expected: String) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let subject = try subjectTokenFile(in: directory)
        try await withServer(routes) { server in
            let path = try writeJSON(
                file(server, source: ["file": subject.path], impersonate: routes[impersonationPath] != nil),
                to: directory)
            let error = try #require(
                await caught { try await loadCredential(path).token(for: "s") } as? GcpCredentialError)
            #expect(error.kind == .failed && error.reason.hasSuffix(expected), "\(error)")
        }
    }

    @Test func subjectTokenProblemsNameTheSource() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withServer([subjectPath: [.json(#"{"token":"x"}"#)], stsPath: [.json(stsBody)]]) { server in
            let missingFile = directory.appendingPathComponent("absent").path
            let first = try loadCredential(
                try writeJSON(file(server, source: ["file": missingFile]), to: directory, name: "a.json"))
            let firstError = try #require(await caught { try await first.token(for: "s") } as? GcpCredentialError)
            #expect(
                firstError.reason.hasPrefix(
                    "cannot read the subject token file \(missingFile) (credential_source.file)"))

            let source: [String: Any] = [
                "url": server.baseURL + subjectPath,
                "format": ["type": "json", "subject_token_field_name": "access_token"],
            ]
            let second = try loadCredential(try writeJSON(file(server, source: source), to: directory, name: "b.json"))
            let secondError = try #require(await caught { try await second.token(for: "s") } as? GcpCredentialError)
            #expect(
                secondError.reason
                    == "subject token URL (credential_source.url) \(server.baseURL)\(subjectPath) has no string member \"access_token\" (subject_token_field_name)"
            )
            #expect(try await server.recorded().allSatisfy { $0.path != stsPath })
        }
    }

    @Test(
        "unsupported credential sources name the file and the kind",
        arguments: [
            (
                #"{"environment_id": "aws1", "region_url": "http://169.254.169.254/latest/meta-data/placement/availability-zone"}"#,
                "credential_source of kind aws (environment_id)"
            ),
            (
                #"{"executable": {"command": "/usr/bin/get-token", "timeout_millis": 5000}}"#,
                "credential_source of kind executable"
            ),
            ("{}", "credential_source in"),
        ])
    func unsupportedSources(source: String, expected: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try writeJSON(
            [
                "type": "external_account", "audience": audience,
                "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
                "credential_source": try JSONSerialization.jsonObject(with: Data(source.utf8)),
            ],
            to: directory)
        let error = try #require(throws: GcpCredentialError.self) { try loadCredential(path) }
        #expect(error.kind == .failed)
        #expect(error.reason.hasPrefix(expected) && error.reason.contains(path), "\(error)")
    }

    @Test func unsupportedFileTypesAreNamed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try writeJSON(
            ["type": "impersonated_service_account", "source_credentials": ["type": "authorized_user"]], to: directory)
        #expect(
            throws: GcpCredentialError.failed(
                "GOOGLE_APPLICATION_CREDENTIALS",
                "the credentials file \(path) has type \"impersonated_service_account\", which is not supported (supported: service_account, authorized_user, external_account)"
            )
        ) {
            try GcpCredentialFile.load(
                path: path, source: "GOOGLE_APPLICATION_CREDENTIALS", serviceAccountMode: .tokenEndpoint,
                transport: CurlTransport())
        }
    }
}
