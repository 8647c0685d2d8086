import GuestMemory
import Synchronization

// MARK: - Exclusives, LSE atomics, CAS/CASP, store-release and barriers
//
// Guest threads are host threads that run at the same time, so every
// read-modify-write of guest memory is a host atomic on the guest's own
// bytes (`Atomic<T>` bound over the host address):
//
// - LSE atomics (LDADD, LDCLR, LDEOR, LDSET, LD[SU]MAX, LD[SU]MIN, SWP) are
//   `lock xadd`, `xchg` or a compare-exchange loop; CAS is `lock cmpxchg`,
//   CASP of two X registers `lock cmpxchg16b` (`Atomic<WordPair>`), of two
//   W registers a 64-bit compare-exchange.
// - LDXR records address, size and the value it saw in the CPU; STXR
//   succeeds only when a host compare-exchange from that value to the new
//   one does (qemu's approach). LDXP/STXP do the same over 2 x size bytes.
//   Caveat (ABA): a STXR succeeds when another thread changed the location
//   and then restored the value LDXR saw, which a real monitor would have
//   refused; lock-free algorithms built on LDXR/STXR (counters, lists with
//   versioned or unique pointers, glibc and Go locks) do not observe this.
// - Every host read-modify-write is a full barrier on x86, stronger than
//   any Arm ordering (acquire, release, or both), so one ordering serves all
//   variants. Plain x86 loads are acquire and plain stores release, so
//   LDAR/LDAPR are plain loads; STLR is a store and an `mfence`, so that a
//   later LDAR cannot pass it (C11 seq_cst), and DMB/DSB with
//   store-to-load ordering are an `mfence`.
//
// Arm requires exclusives, atomics, LDAR and STLR to be aligned to their
// size (pairs to twice it); a misaligned one raises SIGBUS, as under
// qemu-aarch64, and host atomics never see a misaligned address.

@inline(__always) private func atomicPointer<T: AtomicRepresentable>(_ p: UnsafeMutableRawPointer, _: T.Type) -> UnsafeMutablePointer<Atomic<T>> {
    p.bindMemory(to: Atomic<T>.self, capacity: 1)
}

/// Compare-exchange of 1, 2, 4 or 8 bytes; returns whether it stored and
/// the value found (zero-extended).
@inline(__always) func atomicCompareExchange(_ p: UnsafeMutableRawPointer, _ sizeLog: UInt8,
                                             expected: UInt64, desired: UInt64) -> (exchanged: Bool, original: UInt64) {
    switch sizeLog {
    case 0:
        let r = atomicPointer(p, UInt8.self).pointee.compareExchange(
            expected: UInt8(truncatingIfNeeded: expected), desired: UInt8(truncatingIfNeeded: desired), ordering: .sequentiallyConsistent)
        return (r.exchanged, UInt64(r.original))
    case 1:
        let r = atomicPointer(p, UInt16.self).pointee.compareExchange(
            expected: UInt16(truncatingIfNeeded: expected), desired: UInt16(truncatingIfNeeded: desired), ordering: .sequentiallyConsistent)
        return (r.exchanged, UInt64(r.original))
    case 2:
        let r = atomicPointer(p, UInt32.self).pointee.compareExchange(
            expected: UInt32(truncatingIfNeeded: expected), desired: UInt32(truncatingIfNeeded: desired), ordering: .sequentiallyConsistent)
        return (r.exchanged, UInt64(r.original))
    default:
        let r = atomicPointer(p, UInt64.self).pointee.compareExchange(
            expected: expected, desired: desired, ordering: .sequentiallyConsistent)
        return (r.exchanged, r.original)
    }
}

/// 16-byte compare-exchange (`lock cmpxchg16b`); `lo` is the word at the
/// lower address. `p` must be 16-byte aligned.
@inline(__always) func atomicCompareExchange128(_ p: UnsafeMutableRawPointer, expected: (lo: UInt64, hi: UInt64),
                                                desired: (lo: UInt64, hi: UInt64)) -> (exchanged: Bool, lo: UInt64, hi: UInt64) {
    let r = atomicPointer(p, WordPair.self).pointee.compareExchange(
        expected: WordPair(first: UInt(expected.lo), second: UInt(expected.hi)),
        desired: WordPair(first: UInt(desired.lo), second: UInt(desired.hi)), ordering: .sequentiallyConsistent)
    return (r.exchanged, UInt64(r.original.first), UInt64(r.original.second))
}

@inline(__always) private func atomicAdd(_ p: UnsafeMutableRawPointer, _ sizeLog: UInt8, _ v: UInt64) -> UInt64 {
    switch sizeLog {
    case 0: return UInt64(atomicPointer(p, UInt8.self).pointee.wrappingAdd(UInt8(truncatingIfNeeded: v), ordering: .sequentiallyConsistent).oldValue)
    case 1: return UInt64(atomicPointer(p, UInt16.self).pointee.wrappingAdd(UInt16(truncatingIfNeeded: v), ordering: .sequentiallyConsistent).oldValue)
    case 2: return UInt64(atomicPointer(p, UInt32.self).pointee.wrappingAdd(UInt32(truncatingIfNeeded: v), ordering: .sequentiallyConsistent).oldValue)
    default: return atomicPointer(p, UInt64.self).pointee.wrappingAdd(v, ordering: .sequentiallyConsistent).oldValue
    }
}

