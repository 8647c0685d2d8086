// MARK: - Disassembly: branches, exception generating and system instructions

extension Disassembler {
    static func disBranchSystem(_ insn: UInt32, pc: UInt64) -> Disassembly? {
        if insn & 0x7C00_0000 == 0x1400_0000 {
            return Disassembly(bit(insn, 31) == 1 ? "bl" : "b", dTarget(pc, signExtend(bits(insn, 25, 0), 26) << 2))
        }
        if insn & 0x7E00_0000 == 0x3400_0000 {
            return Disassembly(bit(insn, 24) == 1 ? "cbnz" : "cbz",
                               dR(bit(insn, 31), bits(insn, 4, 0)) + ", " + dTarget(pc, signExtend(bits(insn, 23, 5), 19) << 2))
        }
        if insn & 0x7E00_0000 == 0x3600_0000 {
            let b = (bit(insn, 31) << 5) | bits(insn, 23, 19)
            return Disassembly(bit(insn, 24) == 1 ? "tbnz" : "tbz",
                               dR(bit(insn, 31), bits(insn, 4, 0)) + ", " + dDec(b) + ", "
                               + dTarget(pc, signExtend(bits(insn, 18, 5), 14) << 2))
        }
        if insn & 0xFF00_0000 == 0x5400_0000 {
            let name = (bit(insn, 4) == 1 ? "bc." : "b.") + dCondNames[bits(insn, 3, 0)]
            return Disassembly(name, dTarget(pc, signExtend(bits(insn, 23, 5), 19) << 2))
        }
        if insn & 0xFE00_0000 == 0xD600_0000 { return disBranchRegister(insn) }
        if insn & 0xFF00_0000 == 0xD400_0000 { return disException(insn) }
        if insn & 0xFFC0_0000 == 0xD500_0000 { return disSystem(insn) }
        return nil
    }

    static func disBranchRegister(_ insn: UInt32) -> Disassembly? {
        let opc = bits(insn, 24, 21), op2 = bits(insn, 20, 16), op3 = bits(insn, 15, 10)
        let rn = bits(insn, 9, 5), op4 = bits(insn, 4, 0)
        guard op2 == 31 else { return nil }
        switch (opc, op3) {
        case (0, 0), (1, 0), (2, 0):
            guard op4 == 0 else { return nil }
            if opc == 2 { return Disassembly("ret", rn == 30 ? "" : dX(rn)) }
            return Disassembly(opc == 0 ? "br" : "blr", dX(rn))
        case (0, 2), (0, 3), (1, 2), (1, 3):
            guard op4 == 31 else { return nil }
            return Disassembly((opc == 0 ? "bra" : "blra") + (op3 == 2 ? "az" : "bz"), dX(rn))
        case (2, 2), (2, 3), (4, 2), (4, 3):
            guard rn == 31, op4 == 31 else { return nil }
            return Disassembly((opc == 2 ? "reta" : "ereta") + (op3 == 2 ? "a" : "b"))
        case (4, 0), (5, 0):
            guard rn == 31, op4 == 0 else { return nil }
            return Disassembly(opc == 4 ? "eret" : "drps")
        case (8, 2), (8, 3), (9, 2), (9, 3):
            return Disassembly((opc == 8 ? "bra" : "blra") + (op3 == 2 ? "a" : "b"), dX(rn) + ", " + dX(op4, sp: true))
        default:
            return nil
        }
    }

    static func disException(_ insn: UInt32) -> Disassembly? {
        let imm16 = bits(insn, 20, 5)
        let imm = dHex(UInt64(imm16))
        switch (bits(insn, 23, 21), bits(insn, 4, 0)) {
        case (0, 1): return Disassembly("svc", imm)
        case (0, 2): return Disassembly("hvc", imm)
        case (0, 3): return Disassembly("smc", imm)
        case (1, 0): return Disassembly("brk", imm)
        case (2, 0): return Disassembly("hlt", imm)
        case (3, 0): return Disassembly("tcancel", dDec(imm16))
        case (5, 1), (5, 2), (5, 3): return Disassembly("dcps\(bits(insn, 1, 0))", imm16 == 0 ? "" : imm)
        default: return nil
        }
    }

