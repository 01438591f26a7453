import GitRepository
import Testing
import TandemTesting

/// libgit2 through `GitRepository`, on repositories the git CLI made.
@Suite struct GitRepositoryTests {
    @Test func resolvesRevisionsMergeBasesAndTheFilesOfACommit() async throws {
        let fixture = try await GitFixture.make()
        defer { fixture.remove() }
        let first = try await fixture.commit("first", ["stacks/a/main.tandem.yaml": "resources: {}\n", "README": "x\n"])
        try await fixture.git("checkout", "-q", "-b", "feature")
        let second = try await fixture.commit("second", ["stacks/b/main.tandem.yaml": "resources: {}\n"])
        try await fixture.git("checkout", "-q", "main")
        let third = try await fixture.commit("third on main", ["README": "y\n"])

        let repository = try GitRepository(discovering: fixture.root + "/stacks/a")
        #expect(repository.root.hasSuffix(fixture.root.split(separator: "/").last.map(String.init) ?? "?"))
        #expect(try repository.commit("HEAD").hex == third)
        #expect(try repository.commit("feature").hex == second)
        #expect(try repository.commit("feature~1").hex == first)
        #expect(try repository.commitIfPresent("no-such-branch") == nil)
        #expect(try repository.mergeBase(repository.commit("feature"), repository.commit("main"))?.hex == first)

        let secondID = try repository.commit("feature")
        #expect(try repository.files(at: secondID) == ["README", "stacks/a/main.tandem.yaml", "stacks/b/main.tandem.yaml"])
        #expect(try repository.entries(of: "stacks", at: secondID)?.map(\.name).sorted() == ["a", "b"])
        #expect(try repository.entries(of: "stacks/none", at: secondID) == nil)
        #expect(try repository.contents(of: "stacks/x/../b/./main.tandem.yaml", at: secondID).map { String(decoding: $0, as: UTF8.self) } == "resources: {}\n")
        #expect(try repository.contents(of: "README", at: repository.commit("main")).map { String(decoding: $0, as: UTF8.self) } == "y\n")
        #expect(try repository.contents(of: "stacks", at: secondID) == nil, "a directory is not a file")
        do {
            _ = try repository.commit("no-such-branch")
            Issue.record("an unknown revision resolved")
        } catch {
            #expect(error.description.contains("no-such-branch"))
        }
    }

    @Test func listsChangesWithRenamesAndTheWorkingTreesDifferences() async throws {
        let fixture = try await GitFixture.make()
        defer { fixture.remove() }
        let text = (0..<40).map { "line \($0) of a configuration that is long enough to be recognised when it moves" }.joined(separator: "\n")
        let base = try await fixture.commit("base", ["stacks/old/main.tandem.yaml": text, "modules/q/main.tandem.yaml": "a\n", "gone.txt": "g\n"])
        try await fixture.git("mv", "stacks/old", "stacks/new")
        try await fixture.git("rm", "-q", "gone.txt")
        let head = try await fixture.commit("rename", ["modules/q/main.tandem.yaml": "b\n", "added.txt": "n\n"])
        let repository = try GitRepository(discovering: fixture.root)
        let changes = try repository.changes(from: repository.commit(base), to: repository.commit(head))
        #expect(changes.contains(GitChange(oldPath: "stacks/old/main.tandem.yaml", newPath: "stacks/new/main.tandem.yaml", kind: .renamed)))
        #expect(changes.contains(GitChange(oldPath: "modules/q/main.tandem.yaml", newPath: "modules/q/main.tandem.yaml", kind: .modified)))
        #expect(changes.contains(GitChange(oldPath: nil, newPath: "added.txt", kind: .added)))
        #expect(changes.contains(GitChange(oldPath: "gone.txt", newPath: nil, kind: .deleted)))
        #expect(changes.count == 4)

        let headID = try repository.commit("HEAD")
        #expect(try repository.workingTreeChanges(against: headID, pathspecs: ["stacks/new"], untrackedCounts: { _ in true }).isEmpty)
        try fixture.write(["stacks/new/main.tandem.yaml": "edited\n", "stacks/new/state/default.json": "{}", "stacks/new/extra.tandem.yaml": "x: 1\n",
                           "modules/q/main.tandem.yaml": "c\n"])
        let dirty = try repository.workingTreeChanges(against: headID, pathspecs: ["stacks/new"], untrackedCounts: { $0.hasSuffix(".tandem.yaml") })
        #expect(dirty.sorted() == ["stacks/new/extra.tandem.yaml", "stacks/new/main.tandem.yaml"], "untracked state files do not count; the module is outside the pathspec")
        try await fixture.git("add", "modules/q/main.tandem.yaml")
        #expect(try repository.workingTreeChanges(against: headID, pathspecs: ["modules/q"], untrackedCounts: { _ in true }) == ["modules/q/main.tandem.yaml"],
                "a staged change counts")
    }
}
