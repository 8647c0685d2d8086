import ELF
import Foundation
import GuestMemory
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The ELF mutation fuzzer, as whole processes: a sample of the mutated
/// programs of `MalformedTests.testMutationFuzz` (same mutator, same seed)
/// run under the emulator with a timeout. A case fails when the emulator
/// hangs (unless qemu-aarch64 hangs on the same file: the guest itself
/// loops), dies by a signal without the guest's "uncaught target signal"
/// line (a host crash), prints a Swift runtime error, or when the outcome
/// disagrees with the in-process loader: a file the loader refuses must
/// give exactly one line and exit status 1, a file it loads must run.
/// ELF_FUZZ_PROCESSES (default 50), ELF_FUZZ_SEED, ELF_FUZZ_JOBS (2) and
/// ELF_FUZZ_TIMEOUT (seconds, 30) change the run (TestBinaries/fuzz-elf.sh);
/// ELF_FUZZ_CASE=I replays case I alone and keeps its file.
final class ELFFuzzProcessTests: XCTestCase {
    func testMutationFuzzProcesses() throws {
        try skipIfRequested()
        let env = ProcessInfo.processInfo.environment
        let count = env["ELF_FUZZ_PROCESSES"].flatMap { Int($0) } ?? 50
        let seed = env["ELF_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5eed_e1f
        let jobs = max(1, env["ELF_FUZZ_JOBS"].flatMap { Int($0) } ?? 2)
        let timeout = env["ELF_FUZZ_TIMEOUT"].flatMap { Double($0) } ?? 30
        let exe = try Paths.executable()
        let elf = Paths.testBinaries.appendingPathComponent("elf")
        let programs = [elf.appendingPathComponent("tiny"), elf.appendingPathComponent("tiny-pie"),
                        elf.appendingPathComponent("tiny-dyn"), Paths.bin.appendingPathComponent("hello.musl-O2"),
                        Paths.bin.appendingPathComponent("hello.glibc-dyn"), Paths.bin.appendingPathComponent("hello.glibc-O2")]
        let originals = try programs.map { [UInt8](try Data(contentsOf: $0)) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("elf-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        var environment = try RecordedCase.environment()
        environment["SWIFT_QEMU_LITE_DEFAULT_SYSROOT"] = ""
        // ELF_FUZZ_CASE=I replays case I alone, leaving it in $TMPDIR/elf-fuzz-case-I.
        if let only = env["ELF_FUZZ_CASE"].flatMap({ Int($0) }) {
            let (bytes, what) = ELFMutator.mutate(originals[only % originals.count], seed: seed, index: only)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("elf-fuzz-case-\(only)").path
            FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o755])
            let outcome = Self.classify(exe: exe, path: path, environment: environment, timeout: timeout,
                                        predictedError: Self.predict(path: path))
            print("ELF fuzz: case \(only) (\(what.joined(separator: ", "))) written to \(path): \(outcome.kind)")
            if let why = outcome.failure { XCTFail(why) }
            return
        }
        let tally = Mutex([String: Int]())
        let failures = Mutex([String]())
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            var j = job
            while j < count {
                defer { j += jobs }
                // Spread the sample over the in-process cases (same mutations).
                let index = (j &* 397) % 1_000_000
                let original = index % originals.count
                let (bytes, what) = ELFMutator.mutate(originals[original], seed: seed, index: index)
                let path = scratch.appendingPathComponent("case-\(index)").path
                FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o755])
                defer { unlink(path) }
                let predicted = Self.predict(path: path)
                let name = "case \(index) of seed \(seed) (\(programs[original].lastPathComponent): \(what.joined(separator: ", ")))"
                let outcome = Self.classify(exe: exe, path: path, environment: environment, timeout: timeout,
                                            predictedError: predicted)
                tally.withLock { $0[outcome.kind, default: 0] += 1 }
                if let why = outcome.failure { failures.withLock { $0.append("\(name): \(why)") } }
            }
        }
        let counts = tally.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("ELF fuzz (processes): \(count) cases, seed \(seed): \(counts); "
              + String(format: "%.1f s", Date().timeIntervalSince(started)))
        for f in failures.withLock({ $0 }) { XCTFail(f) }
    }

    /// The in-process loader's verdict: nil when the program loads.
    static func predict(path: String) -> ELFError? {
        do {
            let image = try ELFImage.read(path: path)
            var interp: (image: ELFImage, name: String)? = nil
            if let i = image.interpreterPath {
                let found = try ELFLoader.findInterpreter(i, sysroot: Array(Paths.sysroot.path.utf8), defaultSysroot: nil) { $0 + $1 }
                interp = (found.image, String(decoding: found.path, as: UTF8.self))
            }
            let mem = try AddressSpace()
            _ = try ELFLoader.load(image: image, name: path, interpreter: interp, into: mem)
            return nil
        } catch let e as ELFError {
            return e
        } catch {
            return .unreadable("\(error)")
        }
    }

    struct Outcome {
        var kind: String
        var failure: String?
    }

    static func classify(exe: URL, path: String, environment: [String: String], timeout: Double,
                         predictedError: ELFError?) -> Outcome {
        let args = ["-L", Paths.sysroot.path, path]
        guard let r = run(exe, args, environment: environment, timeout: timeout), !r.timedOut else {
            // A hang is the emulator's unless qemu hangs on the same file.
            let qemu = URL(fileURLWithPath: "/usr/bin/qemu-aarch64")
            if FileManager.default.isExecutableFile(atPath: qemu.path),
               run(qemu, args, environment: environment, timeout: timeout)?.timedOut ?? false {
                return Outcome(kind: "guest hang (qemu too)")
            }
            // qemu may refuse a file Linux runs (it checks the program's
            // PT_GNU_PROPERTY, Linux the interpreter's). A program the loader
            // loaded that makes system calls before the timeout is running:
            // the loop is the guest's (e.g. a moved entry point).
            if predictedError == nil,
               let traced = run(exe, ["-strace"] + args, environment: environment, timeout: min(timeout, 10)),
               String(decoding: traced.stderr, as: UTF8.self).contains(" = ") {
                return Outcome(kind: "guest loop (loaded, made syscalls)")
            }
            return Outcome(kind: "hang", failure: "no end after \(Int(timeout)) s (qemu-aarch64 ends)")
        }
        let stderr = String(decoding: r.stderr, as: UTF8.self)
        if stderr.contains("Fatal error") || stderr.contains("Stack dump") {
            return Outcome(kind: "crash", failure: "Swift runtime error: \(stderr.prefix(400).debugDescription)")
        }
        let loadError = stderr.hasPrefix("swift-qemu-lite: \(path): ")
        switch r.status {
        case .signal(let sig):
            guard stderr.contains("uncaught target signal \(sig) ") else {
                return Outcome(kind: "crash", failure: "killed by host signal \(sig); stderr \(stderr.prefix(400).debugDescription)")
            }
            if let e = predictedError {
                return Outcome(kind: "guest signal", failure: "the loader refuses it (\(e)) but it ran and died by signal \(sig)")
            }
            return Outcome(kind: "guest signal")
        case .exit(let code):
            if loadError {
                let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).count - 1
                if code != 1 || lines != 1 || !r.stdout.isEmpty {
                    return Outcome(kind: "load error", failure: "load error with status \(code), \(lines) lines: \(stderr.debugDescription)")
                }
                if predictedError == nil {
                    return Outcome(kind: "load error", failure: "the loader loads it in process but the emulator says \(stderr.debugDescription)")
                }
                return Outcome(kind: "load error")
            }
            if let e = predictedError {
                return Outcome(kind: "guest exit", failure: "the loader refuses it (\(e)) but it ran: exit \(code), stderr \(stderr.prefix(300).debugDescription)")
            }
            return Outcome(kind: "guest exit")
        }
    }

    struct Result {
        var timedOut = false
        var status: Status
        var stdout: Data
        var stderr: Data
    }

    /// Runs with stdin from /dev/null, output to files; after `timeout` the
    /// process is killed and the result says so. nil when it cannot start.
    static func run(_ exe: URL, _ args: [String], environment: [String: String], timeout: Double) -> Result? {
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("elf-fuzz-run-\(UUID().uuidString)")
        guard (try? fm.createDirectory(at: work, withIntermediateDirectories: true)) != nil else { return nil }
        defer { try? fm.removeItem(at: work) }
        let outURL = work.appendingPathComponent("stdout"), errURL = work.appendingPathComponent("stderr")
        fm.createFile(atPath: outURL.path, contents: nil)
        fm.createFile(atPath: errURL.path, contents: nil)
        guard let out = try? FileHandle(forWritingTo: outURL), let err = try? FileHandle(forWritingTo: errURL) else { return nil }
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        process.environment = environment
        process.currentDirectoryURL = work
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        guard (try? process.run()) != nil else { return nil }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 10)
            try? out.close(); try? err.close()
            return Result(timedOut: true, status: .signal(SIGKILL), stdout: (try? Data(contentsOf: outURL)) ?? Data(),
                          stderr: (try? Data(contentsOf: errURL)) ?? Data())
        }
        try? out.close(); try? err.close()
        let status: Status = process.terminationReason == .uncaughtSignal
            ? .signal(process.terminationStatus) : .exit(process.terminationStatus)
        return Result(status: status, stdout: (try? Data(contentsOf: outURL)) ?? Data(),
                      stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }
}
