import CloudHTTP
import GcpAuth
import ProviderAPI
import Testing

@Suite("GcpEndpoints and clear-text refusal")
struct GcpEndpointsTests {
    @Test func defaults() throws {
        let endpoints = try GcpEndpoints.fromEnvironment([:])
        #expect(
            endpoints
                == GcpEndpoints(
                    compute: "https://compute.googleapis.com/compute/v1/", metadataHost: "metadata.google.internal",
                    tokenScope: "https://www.googleapis.com/auth/cloud-platform"))
        #expect(endpoints.jwtAudience == "https://compute.googleapis.com/")
    }

    @Test func environmentOverrides() throws {
        let endpoints = try GcpEndpoints.fromEnvironment([
            "GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "http://127.0.0.1:5000/compute/v1", "GCE_METADATA_HOST": "127.0.0.1:8088",
        ])
        #expect(endpoints.compute == "http://127.0.0.1:5000/compute/v1/")
        #expect(endpoints.jwtAudience == "http://127.0.0.1:5000/")
        #expect(endpoints.metadataHost == "127.0.0.1:8088")
        #expect(
            try GcpEndpoints.fromEnvironment(["GCE_METADATA_ROOT": "169.254.169.254", "GCE_METADATA_HOST": " "])
                .metadataHost == "169.254.169.254")
        #expect(
            try GcpEndpoints.fromEnvironment(["GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "http://[::1]:5000/compute/v1/"])
                .jwtAudience == "http://[::1]:5000/")
    }

    @Test(
        "refused",
        arguments: [
            ["GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "http://compute.googleapis.com/compute/v1/"],
            ["GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "http://10.0.0.7:5000/compute/v1/"],
            ["GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "http://127.0.0.1.nip.io/compute/v1/"],
            ["GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "https://compute.googleapis.com/compute/beta/"],
            ["GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "compute.googleapis.com/compute/v1/"],
            ["GCE_METADATA_HOST": "http://metadata.google.internal"],
            ["GCE_METADATA_HOST": "metadata/computeMetadata"],
        ])
    func refused(env: [String: String]) {
        #expect(throws: GcpEndpointsError.self) { try GcpEndpoints.fromEnvironment(env) }
    }

    @Test func loopbackDetection() {
        for host in ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "[::1]", "::1", "0:0:0:0:0:0:0:1"] {
            #expect(GcpEndpoints.isLoopback(host: host), "\(host)")
        }
        for host in [
            "127.0.0.1.nip.io", "128.0.0.1", "127.1", "localhost.example", "127.0.0.256", "::2",
            "metadata.google.internal",
        ] {
            #expect(!GcpEndpoints.isLoopback(host: host), "\(host)")
        }
    }

    @Test func tokenRequestsAreMarkedIdempotent() {
        let policy = RetryPolicy().retryingGcpTokenRequests()
        #expect(policy.isIdempotent(HTTPRequest(method: "POST", url: "https://oauth2.googleapis.com/token")))
        #expect(policy.isIdempotent(HTTPRequest(method: "POST", url: "https://sts.googleapis.com/v1/token?x=1")))
        #expect(
            policy.isIdempotent(
                HTTPRequest(
                    method: "POST",
                    url:
                        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken"
                )))
        #expect(
            !policy.isIdempotent(
                HTTPRequest(
                    method: "POST", url: "https://compute.googleapis.com/compute/v1/projects/p/global/firewalls")))
    }
}
