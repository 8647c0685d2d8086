import Foundation
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Locations

/// Files of the repository and the built command line tool, found from
/// this source file and from the running test bundle.
enum Paths {
    /// The repository root: this file is Tests/IntegrationTests/Harness.swift.
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let testBinaries = repository.appendingPathComponent("TestBinaries")
    static let bin = testBinaries.appendingPathComponent("bin")
    static let expected = testBinaries.appendingPathComponent("expected")
    /// The arm64 libraries of the dynamically linked programs (make-sysroot.sh).
    static let sysroot = testBinaries.appendingPathComponent("sysroot")

    static let executableName = "swift-qemu-lite"

    /// The `swift-qemu-lite` executable of the same build as the tests.
    ///
    /// SwiftPM puts the test bundle (`swift-qemu-litePackageTests.xctest`, a
    /// file on Linux, a directory on macOS) and the executable in the same
    /// `.build/<triple>/<config>` directory, so walk up from the bundle.
    /// `SWIFT_QEMU_LITE_EXECUTABLE` overrides the search.
    static func executable() throws -> URL {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["SWIFT_QEMU_LITE_EXECUTABLE"], !override.isEmpty {
            guard fm.isExecutableFile(atPath: override) else {
                throw HarnessError("SWIFT_QEMU_LITE_EXECUTABLE=\(override) is not an executable file")
            }
            return URL(fileURLWithPath: override)
        }
        var starts: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL)
        }
        if let exe = Bundle.main.executableURL {
            starts.append(exe)
        }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        var tried: [String] = []
        for start in starts {
            var dir = start.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent(executableName)
                tried.append(candidate.path)
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw HarnessError("""
            cannot find the \(executableName) executable next to the test bundle; \
            build it first (`swift build`) or set SWIFT_QEMU_LITE_EXECUTABLE. Looked at: \
            \(tried.joined(separator: ", "))
            """)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Running the emulator

/// How a child process ended, in the terms the recorded `.status` files use.
enum Status: Equatable, CustomStringConvertible {
    case exit(Int32)
    case signal(Int32)

    /// Parses "exit N" or "signal N".
    init?(recorded text: String) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 2, let n = Int32(parts[1]) else { return nil }
        switch parts[0] {
        case "exit": self = .exit(n)
        case "signal": self = .signal(n)
        default: return nil
        }
    }

    var description: String {
        switch self {
        case .exit(let n): return "exit \(n)"
        case .signal(let n): return "signal \(n)"
        }
    }
}

struct RunResult {
    var status: Status
    var stdout: Data
    var stderr: Data
}

enum Runner {
    /// Guest programs that finish in well under a second on qemu; a debug
    /// build of an interpreter is far slower, but not this slow.
    /// SWIFT_QEMU_LITE_TIMEOUT (seconds) overrides it.
    static let timeout: TimeInterval = {
        if let text = ProcessInfo.processInfo.environment["SWIFT_QEMU_LITE_TIMEOUT"],
           let seconds = TimeInterval(text), seconds > 0 {
            return seconds
        }
        return 120
    }()

    /// Core dumps off, as record.sh runs qemu: a guest that dies by SIGSEGV
    /// or SIGABRT must not leave a core file of the emulator behind.
    static let coreDumpsOff: Void = {
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0 {
            limit.rlim_cur = 0
            _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        }
    }()

    /// Runs `swift-qemu-lite` with `arguments` and exactly `environment`, in
    /// a fresh empty directory as cwd, stdin from /dev/null. Output goes to
    /// files rather than pipes, so a chatty child can never block on a full
    /// pipe while the parent waits for it.
    /// After this many timeouts the remaining cases fail without running:
    /// an emulator that hangs on everything must not hold CI for an hour.
    static let maxTimeouts = 2
    private static let timeoutCount = Mutex(0)

    static func run(_ executable: URL, arguments: [String], environment: [String: String],
                    timeout: TimeInterval = Runner.timeout) throws -> RunResult {
        _ = coreDumpsOff
        if timeoutCount.withLock({ $0 }) >= maxTimeouts {
            throw HarnessError("not run: \(maxTimeouts) earlier runs timed out")
        }
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("sql-it-\(UUID().uuidString)")
        let cwd = work.appendingPathComponent("cwd")
        try fm.createDirectory(at: cwd, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        let outURL = work.appendingPathComponent("stdout")
        let errURL = work.appendingPathComponent("stderr")
        guard fm.createFile(atPath: outURL.path, contents: nil),
              fm.createFile(atPath: errURL.path, contents: nil) else {
            throw HarnessError("cannot create output files in \(work.path)")
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = cwd
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            // Foundation reports the end only once every copy of its status
            // socket is closed, and a surviving grandchild may hold one:
            // give up waiting after a while.
            _ = done.wait(timeout: .now() + 10)
            timeoutCount.withLock { $0 += 1 }
            try? out.close()
            try? err.close()
            throw HarnessError("timed out after \(Int(timeout)) s and was killed: \(arguments.joined(separator: " "))")
        }
        try? out.close()
        try? err.close()
        let status: Status = process.terminationReason == .uncaughtSignal
            ? .signal(process.terminationStatus) : .exit(process.terminationStatus)
        return RunResult(status: status,
                         stdout: (try? Data(contentsOf: outURL)) ?? Data(),
                         stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }
}

// MARK: - Comparing

enum Compare {
    /// nil when equal; otherwise where the two first differ, by line.
    static func firstDifference(expected: Data, actual: Data) -> String? {
        if expected == actual { return nil }
        let e = lines(expected), a = lines(actual)
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? e[i] : nil
            let al = i < a.count ? a[i] : nil
            if el != al {
                return """
                    first difference at line \(i + 1) (expected \(expected.count) bytes, got \(actual.count)):
                      expected: \(show(el))
                      actual:   \(show(al))
                    """
            }
        }
        // Same lines, different bytes: only the final newline can differ.
        return "outputs differ only in the final newline (expected \(expected.count) bytes, got \(actual.count))"
    }

    static func lines(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func show(_ line: String?) -> String {
        guard let line else { return "<no line>" }
        let limit = 300
        let quoted = line.debugDescription
        return quoted.count > limit ? String(quoted.prefix(limit)) + "..." : quoted
    }

    /// The first lines of a stream, for failure messages.
    static func excerpt(_ data: Data, lines count: Int = 5) -> String {
        let text = lines(data).prefix(count).map { show($0) }.joined(separator: "\n    ")
        return data.isEmpty ? "<empty>" : text
    }
}
