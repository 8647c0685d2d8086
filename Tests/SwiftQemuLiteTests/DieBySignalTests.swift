import Glibc
import XCTest
import LinuxUser

/// A guest killed by a signal must kill the emulator with the same signal,
/// so the parent's wait status matches the program's on arm64. The CLI
/// (Tool.main) ends that way through LinuxUser's dieBySignal.
final class DieBySignalTests: XCTestCase {
    func waitStatusOfChild(dying sig: Int32, blockFirst: Bool = false, ignoreFirst: Bool = false) -> Int32 {
        let pid = fork()
        if pid == 0 {
            if ignoreFirst { signal(sig, SIG_IGN) }
            if blockFirst {
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, sig)
                sigprocmask(SIG_BLOCK, &set, nil)
            }
            dieBySignal(sig)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status
    }

    func testDiesByTheSameSignalWithoutCore() {
        for sig in [SIGSEGV, SIGABRT, SIGTERM, SIGKILL, SIGUSR1] {
            // Even when the emulator had the signal ignored or blocked.
            for (block, ignore) in [(false, false), (true, false), (false, true)] {
                let st = waitStatusOfChild(dying: sig, blockFirst: block, ignoreFirst: ignore)
                // WIFSIGNALED / WTERMSIG / WCOREDUMP by hand (macros).
                XCTAssertEqual(st & 0x7f, sig, "signal \(sig)")
                XCTAssertEqual(st & 0x80, 0, "no core for signal \(sig)")
            }
        }
    }

    func testSignalThatDoesNotKillExitsWith128PlusSignal() {
        // SIGCHLD's default action is to ignore it.
        let st = waitStatusOfChild(dying: SIGCHLD)
        XCTAssertEqual(st & 0x7f, 0)
        XCTAssertEqual((st >> 8) & 0xff, 128 + SIGCHLD)
    }
}
