import Foundation
import LinuxUser
import XCTest

/// Real static programs run under the Linux layer and compared with
/// qemu-aarch64, the oracle (skipped when the tools are not installed).
final class ProgramTests: XCTestCase {
    func runBoth(_ name: String, _ source: String, args: [String] = [], musl: Bool = false,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (Termination, String, String) {
        guard let bin = compileGuest(name, source, musl: musl) else { throw XCTSkip("no aarch64 cross compiler") }
        guard let q = host(["qemu-aarch64", bin] + args) else { throw XCTSkip("no qemu-aarch64") }
        let runner = try GuestRunner(path: bin, args: [bin] + args)
        let (t, out, err) = runner.run(captureStderr: true)
        XCTAssertEqual(out, q.1, "stdout", file: file, line: line)
        switch t {
        case .exited(let c): XCTAssertEqual(c, q.0, "exit status", file: file, line: line)
        case .signaled(let s): XCTAssertEqual(128 + s, q.0, "signal", file: file, line: line)
        }
        return (t, out, err)
    }

    func testHello() throws {
        let src = #"""
        #include <stdio.h>
        int main(int argc, char **argv) { printf("hello %d %s\n", argc, argv[argc - 1]); return 7; }
        """#
        _ = try runBoth("hello", src, args: ["x", "yz"])
        _ = try runBoth("hello", src, args: ["x"], musl: true)
    }
}

extension ProgramTests {
    func compileFreestanding() throws -> String {
        let dir = NSTemporaryDirectory() + "linuxuser-tests"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let src = dir + "/freestanding.c", bin = dir + "/freestanding"
        try freestandingSource.write(toFile: src, atomically: true, encoding: .utf8)
        guard let r = host(["aarch64-linux-gnu-gcc", "-static", "-nostdlib", "-ffreestanding", "-fno-builtin",
                            "-mgeneral-regs-only", "-O1", "-o", bin, src]) else { throw XCTSkip("no aarch64 cross compiler") }
        XCTAssertEqual(r.0, 0, r.2)
        return bin
    }

    func compare(_ bin: String, args: [String]) throws -> String {
        guard let q = host(["qemu-aarch64", bin] + args) else { throw XCTSkip("no qemu-aarch64") }
        let (t, out, err) = try GuestRunner(path: bin, args: [bin] + args).run(captureStderr: true)
        XCTAssertEqual(out, q.1)
        XCTAssertEqual(err, q.2)
        switch t {
        case .exited(let c): XCTAssertEqual(c, q.0)
        case .signaled(let s): XCTAssertEqual(128 + s, q.0)
        }
        return out
    }

    func testFreestandingProgramMatchesQemu() throws {
        let bin = try compileFreestanding()
        let out = try compare(bin, args: [])
        XCTAssertTrue(out.hasSuffix("fault_address=4664\n"))
        _ = try compare(bin, args: ["segv"])
        _ = try compare(bin, args: ["abort"])
    }
}

extension ProgramTests {
    /// Replaces numbers and addresses, which differ between runs and hosts
    /// (pids, fds, stack addresses), keeping names, flags and strings.
    func normalizeTrace(_ s: String) -> [String] {
        s.split(separator: "\n").map { line in
            var l = String(line)
            if let r = l.range(of: #"^[0-9]+ "#, options: .regularExpression) { l.removeSubrange(r) }
            l = l.replacingOccurrences(of: #"0x[0-9a-f]+"#, with: "ADDR", options: .regularExpression)
            l = l.replacingOccurrences(of: #"(?<![A-Za-z_0-9])-?[0-9]+"#, with: "N", options: .regularExpression)
            return l
        }
    }

    /// The -strace text of the freestanding program has qemu's shape, line by line.
    func testStraceOfFreestandingProgramMatchesQemu() throws {
        let bin = try compileFreestanding()
        guard let q = host(["qemu-aarch64", "-strace", bin, "segv"]) else { throw XCTSkip("no qemu-aarch64") }
        let (t, _, err) = try GuestRunner(path: bin, args: [bin, "segv"], strace: true).run(captureStderr: true)
        XCTAssertEqual(t, .signaled(11))
        let ours = normalizeTrace(err), theirs = normalizeTrace(q.2)
        XCTAssertEqual(ours.count, theirs.count)
        for (a, b) in zip(ours, theirs) where a != b { XCTFail("strace differs:\n ours: \(a)\n qemu: \(b)") }
    }
}

extension ProgramTests {
    /// fork, vfork and execve need the emulator binary (execve starts it
    /// again), so they run through the built command.
    func testForkExecWaitThroughTheCommand() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let exe = root.appendingPathComponent(".build/debug/swift-qemu-lite").path
        guard FileManager.default.isExecutableFile(atPath: exe) else { throw XCTSkip("swift-qemu-lite not built") }
        let bin = try compileFreestanding()
        for mode in ["fork", "vfork"] {
            guard let r = host([exe, bin, mode]) else { throw XCTSkip("cannot run") }
            // POSIX: the exec'd child prints and exits 5; wait4 sees 5 << 8.
            XCTAssertEqual(r.1, "child\nwaited=1\nstatus=1280\n", mode)
            XCTAssertEqual(r.0, 0, r.2)
        }
    }
}

extension ProgramTests {
    /// popen and system go through posix_spawn (clone with CLONE_VFORK) and
    /// execve of the host's /bin/sh; compared with qemu-aarch64.
    func testPopenAndSystemThroughTheCommand() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let exe = root.appendingPathComponent(".build/debug/swift-qemu-lite").path
        guard FileManager.default.isExecutableFile(atPath: exe) else { throw XCTSkip("swift-qemu-lite not built") }
        let src = #"""
        #include <stdio.h>
        #include <stdlib.h>
        int main(void) {
            FILE *p = popen("echo from-shell; exit 3", "r");
            char b[64];
            fgets(b, sizeof b, p);
            printf("got %s", b);
            printf("pclose %x\n", pclose(p));
            printf("system %x\n", system("exit 4"));
            return 0;
        }
        """#
        guard let bin = compileGuest("popen", src) else { throw XCTSkip("no aarch64 cross compiler") }
        guard let q = host(["qemu-aarch64", bin]), let ours = host([exe, bin]) else { throw XCTSkip("cannot run") }
        XCTAssertEqual(ours.1, q.1)
        XCTAssertEqual(ours.0, q.0)
    }
}

extension ProgramTests {
    /// pthreads: atomics, a mutex and join across four guest threads.
    func testThreadsMatchQemu() throws {
        let src = #"""
        #include <stdio.h>
        #include <pthread.h>
        #include <stdatomic.h>
        static atomic_long total;
        static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
        static long locked_total;
        static void *work(void *arg) {
            for (int i = 0; i < 20000; i++) {
                atomic_fetch_add(&total, 1);
                pthread_mutex_lock(&mu);
                locked_total++;
                pthread_mutex_unlock(&mu);
            }
            return (void *)((long)arg * 10);
        }
        int main(void) {
            pthread_t t[4];
            for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, work, (void *)i);
            long sum = 0;
            for (int i = 0; i < 4; i++) { void *r; pthread_join(t[i], &r); sum += (long)r; }
            printf("total %ld locked %ld sum %ld\n", (long)total, locked_total, sum);
            return 0;
        }
        """#
        _ = try runBoth("threads", src)
    }
}
