import AArch64
import ELF
import Glibc
import GuestMemory
import LinuxUser

/// qemu's `-d` log items that have a meaning here.
public struct LogItems: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Each translated block's guest code, disassembled (-d in_asm).
    public static let inAsm = LogItems(rawValue: 1)
    /// A `Trace` line before each executed block (-d exec).
    public static let exec = LogItems(rawValue: 2)
    /// The registers before each executed block (-d cpu).
    public static let cpu = LogItems(rawValue: 4)
    /// The guest mappings after loading (-d page).
    public static let page = LogItems(rawValue: 8)
    /// Unimplemented syscalls and undefined instructions (-d unimp).
    public static let unimp = LogItems(rawValue: 16)
    /// Guest faults and bad syscall pointers (-d guest_errors).
    public static let guestErrors = LogItems(rawValue: 32)
}

/// Writes the `-d` log in qemu-aarch64's formats. Lines go to the same
/// descriptor as the syscall trace (`Strace.fd`: stderr, or the -D file).
public enum DebugLog {
    static func emit(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(Strace.fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
        }
    }

    static func hex(_ v: UInt64, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }

    /// One translated block as qemu's `-d in_asm` shows it: a separator,
    /// `IN: ` and the function's name when the program has symbols, one line per guest
    /// instruction, and a blank line.
    public static func inAsm(pc: UInt64, count: Int, mem: AddressSpace, symbol: String = "") -> String {
        var out = "----------------\nIN: " + symbol + "\n"
        var addr = pc
        for _ in 0..<count {
            guard mem.check(addr, 4, PagePerm.read) || mem.check(addr, 4, PagePerm.exec) else { break }
            let insn = mem.host(addr).loadUnaligned(as: UInt32.self)
            out += instructionLine(pc: addr, insn: insn)
            addr &+= 4
        }
        return out + "\n"
    }

    /// `0x%08llx:  %08x  %-8s %s`, qemu's line for one instruction.
    public static func instructionLine(pc: UInt64, insn: UInt32) -> String {
        let d = Disassembler.disassemble(insn, pc: pc) ?? Disassembly(".inst", "0x" + Disassembler.hex8(insn))
        let pad = d.mnemonic.count < 8 ? String(repeating: " ", count: 8 - d.mnemonic.count) : ""
        return "0x" + hex(pc, 8) + ":  " + Disassembler.hex8(insn) + "  " + d.mnemonic + pad + " " + d.operands + "\n"
    }

    /// qemu's `-d exec` line; the host address is the block's first op.
    public static func execLine(pc: UInt64, host: UnsafeRawPointer, symbol: String = "") -> String {
        "Trace 0: 0x" + hex(UInt64(UInt(bitPattern: host)), 12) + " [0000000000000000/" + hex(pc, 16)
            + "/00000000/00000000] " + symbol + "\n"
    }

    /// qemu's arm64 register dump (`-d cpu`), integer registers only.
    public static func cpuState(_ cpu: CPU, pc: UInt64) -> String {
        var out = " PC=" + hex(pc, 16) + " "
        for i in 0..<31 {
            out += "X" + (i < 10 ? "0" : "") + "\(i)=" + hex(cpu.x(i), 16) + ((i + 2) % 3 != 0 ? " " : "\n")
        }
        out += " SP=" + hex(cpu.sp, 16) + "\n"
        let nzcv = cpu.nzcv
        let flags = (nzcv >> 31 & 1 == 1 ? "N" : "-") + (nzcv >> 30 & 1 == 1 ? "Z" : "-")
            + (nzcv >> 29 & 1 == 1 ? "C" : "-") + (nzcv >> 28 & 1 == 1 ? "V" : "-")
        out += "PSTATE=" + hex(nzcv, 8) + " " + flags + " EL0t  SVCR=00000000 --  BTYPE=0\n"
        return out
    }

