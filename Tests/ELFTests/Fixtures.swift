import Foundation
import GuestMemory
@testable import ELF

/// The committed test binaries (TestBinaries/elf, see build.sh there).
enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestBinaries/elf")

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path(name)) ?? Data())
    }
}

/// Deterministic generator so a failing fuzz case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    mutating func put16(_ o: Int, _ v: UInt16) { for i in 0..<2 { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
    mutating func put32(_ o: Int, _ v: UInt32) { for i in 0..<4 { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
    mutating func put64(_ o: Int, _ v: UInt64) { for i in 0..<8 { self[o + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
}
