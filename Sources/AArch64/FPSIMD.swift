import GuestMemory

/// Executes one scalar floating-point or AdvSIMD instruction (data
/// processing, and AdvSIMD load/store structure), decoding it each time.
/// `r` is the register file (see `Slot`); `pc` is the instruction's address.
public func executeFPSIMD(_ r: UnsafeMutablePointer<UInt64>, _ mem: AddressSpace, _ insn: UInt32, pc: UInt64) -> StepStatus {
    return .undefined
}
