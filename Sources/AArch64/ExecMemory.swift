import Glibc
import GuestMemory

// MARK: - Generic loads and stores, exclusives, atomics
//
// Each returns 0 on success, or the faulting address + 1. Nothing is written
// to registers or memory before the access is known to be allowed.

@inline(__always) func loadSized(_ p: UnsafeMutableRawPointer, _ sizeLog: UInt8) -> UInt64 {
    switch sizeLog {
    case 0: return UInt64(p.load(as: UInt8.self))
    case 1: return UInt64(p.loadUnaligned(as: UInt16.self))
    case 2: return UInt64(p.loadUnaligned(as: UInt32.self))
    default: return p.loadUnaligned(as: UInt64.self)
    }
}

@inline(__always) func storeSized(_ p: UnsafeMutableRawPointer, _ v: UInt64, _ sizeLog: UInt8) {
    switch sizeLog {
    case 0: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
    case 1: p.storeBytes(of: UInt16(truncatingIfNeeded: v), as: UInt16.self)
    case 2: p.storeBytes(of: UInt32(truncatingIfNeeded: v), as: UInt32.self)
    default: p.storeBytes(of: v, as: UInt64.self)
    }
}

@inline(__always) func signExtendSized(_ v: UInt64, _ sizeLog: UInt8) -> UInt64 {
    switch sizeLog {
    case 0: return UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
    case 1: return UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
    case 2: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    default: return v
    }
}

@inline(__always) func sizeMask(_ sizeLog: UInt8) -> UInt64 {
    sizeLog >= 3 ? ~0 : (1 << (8 << UInt64(sizeLog))) - 1
}

@inline(__always) func vreg(_ r: UnsafeMutablePointer<UInt64>, _ i: UInt8) -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer(r + Slot.v + 2 * Int(i))
}