    static func disSystem(_ insn: UInt32) -> Disassembly? {
        let rt = bits(insn, 4, 0)
        let l = bit(insn, 21), op0 = bits(insn, 20, 19), op1 = bits(insn, 18, 16)
        let crn = bits(insn, 15, 12), crm = bits(insn, 11, 8), op2 = bits(insn, 7, 5)
        if l == 0 && op0 == 0 && rt == 31 {
            var known: Disassembly?
            if crn == 2 && op1 == 3 { known = disHint((crm << 3) | op2) }
            if crn == 3 && op1 == 3 { known = disBarrier(crm: crm, op2: op2) }
            if crn == 4 { known = disPState(op1: op1, crm: crm, op2: op2) }
            if let known { return known }
        }
        if op0 == 1 {
            let c = "C\(crn), C\(crm), #\(op2)"
            if l == 1 { return Disassembly("sysl", dX(rt) + ", #\(op1), " + c) }
            if let (name, op) = dSysOperation(op1: op1, crn: crn, crm: crm, op2: op2) {
                return Disassembly(name, op + (rt == 31 && name == "tlbi" ? "" : ", " + dX(rt)))
            }
            return Disassembly("sys", "#\(op1), " + c + (rt == 31 ? "" : ", " + dX(rt)))
        }
        do {
            let name = dSysRegName(op0: op0, op1: op1, crn: crn, crm: crm, op2: op2)
            if l == 1 { return Disassembly("mrs", dX(rt) + ", " + name) }
            return Disassembly("msr", name + ", " + dX(rt))
        }
    }

    static func disHint(_ imm: Int) -> Disassembly {
        let names: [Int: String] = [
            0: "nop", 1: "yield", 2: "wfe", 3: "wfi", 4: "sev", 5: "sevl", 7: "xpaclri",
            8: "pacia1716", 10: "pacib1716", 12: "autia1716", 14: "autib1716",
            16: "esb", 20: "csdb", 22: "clearbhb",
            24: "paciaz", 25: "paciasp", 26: "pacibz", 27: "pacibsp",
            28: "autiaz", 29: "autiasp", 30: "autibz", 31: "autibsp",
        ]
        if let n = names[imm] { return Disassembly(n) }
        switch imm {
        case 17: return Disassembly("psb", "csync")
        case 18: return Disassembly("tsb", "csync")
        case 32: return Disassembly("bti")
        case 34: return Disassembly("bti", "c")
        case 36: return Disassembly("bti", "j")
        case 38: return Disassembly("bti", "jc")
        default: return Disassembly("hint", dHex(UInt64(imm)))
        }
    }

    static func disBarrier(crm: Int, op2: Int) -> Disassembly? {
        let options = ["", "oshld", "oshst", "osh", "", "nshld", "nshst", "nsh",
                       "", "ishld", "ishst", "ish", "", "ld", "st", "sy"]
        func option() -> String {
            if options[crm].isEmpty { return "#0x" + (crm < 16 ? "0" : "") + String(crm, radix: 16) }
            return options[crm]
        }
        switch op2 {
        case 1:
            guard crm & 3 == 2 else { return nil }
            return Disassembly("dsb", ["oshnxs", "nshnxs", "ishnxs", "synxs"][crm >> 2])
        case 2: return Disassembly("clrex", crm == 15 ? "" : dHex(UInt64(crm)))
        case 3: return crm == 0 ? Disassembly("tcommit") : nil
        case 4:
            if crm == 0 { return Disassembly("ssbb") }
            if crm == 4 { return Disassembly("pssbb") }
            return Disassembly("dsb", option())
        case 5: return Disassembly("dmb", option())
        case 6: return Disassembly("isb", crm == 15 ? "" : dHex(UInt64(crm)))
        case 7: return crm == 0 ? Disassembly("sb") : nil
        default: return nil
        }
    }

    static func disPState(op1: Int, crm: Int, op2: Int) -> Disassembly? {
        switch (op1, op2) {
        case (0, 0): return crm == 0 ? Disassembly("cfinv") : nil
        case (0, 1): return crm == 0 ? Disassembly("xaflag") : nil
        case (0, 2): return crm == 0 ? Disassembly("axflag") : nil
        case (1, 0): return crm <= 1 ? Disassembly("msr", "allint, " + dHex(UInt64(crm))) : nil
        case (3, 3):
            switch crm {
            case 2: return Disassembly("smstop", "sm")
            case 3: return Disassembly("smstart", "sm")
            case 4: return Disassembly("smstop", "za")
            case 5: return Disassembly("smstart", "za")
            case 6: return Disassembly("smstop")
            case 7: return Disassembly("smstart")
            default: return nil
            }
        default: break
        }
        let fields: [Int: String] = [0x03: "uao", 0x04: "pan", 0x05: "spsel", 0x19: "ssbs", 0x1A: "dit",
                                     0x1C: "tco", 0x1E: "daifset", 0x1F: "daifclr"]
        guard let name = fields[(op1 << 3) | op2] else { return nil }
        // The one-bit fields take only #0 and #1.
        if !name.hasPrefix("daif") && crm > 1 { return nil }
        return Disassembly("msr", name + ", " + dHex(UInt64(crm)))
    }

