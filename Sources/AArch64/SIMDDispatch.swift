import GuestMemory

@inline(__always) func executeSIMD(_ r: UnsafeMutablePointer<UInt64>, _ insn: UInt32) -> StepStatus {
    return .undefined
}

@inline(__always) func executeSIMDLoadStore(_ r: UnsafeMutablePointer<UInt64>, _ mem: AddressSpace, _ insn: UInt32) -> StepStatus {
    return .undefined
}
