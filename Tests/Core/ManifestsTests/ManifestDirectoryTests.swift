import Foundation
import Manifests
import ReconcileModel
import Testing

/// A scratch directory tree for one test, removed when the test ends.
private final class Tree {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// The absolute path of `relative`.
    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func directory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    /// `relative` becomes a symbolic link whose content is `target`, exactly as given.
    func link(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
    }

    func fifo(_ relative: String) throws {
        #expect(mkfifo(path(relative), 0o644) == 0, "mkfifo: \(String(cString: strerror(errno)))")
    }
}

extension ManifestLoad {
    /// `path relative to root: message` of every error.
    fileprivate func errors(below tree: Tree) -> [String] {
        diagnostics.filter { $0.severity == .error }.map { d in
            let file = d.location?.file ?? "-"
            let relative = file.hasPrefix(tree.root.path + "/") ? String(file.dropFirst(tree.root.path.count + 1)) : file
            return "\(relative):\(d.location?.line ?? 0):\(d.location?.column ?? 0): \(d.message)"
        }
    }
}

@Suite("A manifests directory: symbolic links followed, nothing that looks like a manifest skipped silently")
struct ManifestDirectoryTests {
    @Test("Symbolic links to a manifest file and to a directory of manifests are followed")
    func followsLinks() throws {
        let outside = try Tree()
        try outside.write("cluster.yaml", validCluster)
        try outside.write("exposures/e1.yaml", azureExposure())
        let tree = try Tree()
        try tree.link("cluster.yaml", to: outside.path("cluster.yaml"))
        try tree.link("linked", to: outside.path("exposures"))

        let result = ManifestLoader.load(directory: tree.root.path)
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.manifests.files == [tree.path("cluster.yaml"), tree.path("linked/e1.yaml")])
        #expect(result.manifests.clusters.map(\.name.value) == ["c1"])
        #expect(result.manifests.exposures.count == 1)
    }

    @Test("A dangling link and a link loop named *.yaml are errors naming the path; other broken links are ignored")
    func brokenLinks() throws {
        let tree = try Tree()
        try tree.write("cluster.yaml", validCluster)
        try tree.link("gone.yaml", to: "missing.yaml")
        try tree.link("self.yml", to: "self.yml")
        try tree.link("README.md", to: "missing.md")

        let result = ManifestLoader.load(directory: tree.root.path)
        #expect(result.errors(below: tree) == [
            "gone.yaml:1:1: dangling symbolic link: its target `missing.yaml` does not exist",
            "self.yml:1:1: symbolic link loop: following `self.yml` never reaches a file",
        ])
        #expect(result.manifests.clusters.count == 1)
    }

    @Test("A directory link loop is an error at the link, and the walk ends", .timeLimit(.minutes(1)))
    func directoryLoop() throws {
        let tree = try Tree()
        try tree.write("sub/cluster.yaml", validCluster)
        try tree.link("sub/up", to: "..")
        try tree.link("twin", to: "sub")

        let result = ManifestLoader.load(directory: tree.root.path)
        let errors = result.errors(below: tree)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("sub/up:1:1: leads to directory `\(tree.root.path)` a second time") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("twin:1:1: leads to directory `\(tree.path("sub"))` a second time") }, "\(errors)")
        #expect(result.manifests.files == [tree.path("sub/cluster.yaml")])
    }

    @Test("A FIFO and a device named *.yaml are errors and are never opened", .timeLimit(.minutes(1)))
    func specialFiles() throws {
        let tree = try Tree()
        try tree.write("cluster.yaml", validCluster)
        try tree.fifo("pipe.yaml")
        try tree.link("null.yml", to: "/dev/null")
        try tree.fifo("not-a-manifest")

        let result = ManifestLoader.load(directory: tree.root.path)
        #expect(result.errors(below: tree) == [
            "null.yml:1:1: is a character device, not a regular file; manifests must be regular files (not opened)",
            "pipe.yaml:1:1: is a FIFO (named pipe), not a regular file; manifests must be regular files (not opened)",
        ])
    }

    @Test("A FIFO given as the manifests path is an error, not a hang", .timeLimit(.minutes(1)))
    func fifoAsRoot() throws {
        let tree = try Tree()
        try tree.fifo("pipe.yaml")
        let result = ManifestLoader.load(directory: tree.path("pipe.yaml"))
        #expect(result.errors(below: tree) == [
            "pipe.yaml:1:1: is a FIFO (named pipe), not a regular file; manifests must be regular files (not opened)",
        ])
    }

    @Test(".reconcileignore skips symlinked paths and paths below a symlinked directory, without following them")
    func ignoreThroughLinks() throws {
        let outside = try Tree()
        try outside.write("broken/bad.yaml", "key: [unclosed\n")
        try outside.write("shared/e1.yaml", azureExposure())
        try outside.write("shared/draft.yaml", "key: [unclosed\n")
        let tree = try Tree()
        try tree.write("cluster.yaml", validCluster)
        try tree.write(".reconcileignore", "# skipped\nbroken/\nshared/draft.yaml\ndangling.yaml\n")
        try tree.link("broken", to: outside.path("broken"))
        try tree.link("shared", to: outside.path("shared"))
        try tree.link("dangling.yaml", to: "nowhere.yaml")

        let result = ManifestLoader.load(directory: tree.root.path)
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.manifests.files == [tree.path("cluster.yaml"), tree.path("shared/e1.yaml")])
    }

    @Test("A .reconcileignore that cannot be read is an error, not an empty list")
    func unreadableIgnoreFile() throws {
        let tree = try Tree()
        try tree.write("cluster.yaml", validCluster)
        try tree.link(".reconcileignore", to: "missing")
        let result = ManifestLoader.load(directory: tree.root.path)
        #expect(result.errors(below: tree) == [
            ".reconcileignore:1:1: dangling symbolic link: its target `missing` does not exist",
        ])
    }
}