    /// Names of the SYS operations objdump shows as DC and IC (the cache
    /// maintenance and tag operations an EL0 program can issue).
    static func dSysOperation(op1: Int, crn: Int, crm: Int, op2: Int) -> (String, String)? {
        guard crn == 7 else { return nil }
        switch (op1, crm, op2) {
        case (3, 4, 1): return ("dc", "zva")
        case (3, 10, 1): return ("dc", "cvac")
        case (3, 11, 1): return ("dc", "cvau")
        case (3, 12, 1): return ("dc", "cvap")
        case (3, 13, 1): return ("dc", "cvadp")
        case (3, 14, 1): return ("dc", "civac")
        case (3, 5, 1): return ("ic", "ivau")
        // Prediction restriction by context (FEAT_SPECRES).
        case (3, 3, 4): return ("cfp", "rctx")
        case (3, 3, 5): return ("dvp", "rctx")
        case (3, 3, 7): return ("cpp", "rctx")
        // The MTE forms an EL0 program may issue.
        case (3, 4, 3): return ("dc", "gva")
        case (3, 4, 4): return ("dc", "gzva")
        case (3, 10, 3): return ("dc", "cgvac")
        case (3, 10, 5): return ("dc", "cgdvac")
        case (3, 12, 3): return ("dc", "cgvap")
        case (3, 12, 5): return ("dc", "cgdvap")
        case (3, 13, 3): return ("dc", "cgvadp")
        case (3, 13, 5): return ("dc", "cgdvadp")
        case (3, 14, 3): return ("dc", "cigvac")
        case (3, 14, 5): return ("dc", "cigdvac")
        default: return nil
        }
    }

    /// A system register's name, or the generic `s<op0>_<op1>_c<n>_c<m>_<op2>`.
    static func dSysRegName(op0: Int, op1: Int, crn: Int, crm: Int, op2: Int) -> String {
        switch SysReg.id(op0, op1, crn, crm, op2) {
        case SysReg.nzcv: return "nzcv"
        case SysReg.fpcr: return "fpcr"
        case SysReg.fpsr: return "fpsr"
        case SysReg.tpidrEL0: return "tpidr_el0"
        case SysReg.tpidrroEL0: return "tpidrro_el0"
        case SysReg.ctrEL0: return "ctr_el0"
        case SysReg.dczidEL0: return "dczid_el0"
        case SysReg.cntfrqEL0: return "cntfrq_el0"
        case SysReg.cntvctEL0: return "cntvct_el0"
        case SysReg.cntpctEL0: return "cntpct_el0"
        case SysReg.id(3, 0, 0, 0, 0): return "midr_el1"
        case SysReg.id(3, 0, 0, 0, 5): return "mpidr_el1"
        case SysReg.id(3, 0, 0, 4, 0): return "id_aa64pfr0_el1"
        case SysReg.id(3, 0, 0, 4, 1): return "id_aa64pfr1_el1"
        case SysReg.id(3, 0, 0, 6, 0): return "id_aa64isar0_el1"
        case SysReg.id(3, 0, 0, 6, 1): return "id_aa64isar1_el1"
        case SysReg.id(3, 0, 0, 7, 0): return "id_aa64mmfr0_el1"
        case SysReg.id(3, 3, 4, 2, 1): return "daif"
        case SysReg.id(3, 3, 4, 2, 5): return "dit"
        case SysReg.id(3, 3, 4, 2, 6): return "ssbs"
        case SysReg.id(3, 3, 4, 2, 7): return "tco"
        case SysReg.id(3, 3, 2, 4, 0): return "rndr"
        case SysReg.id(3, 3, 2, 4, 1): return "rndrrs"
        default: return "s\(op0)_\(op1)_c\(crn)_c\(crm)_\(op2)"
        }
    }
}
