// The ELF mutation fuzzer's mutator, shared by the in-process fuzz
// (ELFTests/MalformedTests) and the whole-process fuzz
// (IntegrationTests/MalformedInputTests, through a symbolic link).
// Deterministic: case `i` of seed `s` is always the same file.

/// SplitMix64, so that a failing case can be replayed from its seed.
struct FuzzRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Mutates the headers, program headers, PT_INTERP, PT_GNU_STACK and
/// notes of a valid AArch64 ELF file.
struct ELFMutator {
    static let interesting: [UInt64] = [0, 1, 2, 7, 0x38, 0x40, 0xff8, 0xfff, 0x1000, 0x1001, 0x10000, 0x7fff_ffff,
                                        0xffff_ffff, 1 << 32, 1 << 39, 1 << 47, 1 << 48, UInt64.max, UInt64.max - 0xfff,
                                        UInt64.max / 2, 0x8000_0000_0000_0000]
    static let kinds = ["ehdr-bytes", "ehdr-field", "phdr-bytes", "phdr-field", "load", "interp", "gnu-stack",
                        "note", "truncate", "extend", "phnum", "random-bytes"]

    /// The mutated file and the names of the mutations applied.
    static func mutate(_ original: [UInt8], seed: UInt64, index: Int) -> (bytes: [UInt8], what: [String]) {
        var g = FuzzRNG(state: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x2545_f491_4f6c_dd1d))
        var b = original
        var what: [String] = []
        for _ in 0..<(1 + g.below(3)) {
            let k = g.below(kinds.count)
            what.append(kinds[k])
            apply(k, &b, &g)
        }
        return (b, what)
    }

    // MARK: Layout of the file being mutated (re-read after each step)

    static func u16(_ b: [UInt8], _ o: Int) -> UInt64 { o + 2 <= b.count ? UInt64(b[o]) | UInt64(b[o + 1]) << 8 : 0 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt64 { u16(b, o) | u16(b, o + 2) << 16 }
    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 { u32(b, o) | u32(b, o + 4) << 32 }
    static func put(_ b: inout [UInt8], _ o: Int, _ v: UInt64, _ size: Int) {
        guard o >= 0, o + size <= b.count else { return }
        for i in 0..<size { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }

    /// File offsets of the program headers that lie inside the file.
    static func phdrs(_ b: [UInt8]) -> [Int] {
        guard b.count >= 64 else { return [] }
        let phoff = u64(b, 32), n = Int(u16(b, 56))
        guard phoff < UInt64(b.count) else { return [] }
        var out: [Int] = []
        for i in 0..<min(n, 128) {
            let o = Int(phoff) + 56 * i
            if o + 56 <= b.count { out.append(o) }
        }
        return out
    }

    static func headers(_ b: [UInt8], type: UInt64) -> [Int] { phdrs(b).filter { u32(b, $0) == type } }

    // MARK: Mutations

    static func apply(_ kind: Int, _ b: inout [UInt8], _ g: inout FuzzRNG) {
        let ph = phdrs(b)
        switch kind {
        case 0: // bytes of the ELF header, identification included
            for _ in 0..<(1 + g.below(3)) where b.count >= 64 {
                b[g.below(64)] ^= UInt8(truncatingIfNeeded: 1 + g.below(255))
            }
        case 1: // an interesting value into an ELF header field
            let field = g.pick([(4, 1), (5, 1), (6, 1), (16, 2), (18, 2), (20, 4), (24, 8), (32, 8), (52, 2),
                                (54, 2), (56, 2)])
            put(&b, field.0, g.pick(interesting) &+ UInt64(g.below(3)), field.1)
        case 2: // bytes of the program header table
            guard !ph.isEmpty else { return }
            for _ in 0..<(1 + g.below(4)) {
                b[g.pick(ph) + g.below(56)] ^= UInt8(truncatingIfNeeded: 1 + g.below(255))
            }
        case 3: // an interesting value into a program header field
            guard !ph.isEmpty else { return }
            let o = g.pick(ph)
            let field = g.pick([(0, 4), (4, 4), (8, 8), (16, 8), (32, 8), (40, 8), (48, 8)])
            var v = g.pick(interesting)
            if g.below(2) == 0 { v = u64(b, o + field.0) &+ UInt64(bitPattern: Int64(g.below(0x2001) - 0x1000)) }
            put(&b, o + field.0, v, field.1)
        case 4: // PT_LOAD rules: congruence, order, overlap, sizes
            let loads = headers(b, type: 1)
            guard let o = loads.isEmpty ? nil : g.pick(loads) else { return }
            switch g.below(7) {
            case 0: put(&b, o + 16, u64(b, o + 16) &+ UInt64(1 + g.below(0xfff)), 8)     // p_vaddr off the page
            case 1: put(&b, o + 8, u64(b, o + 8) &+ UInt64(1 + g.below(0xfff)), 8)      // p_offset off the page
            case 2: put(&b, o + 32, u64(b, o + 40) &+ UInt64(1 + g.below(0x2000)), 8)   // p_filesz > p_memsz
            case 3: // swap two PT_LOADs (order)
                let p = g.pick(loads)
                let x = Array(b[o..<(o + 56)]), y = Array(b[p..<(p + 56)])
                b.replaceSubrange(o..<(o + 56), with: y)
                b.replaceSubrange(p..<(p + 56), with: x)
            case 4: // overlap another PT_LOAD
                let p = g.pick(loads)
                put(&b, o + 16, u64(b, p + 16) &+ UInt64(g.below(0x3000)), 8)
            case 5: // a huge or sparse memory or file size
                let size = g.pick([UInt64(1) << 32, 1 << 36, 1 << 40, 1 << 47, UInt64.max - u64(b, o + 16)])
                put(&b, o + 40, size, 8)
                if g.below(2) == 0 { put(&b, o + 32, size, 8) }
            default: // near the top of the address space
                put(&b, o + 16, g.pick([UInt64(1) << 39, 1 << 48, UInt64.max & ~0xfff, (1 << 39) - 0x1000]), 8)
            }
        case 5: // PT_INTERP: size, bounds, NUL, duplicates, missing path
            let interps = headers(b, type: 3)
            if interps.isEmpty || g.below(4) == 0 {
                guard !ph.isEmpty else { return }
                let o = g.pick(ph)
                put(&b, o, 3, 4) // another header becomes PT_INTERP
                if g.below(2) == 0 { put(&b, o + 32, UInt64(g.below(64)), 8) }
                return
            }
            let o = g.pick(interps)
            let off = Int(clamping: u64(b, o + 8)), size = Int(clamping: u64(b, o + 32))
            let inside = size <= b.count && off <= b.count - size
            switch g.below(6) {
            case 0: put(&b, o + 32, g.pick([0, 1, 2, 4095, 4096, 4097, 1 << 20, UInt64.max]), 8)
            case 1: put(&b, o + 8, UInt64(b.count) &- UInt64(g.below(40)), 8)
            case 2: if inside, size > 0 { b[off + size - 1] = 0x41 } // no NUL
            case 3: if inside, size > 4 { b[off + 1] = 0x7a } // a path not found
            case 4: put(&b, o + 32, u64(b, o + 32) &+ UInt64(g.below(8)) &- 4, 8)
            default: if inside, size > 2 { b[off + g.below(size - 1)] = 0 } // shorter
            }
        case 6: // PT_GNU_STACK: PF_X, duplicates
            let stacks = headers(b, type: 0x6474_e551)
            if let o = stacks.isEmpty ? nil : g.pick(stacks), g.below(3) != 0 {
                put(&b, o + 4, u32(b, o + 4) ^ 1, 4)
            } else if !ph.isEmpty {
                let o = g.pick(ph)
                put(&b, o, 0x6474_e551, 4)
                put(&b, o + 4, UInt64(g.below(8)), 4)
            }
        case 7: // notes: a PT_NOTE (or any header) as PT_GNU_PROPERTY, its note mutated
            let notes = headers(b, type: 4) + headers(b, type: 0x6474_e553)
            guard let o = notes.isEmpty ? (ph.isEmpty ? nil : g.pick(ph)) : g.pick(notes) else { return }
            if g.below(2) == 0 { put(&b, o, 0x6474_e553, 4) }
            let off = Int(clamping: u64(b, o + 8))
            guard b.count >= 40, off <= b.count - 40 else { return }
            if g.below(2) == 0 {
                // A valid GNU property note: FEATURE_1_AND = BTI.
                let note: [UInt64] = [4, 16, 5, 0x0055_4e47, 0xc000_0000, 4, 1, 0]
                for (i, v) in note.enumerated() { put(&b, off + 4 * i, v, 4) }
                put(&b, o + 32, 32, 8)
            }
            for _ in 0..<(1 + g.below(3)) {
                put(&b, off + 4 * g.below(10), g.pick(interesting), 4)
            }
            if g.below(3) == 0 { put(&b, o + 32, g.pick([0, 15, 16, 20, 31, 32, 1024, 1025, UInt64.max]), 8) }
        case 8: // truncate, often where a structure starts or ends
            var cuts = [g.below(b.count + 1), 64, 63, 16]
            for o in ph { cuts += [o, o + 28, Int(clamping: u64(b, o + 8) &+ u64(b, o + 32)) &- g.below(2)] }
            let cut = g.pick(cuts)
            if cut >= 0, cut < b.count { b.removeSubrange(cut...) }
        case 9: // extend with zeros
            b += [UInt8](repeating: 0, count: g.pick([1, 4096, 65536]))
        case 10: // e_phnum around the limits
            put(&b, 56, g.pick([0, 1, 73, 74, 1170, 1171, 0xffff, UInt64(ph.count + 1), UInt64(max(ph.count - 1, 0))]), 2)
        default: // random bytes anywhere
            for _ in 0..<(1 + g.below(8)) where !b.isEmpty {
                b[g.below(b.count)] = UInt8(truncatingIfNeeded: g.next())
            }
        }
    }
}
