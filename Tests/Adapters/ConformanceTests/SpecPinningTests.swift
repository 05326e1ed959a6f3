import Foundation
import Testing
import TestSupport

/// The official artifacts in ../shared/specs/azure, pinned by sha256: a changed spec fails here first, so the
/// expectations of the conformance tests are re-read against it rather than silently drifting.
@Suite struct SpecPinningTests {
    static let pins: [String: String] = [
        "Microsoft.Network.NRP.2025-07-01.json": "2a3555b96e3e03243273a055eee0e6cdc0a1382894d495df0a605c4e8197317e",
        "Microsoft.Compute.2026-03-01.json": "50904eba0b30c42bc08322177a2d9f63c68afc028767f4e8f29f8ce018a150c4",
        "Microsoft.Resources.2025-04-01.json": "e82764d9c87e562e14f53fda9b15918d33d97df7832a0542f408ce6743c99150",
        "common-definitions.json": "5be65fcdfc43b8e5fdfca1794fe499c9e0836bbbbe55f3cc15ac03f7b6e6855f",
        "deploymentTemplate.2019-04-01.json": "272a6388df42c8c62f0ffd88b4ea3f66617f944ef7c323f5b9785086f0539a4e",
        "swagger-common-types-v5.json": "666dc086eceb697e4bdc6823f10656307b23f21ff065e5af9b8e6b585bc4feb2",
        "swagger-network-2025-05-01-network.json": "27d7b09174669aab47c5a44457e16d75fec6ef631f93bdc409fb67cf0d577c2c",
        "examples/LoadBalancerCreateStandardSku.json": "c5dbebfcde32d5917c5123d45b7191ff094ba25c62940273187fa3a47d92a8ef",
        "examples/PrivateLinkServiceCreate.json": "38b9c3ff49787c6a1b78d4bffff448e415a40ba84b843b386dc4c3a1e7d47557",
        "examples/PrivateLinkServiceListPrivateEndpointConnection.json":
            "19d4b5ad37d7745f011f7983f9f9566212db0dc04128ed149d19412619df1845",
    ]

    @Test func everyAzureSpecFileMatchesItsPin() throws {
        try ArmRequestCheck.requireSpecs()
        let files = Self.pins.keys.sorted()
        let hasher = "import hashlib, sys\nfor p in sys.argv[1:]: print(hashlib.sha256(open(p, 'rb').read()).hexdigest())"
        let run = try ArmRequestCheck.execute(
            ArmRequestCheck.python(), ["-c", hasher] + files.map { ArmRequestCheck.specs.appendingPathComponent($0).path })
        try #require(run.status == 0, "\(run)")
        let digests = run.stdout.split(separator: "\n").map(String.init)
        try #require(digests.count == files.count, "\(run)")
        for (file, digest) in zip(files, digests) {
            #expect(digest == Self.pins[file], "\(file) changed: sha256 \(digest); re-check the conformance expectations")
        }
    }
}
