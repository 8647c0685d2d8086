import Foundation
@testable import LinuxUser
import XCTest

/// Thread behaviour whose oracle is the host kernel rather than qemu: the
/// same C source built for the host and for arm64 must print the same.
/// (qemu-aarch64 7.2 answers set_robust_list with -ENOSYS, so a robust
/// mutex whose owner died blocks forever under it.)
final class ThreadTests: XCTestCase {
    func runNativeAndGuest(_ name: String, _ source: String) throws -> String {
        guard let guest = compileGuest(name, source) else { throw XCTSkip("no aarch64 cross compiler") }
        let native = guest + "-native"
        guard let c = host(["cc", "-O1", "-pthread", "-o", native, guest + ".c"]), c.0 == 0 else {
            throw XCTSkip("no host C compiler")
        }
        guard let n = host([native]) else { throw XCTSkip("cannot run the native build") }
        let (t, out, _) = try GuestRunner(path: guest, args: [guest]).run(captureStderr: true)
        XCTAssertEqual(out, n.1)
        XCTAssertEqual(t, .exited(n.0))
        return out
    }

    /// A thread that exits holding a robust mutex: the next locker gets
    /// EOWNERDEAD (the robust list is walked at thread exit).
    func testRobustMutexOfADeadThreadMatchesTheHostKernel() throws {
        let src = #"""
        #include <errno.h>
        #include <pthread.h>
        #include <stdio.h>
        static pthread_mutex_t m;
        static void *die_holding(void *a) { (void)a; pthread_mutex_lock(&m); return 0; }
        int main(void) {
            pthread_mutexattr_t at;
            pthread_mutexattr_init(&at);
            pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
            printf("init %d\n", pthread_mutex_init(&m, &at));
            pthread_t t;
            pthread_create(&t, 0, die_holding, 0);
            pthread_join(t, 0);
            int r = pthread_mutex_lock(&m);
            printf("lock after the owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "other");
            if (r == EOWNERDEAD) {
                printf("consistent %d\n", pthread_mutex_consistent(&m));
                printf("unlock %d\n", pthread_mutex_unlock(&m));
                printf("relock %d\n", pthread_mutex_lock(&m));
            }
            return 0;
        }
        """#
        let out = try runNativeAndGuest("robust", src)
        XCTAssertTrue(out.contains("EOWNERDEAD"))
    }
}