    /// qemu's `-d page` view after loading: the process layout, then the
    /// guest mappings with their protections.
    public static func pageLayout(mem: AddressSpace, program: LoadedProgram, stack: StackLayout, info: ProcInfo) -> String {
        let fields: [(String, UInt64)] = [
            ("start_brk", program.brkStart), ("end_code", info.endCode), ("start_code", info.startCode),
            ("start_data", info.startData), ("end_data", info.endData), ("start_stack", stack.sp),
            ("brk", program.brkStart), ("entry", program.programEntry), ("argv_start", stack.argvAddr),
            ("env_start", stack.envpAddr), ("auxv_start", stack.auxvAddr),
        ]
        var out = ""
        for (name, v) in fields {
            out += name + String(repeating: " ", count: 12 - name.count) + "0x" + hex(v, 16) + "\n"
        }
        out += "start            end              size             prot\n"
        for r in mem.regions {
            let p = (r.prot & PROT_READ != 0 ? "r" : "-") + (r.prot & PROT_WRITE != 0 ? "w" : "-")
                + (r.prot & PROT_EXEC != 0 ? "x" : "-")
            out += hex(r.start, 16) + "-" + hex(r.end, 16) + " " + hex(r.end - r.start, 16) + " " + p + "\n"
        }
        return out
    }
}

/// The program's function symbols (`.symtab`, STT_FUNC), as qemu loads them
/// to name blocks in `-d in_asm` and `-d exec`; empty for a stripped file.
/// The table is built and searched as qemu-aarch64 7.2 does (unwanted
/// entries replaced by the last one, a stable sort by address, a binary
/// search for the symbol whose [value, value+size) holds the pc), so that
/// of two aliases at one address the same name is shown.
public struct GuestSymbols: Sendable {
    /// (value, size, name), sorted by value.
    var functions: [(UInt64, UInt64, String)] = []

    public init() {}

    /// Reads the symbol table of the ELF file `bytes`, whose symbols are
    /// moved by `bias` (the load bias of a PIE).
    public init(elf bytes: [UInt8], bias: UInt64) {
        func u16(_ o: Int) -> Int { o + 2 <= bytes.count ? Int(bytes[o]) | Int(bytes[o + 1]) << 8 : 0 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> UInt64 { UInt64(u32(o)) | UInt64(u32(o + 4)) << 32 }
        guard bytes.count >= 64 else { return }
        let shoff = Int(truncatingIfNeeded: u64(0x28)), shentsize = u16(0x3A), shnum = u16(0x3C)
        guard shoff > 0, shentsize >= 64, shoff + shnum * shentsize <= bytes.count else { return }
        for i in 0..<shnum {
            let sh = shoff + i * shentsize
            guard u32(sh + 4) == 2 else { continue } // SHT_SYMTAB
            let off = Int(truncatingIfNeeded: u64(sh + 24)), size = Int(truncatingIfNeeded: u64(sh + 32))
            let link = u32(sh + 40)
            guard link < shnum, off >= 0, size >= 0, off + size <= bytes.count else { return }
            let strSH = shoff + link * shentsize
            let strOff = Int(truncatingIfNeeded: u64(strSH + 24)), strSize = Int(truncatingIfNeeded: u64(strSH + 32))
            guard strOff >= 0, strSize >= 0, strOff + strSize <= bytes.count else { return }
            var all: [(UInt64, UInt64, Int, Bool)] = [] // value, size, name offset, wanted
            var sym = off
            while sym + 24 <= off + size {
                let shndx = u16(sym + 6)
                let wanted = bytes[sym + 4] & 0xF == 2 && shndx != 0 && shndx < 0xFF00
                all.append((u64(sym + 8) &+ bias, u64(sym + 16), strOff + u32(sym), wanted))
                sym += 24
            }
            // qemu's filter: an unwanted entry is replaced by the last one.
            var n = all.count, k = 0
            while k < n {
                if all[k].3 { k += 1; continue }
                n -= 1
                if k < n { all[k] = all[n] }
            }
            let kept = all[0..<n].enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            for (_, e) in kept {
                var end = e.2
                while end < strOff + strSize && bytes[end] != 0 { end += 1 }
                functions.append((e.0, e.1, String(decoding: bytes[min(e.2, end)..<end], as: UTF8.self)))
            }
            return
        }
    }

    /// The function that contains `pc`, or "" (glibc's bsearch over the
    /// sorted table, as qemu's lookup_symbol).
    public func name(at pc: UInt64) -> String {
        var l = 0, u = functions.count
        while l < u {
            let i = (l + u) / 2
            let f = functions[i]
            if pc < f.0 { u = i } else if pc >= f.0 &+ f.1 { l = i + 1 } else { return f.2 }
        }
        return ""
    }
}
