import GuestMemory

/// Executes one scalar floating-point or AdvSIMD instruction (data
/// processing, and AdvSIMD load/store structure), decoding it each time.
/// `r` is the register file (see `Slot`); `pc` is the instruction's address.
public func executeFPSIMD(_ r: UnsafeMutablePointer<UInt64>, _ mem: AddressSpace, _ insn: UInt32, pc: UInt64) -> StepStatus {
    let op0 = (insn >> 25) & 0xF
    if op0 & 0x7 == 0x7 {
        // Data Processing -- Scalar Floating-Point and Advanced SIMD.
        if (insn >> 24) & 0x1F == 0x1E && (insn >> 30) & 1 == 0 { return executeFPScalar(r, insn) }
        if (insn >> 24) & 0x1F == 0x1F && (insn >> 30) & 1 == 0 { return executeFPScalar(r, insn) }
        return executeSIMD(r, insn)
    }
    if insn & 0xBE00_0000 == 0x0C00_0000 { return executeSIMDLoadStore(r, mem, insn) }
    return .undefined
}
