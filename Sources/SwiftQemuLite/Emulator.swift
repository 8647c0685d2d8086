import AArch64
import ELF
import GuestMemory
import LinuxUser
