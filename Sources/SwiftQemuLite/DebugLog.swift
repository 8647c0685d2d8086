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
    /// `IN: ` and the symbol (none are known here), one line per guest
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
    public static func execLine(pc: UInt64, host: UnsafeRawPointer) -> String {
        "Trace 0: 0x" + hex(UInt64(UInt(bitPattern: host)), 12) + " [0000000000000000/" + hex(pc, 16) + "/00000000/00000000] \n"
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