@inline(__always) private func atomicExchange(_ p: UnsafeMutableRawPointer, _ sizeLog: UInt8, _ v: UInt64) -> UInt64 {
    switch sizeLog {
    case 0: return UInt64(atomicPointer(p, UInt8.self).pointee.exchange(UInt8(truncatingIfNeeded: v), ordering: .sequentiallyConsistent))
    case 1: return UInt64(atomicPointer(p, UInt16.self).pointee.exchange(UInt16(truncatingIfNeeded: v), ordering: .sequentiallyConsistent))
    case 2: return UInt64(atomicPointer(p, UInt32.self).pointee.exchange(UInt32(truncatingIfNeeded: v), ordering: .sequentiallyConsistent))
    default: return atomicPointer(p, UInt64.self).pointee.exchange(v, ordering: .sequentiallyConsistent)
    }
}

/// The value an LSE operation stores, from the old value and the operand
/// (both zero-extended to the access size).
@inline(__always) private func lseResult(_ op: UInt8, _ old: UInt64, _ operand: UInt64, _ sizeLog: UInt8) -> UInt64 {
    switch op {
    case 0: return old &+ operand                 // LDADD
    case 1: return old & ~operand                 // LDCLR
    case 2: return old ^ operand                  // LDEOR
    case 3: return old | operand                  // LDSET
    case 4: return Int64(bitPattern: signExtendSized(old, sizeLog)) >= Int64(bitPattern: signExtendSized(operand, sizeLog)) ? old : operand // LDSMAX
    case 5: return Int64(bitPattern: signExtendSized(old, sizeLog)) <= Int64(bitPattern: signExtendSized(operand, sizeLog)) ? old : operand // LDSMIN
    case 6: return old >= operand ? old : operand // LDUMAX
    case 7: return old <= operand ? old : operand // LDUMIN
    default: return operand                       // SWP
    }
}

