import Dispatch
import Foundation
import Synchronization
import XCTest

/// Replays the differential instruction vectors recorded from qemu-aarch64
/// (TestBinaries/isa/diff/vectors.txt, written by
/// TestBinaries/isa/record-diff.sh): the harness program generates random
/// instructions of one class with random input states, runs each, and
/// prints one hash per chunk of 1,000 vectors over every outcome (X0-X30,
/// SP, NZCV, FPSR, V0-V31, the memory buffer, or the signal). Under
/// swift-qemu-lite it must print exactly what it printed under qemu.
///
/// A debug build runs the first chunks of every class
/// (`SWIFT_QEMU_LITE_DIFF_CHUNKS`, default 3, so 132,000 vectors); .ci/run
/// replays all of them (`SWIFT_QEMU_LITE_DIFF_CHUNKS=all`) with the release
/// build. The chunks are seeded independently, so a prefix is a valid test.
final class DifferentialTests: XCTestCase {
    /// Classes the emulator does not pass yet: recorded, but not replayed.
    /// Remove a name when its work lands.
    /// Every class runs now. (ext-jscvt's generator keeps FPCR.FZ clear for
    /// a denormal FJCVTZS input, where qemu 7.2 sets Z against the Arm ARM.)
    static let pending: Set<String> = []

    static let defaultChunks = 3

    static let diffDirectory = Paths.testBinaries.appendingPathComponent("isa/diff")
    static let harness = diffDirectory.appendingPathComponent("bin/diffharness")
    static let fixture = diffDirectory.appendingPathComponent("vectors.txt")

    /// One class's recorded run: `run CLASS SEED COUNT` and its chunk lines.
    struct Run {
        var name: String
        var seed: String
        var count: Int
        var lines: [String] = []
    }

    static func loadRuns() throws -> [Run] {
        guard let data = try? Data(contentsOf: fixture) else {
            throw HarnessError("cannot read \(fixture.path); run TestBinaries/isa/record-diff.sh")
        }
        var runs: [Run] = []
        for line in Compare.lines(data) where !line.isEmpty && !line.hasPrefix("#") {
            let parts = line.split(separator: " ").map(String.init)
            if parts.first == "run" {
                guard parts.count == 4, let count = Int(parts[3]) else {
                    throw HarnessError("\(fixture.path): bad line \(line.debugDescription)")
                }
                runs.append(Run(name: parts[1], seed: parts[2], count: count))
            } else {
                guard !runs.isEmpty, parts.first == runs[runs.count - 1].name else {
                    throw HarnessError("\(fixture.path): line outside its class: \(line.debugDescription)")
                }
                runs[runs.count - 1].lines.append(line)
            }
        }
        return runs
    }

    /// How many chunks of each class to replay; nil for all.
    static func chunkLimit() -> Int? {
        let text = ProcessInfo.processInfo.environment["SWIFT_QEMU_LITE_DIFF_CHUNKS"] ?? ""
        if text == "all" { return nil }
        if let n = Int(text), n > 0 { return n }
        return defaultChunks
    }

    static func environment() -> [String: String] {
        var env = ["LC_ALL": "C", "PATH": "/usr/bin:/bin"]
        if let core = ProcessInfo.processInfo.environment["SWIFT_QEMU_LITE_CORE"] {
            env["SWIFT_QEMU_LITE_CORE"] = core
        }
        return env
    }

    override func setUpWithError() throws {
        try skipIfRequested()
    }

    /// The fixture records every class the harness knows, at least
    /// 1,000,000 vectors of implemented classes, 1,000 per chunk line.
    func testFixtureCoversEveryClass() throws {
        let runs = try Self.loadRuns()
        let listed = try Runner.run(try Paths.executable(), arguments: [Self.harness.path, "--list", "all"],
                                    environment: Self.environment())
        XCTAssertEqual(listed.status, .exit(0), "diffharness --list all: \(Compare.excerpt(listed.stderr))")
        let classes = Compare.lines(listed.stdout).filter { !$0.isEmpty }
        XCTAssertFalse(classes.isEmpty)
        XCTAssertEqual(Set(runs.map(\.name)), Set(classes), "classes recorded vs classes of the harness")
        XCTAssertEqual(Self.pending.subtracting(classes), [], "pending classes the harness does not have")
        var total = 0
        for run in runs {
            XCTAssertEqual(run.lines.count, (run.count + 999) / 1000, "\(run.name): chunk lines")
            if !Self.pending.contains(run.name) { total += run.count }
        }
        XCTAssertGreaterThanOrEqual(total, 1_000_000, "recorded vectors of implemented classes")
    }

    func testRecordedVectors() throws {
        let runs = try Self.loadRuns().filter { !Self.pending.contains($0.name) }
        XCTAssertFalse(runs.isEmpty)
        let executable = try Paths.executable()
        let limit = Self.chunkLimit()
        let environment = Self.environment()
        let failures = Mutex<[String]>([])
        let vectors = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            let run = runs[i]
            let chunks = min(run.lines.count, limit ?? run.lines.count)
            let count = min(run.count, chunks * 1000)
            let expected = run.lines.prefix(chunks).joined(separator: "\n") + "\n"
            do {
                let result = try Runner.run(executable, arguments: [Self.harness.path, run.name, run.seed, String(count)],
                                            environment: environment)
                let got = String(decoding: result.stdout, as: UTF8.self)
                if result.status != .exit(0) || got != expected {
                    failures.withLock { $0.append(Self.describe(run, count: count, expected: expected, got: got, result: result)) }
                }
            } catch {
                failures.withLock { $0.append("\(run.name): \(error)") }
            }
            vectors.withLock { $0 += count }
        }
        for failure in failures.withLock({ $0 }).sorted() {
            XCTFail(failure)
        }
        print("DifferentialTests: \(vectors.withLock { $0 }) vectors in \(runs.count) classes, \(failures.withLock { $0.count }) failing classes")
    }

    /// The first differing chunk and how to find the vector.
    static func describe(_ run: Run, count: Int, expected: String, got: String, result: RunResult) -> String {
        let e = expected.split(separator: "\n").map(String.init)
        let g = got.split(separator: "\n").map(String.init)
        var chunk = 0
        while chunk < e.count && chunk < g.count && e[chunk] == g[chunk] { chunk += 1 }
        let diffharness = "TestBinaries/isa/diff/bin/diffharness"
        return """
            \(run.name): chunk \(chunk) differs from qemu (\(result.status)):
              expected: \(Compare.show(chunk < e.count ? e[chunk] : nil))
              actual:   \(Compare.show(chunk < g.count ? g[chunk] : nil))
              stderr:   \(Compare.excerpt(result.stderr, lines: 3))
              find the vector: diff <(qemu-aarch64 -cpu max \(diffharness) -v \(chunk) \(run.name) \(run.seed) \(count)) \
            <(swift-qemu-lite \(diffharness) -v \(chunk) \(run.name) \(run.seed) \(count))
            """
    }
}