extension Sem {
    @inline(never)
    static func loadStore(_ r: UnsafeMutablePointer<UInt64>, _ m: MemView, _ p: UnsafeMutablePointer<Op>) -> UInt64 {
        let mode = p.pointee.ra, kind = p.pointee.s1, sizeLog = p.pointee.s2
        let n = UInt64(1) << UInt64(sizeLog)
        let base = r[Int(p.pointee.rn)]
        let a: UInt64
        switch mode {
        case AddrMode.offset, AddrMode.preIndex: a = base &+ p.pointee.imm
        case AddrMode.postIndex: a = base
        default:
            let imm = p.pointee.imm
            a = base &+ extend(r[Int(p.pointee.rm)], UInt8(imm & 7), UInt8(truncatingIfNeeded: imm >> 8))
        }
        let writeback = mode == AddrMode.preIndex || mode == AddrMode.postIndex
        switch kind {
        case LdStKind.store:
            guard m.writable(a, n) else { return a &+ 1 }
            storeSized(m.host(a), r[Int(p.pointee.rd)], sizeLog)
            if writeback { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
        case LdStKind.storeFP:
            guard m.writable(a, n) else { return a &+ 1 }
            m.host(a).copyMemory(from: vreg(r, p.pointee.rd), byteCount: Int(n))
            if writeback { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
        case LdStKind.loadFP:
            guard m.readable(a, n) else { return a &+ 1 }
            if writeback { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
            let v = vreg(r, p.pointee.rd)
            v.storeBytes(of: 0, toByteOffset: 0, as: UInt64.self)
            v.storeBytes(of: 0, toByteOffset: 8, as: UInt64.self)
            v.copyMemory(from: m.host(a), byteCount: Int(n))
        default:
            guard m.readable(a, n) else { return a &+ 1 }
            var v = loadSized(m.host(a), sizeLog)
            if kind == LdStKind.loadSigned64 { v = signExtendSized(v, sizeLog) }
            if kind == LdStKind.loadSigned32 { v = signExtendSized(v, sizeLog) & 0xFFFF_FFFF }
            if writeback { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
            r[Int(p.pointee.rd)] = v
        }
        return 0
    }

    @inline(never)
    static func loadStorePair(_ r: UnsafeMutablePointer<UInt64>, _ m: MemView, _ p: UnsafeMutablePointer<Op>) -> UInt64 {
        let mode = p.pointee.ra, kind = p.pointee.s1, sizeLog = p.pointee.s2
        let n = UInt64(1) << UInt64(sizeLog)
        let base = r[Int(p.pointee.rn)]
        let a = mode == AddrMode.postIndex ? base : base &+ p.pointee.imm
        let writeback = mode != AddrMode.offset
        switch kind {
        case LdStKind.store:
            guard m.writable(a, 2 * n) else { return a &+ 1 }
            storeSized(m.host(a), r[Int(p.pointee.rd)], sizeLog)
            storeSized(m.host(a &+ n), r[Int(p.pointee.rm)], sizeLog)
        case LdStKind.storeFP:
            guard m.writable(a, 2 * n) else { return a &+ 1 }
            m.host(a).copyMemory(from: vreg(r, p.pointee.rd), byteCount: Int(n))
            m.host(a &+ n).copyMemory(from: vreg(r, p.pointee.rm), byteCount: Int(n))
        case LdStKind.loadFP:
            guard m.readable(a, 2 * n) else { return a &+ 1 }
            for (reg, off) in [(p.pointee.rd, UInt64(0)), (p.pointee.rm, n)] {
                let v = vreg(r, reg)
                v.storeBytes(of: 0, toByteOffset: 0, as: UInt64.self)
                v.storeBytes(of: 0, toByteOffset: 8, as: UInt64.self)
                v.copyMemory(from: m.host(a &+ off), byteCount: Int(n))
            }
        default:
            guard m.readable(a, 2 * n) else { return a &+ 1 }
            var v1 = loadSized(m.host(a), sizeLog), v2 = loadSized(m.host(a &+ n), sizeLog)
            if kind == LdStKind.loadSigned64 {
                v1 = signExtendSized(v1, sizeLog)
                v2 = signExtendSized(v2, sizeLog)
            }
            if writeback { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
            r[Int(p.pointee.rd)] = v1
            r[Int(p.pointee.rm)] = v2
            return 0
        }
        if writeback { r[Int(p.pointee.rn)] = base &+ p.pointee.imm }
        return 0
    }
}

// MARK: - System registers

extension Sem {
    /// The counter frequency reported by CNTFRQ_EL0 (as qemu-aarch64 does).
    static let counterFrequency: UInt64 = 62_500_000

    /// Reads a system register EL0 may read (or Linux emulates); false for others.
    static func readSystemRegister(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) -> Bool {
        let id = Int(p.pointee.imm)
        let v: UInt64
        switch id {
        case SysReg.nzcv: v = Flags.materialize(r)
        case SysReg.fpcr: v = r[Slot.fpcr]
        case SysReg.fpsr: v = r[Slot.fpsr]
        case SysReg.tpidrEL0: v = r[Slot.tpidr]
        case SysReg.tpidrroEL0: v = r[Slot.tpidrro]
        case SysReg.ctrEL0: v = 0x8444_C004
        case SysReg.dczidEL0: v = 4
        case SysReg.cntfrqEL0: v = Sem.counterFrequency
        case SysReg.cntvctEL0, SysReg.cntpctEL0:
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let ns = UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
            v = ns / (1_000_000_000 / Sem.counterFrequency)
        default:
            guard let idv = FeatureSet(rawValue: r[Slot.features]).idRegister(id, midr: r[Slot.midr]) else { return false }
            v = idv
        }
        r[Int(p.pointee.rd)] = v
        return true
    }

    static func writeSystemRegister(_ r: UnsafeMutablePointer<UInt64>, _ p: UnsafeMutablePointer<Op>) -> Bool {
        let v = r[Int(p.pointee.rn)]
        switch Int(p.pointee.imm) {
        case SysReg.nzcv: setNZCV(r, v & 0xF000_0000)
        case SysReg.fpcr: r[Slot.fpcr] = v & 0x07FF_9F00
        case SysReg.fpsr: r[Slot.fpsr] = v & 0xF800_009F
        case SysReg.tpidrEL0: r[Slot.tpidr] = v
        default: return false
        }
        return true
    }
}
