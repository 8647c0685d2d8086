import AArch64
import Foundation
import Glibc
import GuestMemory
@testable import LinuxUser
import XCTest

/// MAP_SHARED memory is shared with the file and with other processes, as
/// on Linux; unmapping it gives the range back as private zero memory.
final class SharedMappingTests: XCTestCase {
    let addr: UInt64 = 0x3000_0000

    func testSharedFileMappingWritesTheFile() throws {
        let p = try makeProcess()
        let path = NSTemporaryDirectory() + "lu-shared-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd); unlink(path) }
        XCTAssertEqual(ftruncate(fd, 8192), 0)
        // mmap(addr, 8192, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, fd, 0)
        XCTAssertEqual(p.syscall(222, addr, 8192, 3, 0x11, UInt64(fd), 0), Int(addr))
        XCTAssertTrue(p.mem.write(addr + 4096, Array("written".utf8)))
        var back = [UInt8](repeating: 0, count: 7)
        XCTAssertEqual(pread(fd, &back, 7, 4096), 7)
        XCTAssertEqual(back, Array("written".utf8), "the file sees the guest's store")
        // A write to the file shows in the mapping.
        XCTAssertEqual(pwrite(fd, "file", 4, 0), 4)
        XCTAssertEqual(p.mem.read(addr, count: 4), Array("file".utf8))
        // After munmap, an anonymous mapping there is zero and private.
        XCTAssertEqual(p.syscall(215, addr, 8192), 0)
        XCTAssertEqual(p.syscall(222, addr, 8192, 3, 0x32, UInt64(bitPattern: -1), 0), Int(addr))
        XCTAssertEqual(p.mem.read(addr + 4096, count: 7), [UInt8](repeating: 0, count: 7))
        XCTAssertTrue(p.mem.write(addr, Array("anon".utf8)))
        XCTAssertEqual(pread(fd, &back, 4, 0), 4)
        XCTAssertEqual(Array(back[0..<4]), Array("file".utf8), "private memory does not reach the file")
    }

    func testReadOnlyFileIsSharedReadOnly() throws {
        let p = try makeProcess()
        let path = NSTemporaryDirectory() + "lu-shared-ro-\(getpid())"
        FileManager.default.createFile(atPath: path, contents: Data("contents".utf8))
        let fd = open(path, O_RDONLY)
        defer { close(fd); unlink(path) }
        XCTAssertEqual(p.syscall(222, addr, 4096, 1, 0x11, UInt64(fd), 0), Int(addr))
        XCTAssertEqual(p.mem.read(addr, count: 8), Array("contents".utf8))
    }

    func testSharedAnonymousMemoryIsSharedWithAForkedChild() throws {
        let p = try makeProcess()
        // MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
        XCTAssertEqual(p.syscall(222, addr, 4096, 3, 0x31, UInt64(bitPattern: -1), 0), Int(addr))
        let child = fork()
        if child == 0 {
            p.mem.host(addr).storeBytes(of: 0x1234_5678, as: UInt32.self)
            _exit(0)
        }
        var status: Int32 = 0
        XCTAssertEqual(waitpid(child, &status, 0), child)
        XCTAssertEqual(p.mem.readU32(addr), 0x1234_5678, "the child's store is seen by the parent")
        // Private anonymous memory is not shared.
        XCTAssertEqual(p.syscall(222, addr + 0x10000, 4096, 3, 0x32, UInt64(bitPattern: -1), 0), Int(addr + 0x10000))
        let child2 = fork()
        if child2 == 0 {
            p.mem.host(addr + 0x10000).storeBytes(of: 0x1234_5678, as: UInt32.self)
            _exit(0)
        }
        XCTAssertEqual(waitpid(child2, &status, 0), child2)
        XCTAssertEqual(p.mem.readU32(addr + 0x10000), 0)
    }
}
