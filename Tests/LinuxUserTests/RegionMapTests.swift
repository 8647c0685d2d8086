import Glibc
import GuestMemory
import XCTest

/// The region map against a page-by-page model: random mapFixed, unmap,
/// protect and moveMapping calls over a small window keep the list sorted
/// and non-overlapping, and every lookup agrees with the model.
final class RegionMapTests: XCTestCase {
    func testRandomOperationsAgreeWithAPageModel() throws {
        let mem = try AddressSpace(size: 1 << 36, minimumSize: 1 << 32)
        let base: UInt64 = 0x1_0000_0000, pages = 256, ps = AddressSpace.pageSize
        // Per page: nil when unmapped, else (prot, offset in pages).
        var model = [(prot: Int32, off: UInt64)?](repeating: nil, count: pages)
        var seed: UInt64 = 0x1234_5678
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for step in 0..<3000 {
            let a = next(pages), n = 1 + next(min(32, pages - a))
            let addr = base + UInt64(a) * ps, len = UInt64(n) * ps
            switch next(4) {
            case 0:
                let prot = Int32(next(8))
                mem.mapFixed(addr, len, prot: prot, offset: UInt64(a) * ps)
                for i in a..<(a + n) { model[i] = (prot, UInt64(i)) }
            case 1:
                mem.unmap(addr, len)
                for i in a..<(a + n) { model[i] = nil }
            case 2:
                let prot = Int32(next(8))
                let ok = mem.protect(addr, len, prot: prot)
                XCTAssertEqual(ok, model[a..<(a + n)].allSatisfy { $0 != nil }, "step \(step)")
                if ok { for i in a..<(a + n) { model[i]!.prot = prot } }
            default:
                let d = next(pages - n + 1)
                if d + n <= a || a + n <= d {
                    mem.moveMapping(from: addr, to: base + UInt64(d) * ps, len: len)
                    let moved = Array(model[a..<(a + n)])
                    for i in a..<(a + n) { model[i] = nil }
                    for i in 0..<n { model[d + i] = moved[i] }
                }
            }
            let list = mem.regions
            for (x, y) in zip(list, list.dropFirst()) {
                XCTAssertLessThan(x.start, x.end)
                XCTAssertLessThanOrEqual(x.end, y.start, "step \(step): regions overlap or are out of order")
            }
            for i in 0..<pages {
                let r = mem.region(containing: base + UInt64(i) * ps)
                XCTAssertEqual(r?.prot, model[i]?.prot, "step \(step) page \(i)")
                if let r = r, let m = model[i] {
                    XCTAssertEqual(r.offset + (base + UInt64(i) * ps - r.start), m.off * ps, "step \(step) page \(i) offset")
                }
                XCTAssertEqual(mem.isFree(base + UInt64(i) * ps, ps), model[i] == nil)
                XCTAssertEqual(mem.perms[Int((base >> 12) + UInt64(i))] & PagePerm.mapped != 0, model[i] != nil)
            }
            if step % 100 == 0 {
                // findFree returns free space below the mmap top.
                if let f = mem.findFree(16 * ps) {
                    XCTAssertTrue(mem.isFree(f, 16 * ps))
                    XCTAssertLessThanOrEqual(f + 16 * ps, mem.mmapTop)
                }
            }
        }
    }

    func testFindFreeIsTopDownAndSkipsRegions() throws {
        let mem = try AddressSpace(size: 1 << 36, minimumSize: 1 << 32)
        let ps = AddressSpace.pageSize
        let top = mem.mmapTop
        XCTAssertEqual(mem.findFree(ps), top - ps)
        mem.mapFixed(top - 4 * ps, 4 * ps, prot: PROT_READ)
        XCTAssertEqual(mem.findFree(ps), top - 5 * ps)
        mem.mapFixed(top - 6 * ps, ps, prot: PROT_READ)
        XCTAssertEqual(mem.findFree(ps), top - 5 * ps, "a one-page hole is used")
        XCTAssertEqual(mem.findFree(2 * ps), top - 8 * ps)
        XCTAssertNil(mem.findFree(mem.size))
        XCTAssertEqual(mem.findFree(ps, hint: 0x2000_0000), 0x2000_0000, "a free hint is honoured")
        XCTAssertNotEqual(mem.findFree(ps, hint: top - 4 * ps), top - 4 * ps, "a taken hint is not")
        XCTAssertNotNil(mem.findFree(ps, hint: UInt64.max & ~(ps - 1)), "a hint that would wrap is ignored")
    }
}
