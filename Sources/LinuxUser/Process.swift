import AArch64
import GuestMemory
