import Dispatch
import Foundation
import Synchronization
import XCTest

/// The quick mode of the random-instruction-word fuzzer: replays
/// TestBinaries/isa/diff/words.txt (TestBinaries/isa/record-words.sh),
/// random 32-bit words (uniform, and biased into every encoding group)
/// that the differential harness ran under `qemu-aarch64 -cpu MODEL` for
/// each CPU model. Under `swift-qemu-lite -cpu MODEL` every chunk of
/// 1,000 words must hash the same: the same signal (SIGILL where the model
/// lacks the feature) or the same registers, flags and memory. The long
/// mode, with qemu, is TestBinaries/isa/fuzz-words.sh N.
final class WordFuzzTests: XCTestCase {
    static let fixture = DifferentialTests.diffDirectory.appendingPathComponent("words.txt")

    struct Run {
        var name: String, seed: String, count: Int, cpu: String
        var lines: [String] = []
    }

    static func loadRuns() throws -> [Run] {
        guard let data = try? Data(contentsOf: fixture) else {
            throw HarnessError("cannot read \(fixture.path); run TestBinaries/isa/record-words.sh")
        }
        var runs: [Run] = []
        for line in Compare.lines(data) where !line.isEmpty && !line.hasPrefix("#") {
            let parts = line.split(separator: " ").map(String.init)
            if parts.first == "run" {
                guard parts.count == 5, let count = Int(parts[3]) else {
                    throw HarnessError("\(fixture.path): bad line \(line.debugDescription)")
                }
                runs.append(Run(name: parts[1], seed: parts[2], count: count, cpu: parts[4]))
            } else {
                guard !runs.isEmpty, parts.first == runs[runs.count - 1].name else {
                    throw HarnessError("\(fixture.path): line outside its run: \(line.debugDescription)")
                }
                runs[runs.count - 1].lines.append(line)
            }
        }
        return runs
    }

    override func setUpWithError() throws {
        try skipIfRequested()
    }

    /// Every model and both fuzz classes are recorded, at least 20,000 words.
    func testFixtureCoversEveryModel() throws {
        let runs = try Self.loadRuns()
        XCTAssertEqual(Set(runs.map(\.cpu)), ["cortex-a53", "cortex-a57", "cortex-a72", "max"])
        XCTAssertEqual(Set(runs.map(\.name)), ["fuzz-uniform", "fuzz-biased"])
        for run in runs { XCTAssertEqual(run.lines.count, (run.count + 999) / 1000, "\(run.cpu) \(run.name)") }
        XCTAssertGreaterThanOrEqual(runs.reduce(0) { $0 + $1.count }, 20_000)
    }

    func testRecordedWords() throws {
        let runs = try Self.loadRuns()
        XCTAssertFalse(runs.isEmpty)
        let executable = try Paths.executable()
        let environment = DifferentialTests.environment()
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            let run = runs[i]
            let expected = run.lines.joined(separator: "\n") + "\n"
            do {
                let result = try Runner.run(executable, arguments: ["-cpu", run.cpu, DifferentialTests.harness.path,
                                                                    run.name, run.seed, String(run.count)],
                                            environment: environment)
                let got = String(decoding: result.stdout, as: UTF8.self)
                if result.status != .exit(0) || got != expected {
                    let e = expected.split(separator: "\n"), g = got.split(separator: "\n")
                    var chunk = 0
                    while chunk < e.count && chunk < g.count && e[chunk] == g[chunk] { chunk += 1 }
                    failures.withLock {
                        $0.append("""
                            -cpu \(run.cpu) \(run.name): chunk \(chunk) differs from qemu (\(result.status)):
                              expected: \(chunk < e.count ? String(e[chunk]) : "-")
                              actual:   \(chunk < g.count ? String(g[chunk]) : "-")
                              stderr:   \(Compare.excerpt(result.stderr, lines: 3))
                              find the words: TestBinaries/isa/fuzz-words.sh --seed \(run.seed) --cpu \(run.cpu) \(run.count)
                            """)
                    }
                }
            } catch {
                failures.withLock { $0.append("\(run.cpu) \(run.name): \(error)") }
            }
        }
        for failure in failures.withLock({ $0 }).sorted() { XCTFail(failure) }
    }
}
