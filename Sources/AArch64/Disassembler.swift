// MARK: - A64 disassembler

/// One disassembled instruction: a mnemonic and its operand text, in GNU
/// objdump's syntax with the Arm ARM's preferred aliases.
public struct Disassembly: Equatable, Sendable {
    public var mnemonic: String
    public var operands: String

    public init(_ mnemonic: String, _ operands: String = "") {
        self.mnemonic = mnemonic
        self.operands = operands
    }

    /// `mnemonic operands`, or just the mnemonic when there are none.
    public var text: String { operands.isEmpty ? mnemonic : mnemonic + " " + operands }
}

/// Disassembles A64 instructions into GNU objdump's syntax.
///
/// The walk follows the same encoding groups as `Decoder` (the top-level
/// split on bits 28:25, then the Arm ARM's group tables, one file per
/// group) and uses the decoder's field helpers (`bits`, `signExtend`,
/// `decodeBitMasks`). It knows more instructions than the executor runs
/// (crypto, FP16, MTE, pointer authentication...): `docs/disassembler.md`
/// lists which ones, and a test checks that every word the decoder accepts
/// is disassembled.
public enum Disassembler {
    /// The instruction `insn` at `pc`, or nil when the encoding is
    /// unallocated or not known (objdump prints `.inst` for those).
    public static func disassemble(_ insn: UInt32, pc: UInt64) -> Disassembly? {
        switch (insn >> 25) & 0xF {
        case 0b1000, 0b1001: return disDataProcessingImmediate(insn, pc: pc)
        case 0b1010, 0b1011: return disBranchSystem(insn, pc: pc)
        case 0b0101, 0b1101: return disDataProcessingRegister(insn)
        case 0b0111, 0b1111: return disFPSIMD(insn)
        case 0b0100, 0b0110, 0b1100, 0b1110: return disLoadStore(insn, pc: pc)
        case 0b0000:
            // UDF: the permanently undefined encoding objdump still names.
            if insn & 0xFFFF_0000 == 0 { return Disassembly("udf", "#\(insn & 0xFFFF)") }
            return nil
        default: return nil
        }
    }

    /// `mnemonic operands` for `insn` at `pc`; `.inst 0x%08x ; undefined`
    /// (objdump's text) when it is not a known instruction.
    public static func text(_ insn: UInt32, pc: UInt64) -> String {
        if let d = disassemble(insn, pc: pc) { return d.text }
        return ".inst 0x" + hex8(insn) + " ; undefined"
    }

    /// The word as eight lowercase hex digits.
    public static func hex8(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

// MARK: - Operand formatting shared by the groups

/// `#0x..` for an unsigned immediate.
@inline(__always) func dHex(_ v: UInt64) -> String { "#0x" + String(v, radix: 16) }
/// `0x..` for an address.
@inline(__always) func dAddr(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
/// `#n` in decimal.
@inline(__always) func dDec(_ v: Int) -> String { "#\(v)" }
@inline(__always) func dDec(_ v: Int64) -> String { "#\(v)" }

/// General register `n`; 31 is SP when `sp` is true, the zero register otherwise.
@inline(__always) func dX(_ n: Int, sp: Bool = false) -> String { n == 31 ? (sp ? "sp" : "xzr") : "x\(n)" }
@inline(__always) func dW(_ n: Int, sp: Bool = false) -> String { n == 31 ? (sp ? "wsp" : "wzr") : "w\(n)" }
@inline(__always) func dR(_ sf: Int, _ n: Int, sp: Bool = false) -> String { sf == 1 ? dX(n, sp: sp) : dW(n, sp: sp) }

let dCondNames = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"]
let dShiftNames = ["lsl", "lsr", "asr", "ror"]
let dExtendNames = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"]

/// The target of a pc-relative operand.
@inline(__always) func dTarget(_ pc: UInt64, _ offset: Int64) -> String { dAddr(pc &+ UInt64(bitPattern: offset)) }

/// Scalar FP/SIMD register of `bytes` width (1 b, 2 h, 4 s, 8 d, 16 q).
func dV(_ bytes: Int, _ n: Int) -> String {
    switch bytes {
    case 1: return "b\(n)"
    case 2: return "h\(n)"
    case 4: return "s\(n)"
    case 8: return "d\(n)"
    default: return "q\(n)"
    }
}

/// Element size letter for log2 of the element bytes.
let dSizeLetter = ["b", "h", "s", "d", "q"]

/// Vector arrangement for element size `size` (0 b ... 3 d) and Q.
func dArr(_ size: Int, _ q: Int) -> String {
    switch size {
    case 0: return q == 1 ? "16b" : "8b"
    case 1: return q == 1 ? "8h" : "4h"
    case 2: return q == 1 ? "4s" : "2s"
    default: return q == 1 ? "2d" : "1d"
    }
}

/// `vN.T` with the arrangement of `size` and `q`.
@inline(__always) func dVA(_ n: Int, _ size: Int, _ q: Int) -> String { "v\(n)." + dArr(size, q) }
/// `vN.T` with an explicit arrangement.
@inline(__always) func dVT(_ n: Int, _ t: String) -> String { "v\(n)." + t }

/// An FP immediate of the 8-bit VFPExpandImm form, in objdump's `%.18e`.
func dFPImm8(_ imm8: Int) -> String {
    let sign = imm8 >> 7 != 0
    let frac = imm8 & 15
    // VFPExpandImm: (16 + frac) / 16 * 2^e, where bits 6:4 give e from -3
    // (100) to 0 (111) and from 1 (000) to 4 (011). The value is kept
    // exact as num / den and printed digit by digit.
    let e = (((imm8 >> 4) & 7) ^ 4) - 3
    var num = UInt64(16 + frac)
    var den: UInt64 = 16
    if e >= 0 { num <<= UInt64(e) } else { den <<= UInt64(-e) }
    return "#" + (sign ? "-" : "") + dScientific(num, den)
}

/// num/den (exact, small) as C's `%.18e`.
func dScientific(_ num: UInt64, _ den: UInt64) -> String {
    if num == 0 { return "0.000000000000000000e+00" }
    var exp10 = 0
    var n = num, d = den
    while n >= 10 * d { d *= 10; exp10 += 1 }
    while n < d { n *= 10; exp10 -= 1 }
    var digits = ""
    var rem = n
    for _ in 0..<19 {
        let q = rem / d
        digits.append(Character(String(q)))
        rem = (rem - q * d) * 10
    }
    let mant = String(digits.first!) + "." + String(digits.dropFirst())
    let es = exp10 < 0 ? "-" : "+"
    let ea = abs(exp10)
    return mant + "e" + es + (ea < 10 ? "0" : "") + String(ea)
}
