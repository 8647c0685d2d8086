import XCTest
@testable import AArch64

/// Replays the vectors of the Armv8.1-8.6 extensions (crypto, SHA3, SM3/SM4,
/// 64-bit PMULL, dot product, I8MM, RDM, FCMA, FJCVTZS, FRINT32/64, flag
/// manipulation, LRCPC2), recorded from qemu-aarch64 -cpu max by
/// `FPSIMD_SET=isaext python3 TestBinaries/isa/record-fpsimd.py`, through the
/// decoder and both executor cores. ISAEXT_VECTORS overrides the file.
final class IsaExtOracleTests: XCTestCase {
    static func vectors() throws -> [FPSIMDOracleTests.Vector] {
        try FPSIMDOracleTests.loadVectors(fixture: "isaext-vectors.txt", override: "ISAEXT_VECTORS")
    }

    func testVectorsThroughSwitchCore() throws {
        let v = try Self.vectors()
        XCTAssertGreaterThan(v.count, 1000)
        try FPExecutorOracleTests.replay(.switchLoop, v)
    }

    func testVectorsThroughThreadedCore() throws {
        try FPExecutorOracleTests.replay(.threaded, try Self.vectors())
    }
}
