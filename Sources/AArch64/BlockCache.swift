import GuestMemory

/// Translated blocks: ops in one flat arena, found by guest PC through a
/// direct-mapped table tagged with the full PC.
///
/// Invariant: `ops` holds `capacity` ops, of which `[0, used)` are
/// initialised. A flush resets `used` to 0 and clears the table; chain links
/// live inside ops, so they disappear with the ops they belong to.
final class BlockCache {
    static let capacity = 1 << 19
    static let maxBlockInsns = 128
    static let tableBits = 16

    let ops: UnsafeMutablePointer<Op>
    var used = 0
    let tags: UnsafeMutablePointer<UInt64>
    let entries: UnsafeMutablePointer<Int32>
    let tableMask: UInt64 = (1 << UInt64(BlockCache.tableBits)) - 1
    /// Bumped on every flush; a link may only be written when the
    /// generation seen before translating is still current.
    var generation = 0

    init() {
        ops = .allocate(capacity: BlockCache.capacity)
        let n = 1 << BlockCache.tableBits
        tags = .allocate(capacity: n)
        tags.initialize(repeating: ~0, count: n)
        entries = .allocate(capacity: n)
        entries.initialize(repeating: -1, count: n)
    }

    deinit {
        ops.deallocate()
        tags.deallocate()
        entries.deallocate()
    }

    func flush() {
        used = 0
        generation += 1
        tags.update(repeating: ~0, count: 1 << BlockCache.tableBits)
    }

    @inline(__always)
    func lookup(_ pc: UInt64) -> Int32 {
        let i = Int(truncatingIfNeeded: (pc >> 2) & tableMask)
        return tags[i] == pc ? entries[i] : -1
    }

    /// Decodes the block at `pc` and returns the arena index of its first
    /// op, or -1 when `pc` itself cannot be fetched.
    func translate(_ pc: UInt64, mem: AddressSpace, features: FeatureSet) -> Int32 {
        if used + BlockCache.maxBlockInsns + 2 > BlockCache.capacity { flush() }
        let first = used
        var addr = pc
        var n = 0
        while true {
            if !mem.check(addr, 4, PagePerm.exec) {
                if n == 0 { return -1 }
                append(jumpOp(to: addr, idx: n - 1))
                break
            }
            mem.markCode(addr)
            let insn = mem.host(addr).loadUnaligned(as: UInt32.self)
            var op = Decoder.decode(insn, pc: addr, features: features)
            op.idx = UInt16(n)
            op.fn = Threaded.handler(op.code)
            n += 1
            if op.code == .nop {
                // Nothing to execute; keep counting instructions.
            } else if op.code == .bcond, used > first, fuseCompare(into: &op) {
                ops[used - 1] = op
            } else {
                append(op)
            }
            if Decoder.endsBlock(op.code) { break }
            addr &+= 4
            if n >= BlockCache.maxBlockInsns || addr & AddressSpace.pageMask == 0 {
                append(jumpOp(to: addr, idx: n - 1))
                break
            }
        }
        let i = Int(truncatingIfNeeded: (pc >> 2) & tableMask)
        tags[i] = pc
        entries[i] = Int32(first)
        return Int32(first)
    }

    @inline(__always)
    private func append(_ op: Op) {
        (ops + used).initialize(to: op)
        used += 1
    }

    private func jumpOp(to addr: UInt64, idx: Int) -> Op {
        var j = Op(.jump, imm: addr)
        j.idx = UInt16(idx)
        j.fn = Threaded.handler(.jump)
        return j
    }

    /// Turns `SUBS`/`CMP` followed by `B.cond` into one op.
    private func fuseCompare(into op: inout Op) -> Bool {
        let prev = ops[used - 1]
        var fused = op
        fused.rd = prev.rd
        switch prev.code {
        case .subsImm64, .subsImm32:
            guard prev.imm <= UInt64(UInt32.max) else { return false }
            fused.code = prev.code == .subsImm64 ? .cmpImmBcc64 : .cmpImmBcc32
            fused.rn = prev.rn
            fused.insn = UInt32(prev.imm)
        case .subsReg64, .subsReg32:
            fused.code = prev.code == .subsReg64 ? .cmpRegBcc64 : .cmpRegBcc32
            fused.rn = prev.rn
            fused.rm = prev.rm
        default:
            return false
        }
        fused.fn = Threaded.handler(fused.code)
        op = fused
        return true
    }
}
