import GuestMemory

// AdvSIMD load/store multiple structures (LD1-LD4/ST1-ST4) and single
// structure (lane forms and LD1R-LD4R), with post-index. The whole access
// range is checked before any register or memory changes, so a fault
// leaves the state untouched.

@inline(__always) func simdLoadElem(_ p: UnsafeMutableRawPointer, _ ebytes: Int) -> UInt64 {
    switch ebytes {
    case 1: return UInt64(p.load(as: UInt8.self))
    case 2: return UInt64(p.loadUnaligned(as: UInt16.self))
    case 4: return UInt64(p.loadUnaligned(as: UInt32.self))
    default: return p.loadUnaligned(as: UInt64.self)
    }
}

@inline(__always) func simdStoreElem(_ p: UnsafeMutableRawPointer, _ ebytes: Int, _ v: UInt64) {
    switch ebytes {
    case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
    case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: 0, as: UInt16.self)
    case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: v), toByteOffset: 0, as: UInt32.self)
    default: p.storeBytes(of: v, toByteOffset: 0, as: UInt64.self)
    }
}

@inline(__always) func executeSIMDLoadStore(_ r: UnsafeMutablePointer<UInt64>, _ mem: AddressSpace, _ insn: UInt32) -> StepStatus {
    let q = (insn >> 30) & 1 == 1, single = (insn >> 24) & 1 == 1, post = (insn >> 23) & 1 == 1
    let load = (insn >> 22) & 1 == 1
    let m = Int((insn >> 16) & 31), opcode = Int((insn >> 12) & 0xF), size = Int((insn >> 10) & 3)
    let n = Int((insn >> 5) & 31), t = Int(insn & 31)
    if !post && m != 0 { return .undefined }
    let baseSlot = n == 31 ? Slot.sp : n
    let addr = r[baseSlot]
    var total: Int
    if !single {
        if (insn >> 21) & 1 != 0 { return .undefined }
        let rpt: Int, selem: Int
        switch opcode {
        case 0x0: rpt = 1; selem = 4
        case 0x2: rpt = 4; selem = 1
        case 0x4: rpt = 1; selem = 3
        case 0x6: rpt = 3; selem = 1
        case 0x7: rpt = 1; selem = 1
        case 0x8: rpt = 1; selem = 2
        case 0xA: rpt = 2; selem = 1
        default: return .undefined
        }
        if size == 3 && !q && selem != 1 { return .undefined }
        let ebytes = 1 << size
        let elements = (q ? 16 : 8) / ebytes
        total = rpt * elements * selem * ebytes
        if !mem.check(addr, UInt64(total), load ? PagePerm.read : PagePerm.write) {
            return .fault(addr: addr, write: !load)
        }
        let host = mem.host(addr)
        if !load { mem.noteStore(addr, UInt64(total)) }
        let bits = ebytes * 8
        var off = 0
        for rr in 0..<rpt {
            for e in 0..<elements {
                var tt = (t + rr) & 31
                for _ in 0..<selem {
                    let p = host + off
                    if load {
                        var v = readV(r, tt)
                        if e == 0 && !q { v.hi = 0 }
                        v.setElem(e, bits, simdLoadElem(p, ebytes))
                        writeV(r, tt, v)
                    } else {
                        simdStoreElem(p, ebytes, readV(r, tt).elem(e, bits))
                    }
                    off += ebytes
                    tt = (tt + 1) & 31
                }
            }
        }
    } else {
        let selem = (((opcode >> 1) & 1) << 1 | Int((insn >> 21) & 1)) + 1
        let scale = opcode >> 2
        let s = (insn >> 12) & 1
        let qi = q ? 1 : 0
        var index = 0, ebytes = 1
        var replicate = false
        switch scale {
        case 0: index = (qi << 3) | (Int(s) << 2) | size
        case 1:
            if size & 1 != 0 { return .undefined }
            index = (qi << 2) | (Int(s) << 1) | (size >> 1); ebytes = 2
        case 2:
            if size == 0 { index = (qi << 1) | Int(s); ebytes = 4 } else if size == 1 && s == 0 { index = qi; ebytes = 8 } else { return .undefined }
        default:
            if !load || s != 0 { return .undefined }
            replicate = true
            ebytes = 1 << size
        }
        total = selem * ebytes
        if !mem.check(addr, UInt64(total), load ? PagePerm.read : PagePerm.write) {
            return .fault(addr: addr, write: !load)
        }
        let host = mem.host(addr)
        if !load { mem.noteStore(addr, UInt64(total)) }
        let bits = ebytes * 8
        var tt = t
        for k in 0..<selem {
            let p = host + k * ebytes
            if replicate {
                let v = simdLoadElem(p, ebytes)
                var res = V128()
                for e in 0..<(16 / ebytes) { res.setElem(e, bits, v) }
                writeVQ(r, tt, res, q)
            } else if load {
                var v = readV(r, tt)
                v.setElem(index, bits, simdLoadElem(p, ebytes))
                writeV(r, tt, v)
            } else {
                simdStoreElem(p, ebytes, readV(r, tt).elem(index, bits))
            }
            tt = (tt + 1) & 31
        }
    }
    if post {
        let inc: UInt64 = m == 31 ? UInt64(total) : r[m]
        r[baseSlot] = addr &+ inc
    }
    return .ok
}