extension Sem {
    /// Executes an exclusive, LSE atomic, CAS/CASP or DC ZVA op; returns
    /// `Flow.next`, or `Flow.exit` after a fault or an alignment error.
    @inline(never)
    static func atomicOp(_ r: UnsafeMutablePointer<UInt64>, _ s: UnsafeMutablePointer<ExecState>, _ p: UnsafeMutablePointer<Op>) -> Int {
        let m = s.pointee.mem
        let sizeLog = p.pointee.s2
        let n = UInt64(1) << UInt64(sizeLog)
        let a = r[Int(p.pointee.rn)]
        let code = p.pointee.code
        // Pairs cover 2n bytes and must be aligned to that.
        let isPair = code == .ldaxp || code == .stxp || code == .casp
        let span = isPair ? 2 * n : n
        if (code == .stxr || code == .stxp) && r[Slot.exclAddr] != a {
            // No open monitor for this address: fails without an access
            // (as qemu), so neither alignment nor permission is checked.
            r[Slot.exclAddr] = ~0
            r[Int(p.pointee.ra)] = 1
            return Flow.next
        }
        if code != .dczva && a & (span &- 1) != 0 {
            r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
            r[Slot.icount] &+= UInt64(p.pointee.idx)
            return exit(s, .alignment(addr: a, write: code != .ldxr && code != .ldaxp))
        }
        switch code {
        case .ldxr:
            guard m.readable(a, n) else { return fault(r, s, p, a, false) }
            let v = loadSized(m.host(a), sizeLog)
            r[Slot.exclAddr] = a
            r[Slot.exclVal] = v
            r[Slot.exclSize] = UInt64(sizeLog)
            r[Int(p.pointee.rd)] = v
        case .ldaxp:
            guard m.readable(a, 2 * n) else { return fault(r, s, p, a, false) }
            // Two plain loads may tear; STXP's compare-exchange of both
            // halves then fails, so only a consistent pair is ever stored.
            let v1 = loadSized(m.host(a), sizeLog), v2 = loadSized(m.host(a &+ n), sizeLog)
            r[Slot.exclAddr] = a
            r[Slot.exclVal] = v1
            r[Slot.exclVal2] = v2
            r[Slot.exclSize] = UInt64(sizeLog) | 0x100
            r[Int(p.pointee.rd)] = v1
            r[Int(p.pointee.rm)] = v2
        case .stxr:
            guard m.writable(a, n) else { return fault(r, s, p, a, true) }
            var status: UInt64 = 1
            if r[Slot.exclAddr] == a && r[Slot.exclSize] == UInt64(sizeLog)
                && atomicCompareExchange(m.host(a), sizeLog, expected: r[Slot.exclVal], desired: r[Int(p.pointee.rd)]).exchanged {
                status = 0
            }
            r[Slot.exclAddr] = ~0
            r[Int(p.pointee.ra)] = status
        case .stxp:
            guard m.writable(a, 2 * n) else { return fault(r, s, p, a, true) }
            var status: UInt64 = 1
            if r[Slot.exclAddr] == a && r[Slot.exclSize] == UInt64(sizeLog) | 0x100 {
                let new1 = r[Int(p.pointee.rd)], new2 = r[Int(p.pointee.rm)]
                let ok: Bool
                if sizeLog == 3 {
                    ok = atomicCompareExchange128(m.host(a), expected: (r[Slot.exclVal], r[Slot.exclVal2]), desired: (new1, new2)).exchanged
                } else {
                    ok = atomicCompareExchange(m.host(a), 3, expected: r[Slot.exclVal] | r[Slot.exclVal2] << 32,
                                               desired: (new1 & 0xFFFF_FFFF) | new2 << 32).exchanged
                }
                if ok { status = 0 }
            }
            r[Slot.exclAddr] = ~0
            r[Int(p.pointee.ra)] = status
        case .atomic:
            guard m.writable(a, n), m.readable(a, n) else { return fault(r, s, p, a, true) }
            let h = m.host(a)
            let op = p.pointee.s1
            let operand = r[Int(p.pointee.rm)] & sizeMask(sizeLog)
            var old: UInt64
            switch op {
            case 0: old = atomicAdd(h, sizeLog, operand)
            case 8: old = atomicExchange(h, sizeLog, operand)
            default:
                old = loadSized(h, sizeLog)
                while true {
                    let (done, found) = atomicCompareExchange(h, sizeLog, expected: old, desired: lseResult(op, old, operand, sizeLog))
                    if done { break }
                    old = found
                }
            }
            r[Int(p.pointee.rd)] = old
        case .cas:
            guard m.writable(a, n), m.readable(a, n) else { return fault(r, s, p, a, true) }
            let old = atomicCompareExchange(m.host(a), sizeLog, expected: r[Int(p.pointee.rm)] & sizeMask(sizeLog),
                                            desired: r[Int(p.pointee.rd)]).original
            r[Int(p.pointee.ra)] = old
        case .casp:
            guard m.writable(a, 2 * n), m.readable(a, 2 * n) else { return fault(r, s, p, a, true) }
            let rs = Int(p.pointee.rm), rt = Int(p.pointee.rd)
            let mask = sizeMask(sizeLog)
            // Register 31 of a pair reads as zero (XZR).
            let e1 = rs < 31 ? r[rs] & mask : 0, e2 = rs + 1 < 31 ? r[rs + 1] & mask : 0
            let d1 = rt < 31 ? r[rt] & mask : 0, d2 = rt + 1 < 31 ? r[rt + 1] & mask : 0
            let old1: UInt64, old2: UInt64
            if sizeLog == 3 {
                let res = atomicCompareExchange128(m.host(a), expected: (e1, e2), desired: (d1, d2))
                old1 = res.lo; old2 = res.hi
            } else {
                let old = atomicCompareExchange(m.host(a), 3, expected: e1 | e2 << 32, desired: d1 | d2 << 32).original
                old1 = old & 0xFFFF_FFFF; old2 = old >> 32
            }
            if rs < 31 { r[rs] = old1 }
            if rs + 1 < 31 { r[rs + 1] = old2 }
        default: // DC ZVA: DCZID_EL0 says 64-byte blocks
            let z = a & ~63
            guard m.writable(z, 64) else { return fault(r, s, p, z, true) }
            m.host(z).initializeMemory(as: UInt8.self, repeating: 0, count: 64)
        }
        return Flow.next
    }

    /// LDAR (s1 = 1) and STLR (s1 = 0). Both must be aligned, as under
    /// qemu. LDAR is a plain load (x86 loads are acquire); STLR is a store
    /// that a later load of this thread cannot pass (x86 may move a plain
    /// store after a later load), so it is followed by `mfence`.
    @inline(never)
    static func orderedAccess(_ r: UnsafeMutablePointer<UInt64>, _ s: UnsafeMutablePointer<ExecState>, _ p: UnsafeMutablePointer<Op>) -> Int {
        let m = s.pointee.mem
        let sizeLog = p.pointee.s2
        let n = UInt64(1) << UInt64(sizeLog)
        let a = r[Int(p.pointee.rn)]
        if a & (n &- 1) != 0 {
            r[Slot.pc] = s.pointee.blockPC &+ UInt64(p.pointee.idx) &* 4
            r[Slot.icount] &+= UInt64(p.pointee.idx)
            return exit(s, .alignment(addr: a, write: p.pointee.s1 == 0))
        }
        if p.pointee.s1 == 1 {
            guard m.readable(a, n) else { return fault(r, s, p, a, false) }
            r[Int(p.pointee.rd)] = loadSized(m.host(a), sizeLog)
        } else {
            guard m.writable(a, n) else { return fault(r, s, p, a, true) }
            storeSized(m.host(a), r[Int(p.pointee.rd)], sizeLog)
            atomicMemoryFence(ordering: .sequentiallyConsistent)
        }
        return Flow.next
    }

    /// DMB/DSB: orders earlier stores before later loads (`mfence`).
    @inline(never)
    static func fullBarrier() {
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }
}
