import ELF
import Glibc

extension LinuxProcess {
    /// Checks the arm64 program at `path` with the loader's own checks
    /// before execve drops this image (execve re-executes the emulator, so
    /// a failure found by the new one could no longer be returned). nil
    /// when it would load. A failure Linux finds before its point of no
    /// return is its errno (ENOEXEC, EIO, ELIBBAD, ENOENT...), returned
    /// as -errno; one Linux finds only after it (a segment that cannot be
    /// mapped) kills the process with SIGSEGV, as the kernel does.
    func checkExecImage(_ path: [UInt8]) -> Int? {
        let defaultRoot = options.sysrootFile == nil ? ELFLoader.standardDefaultSysroot : nil
        guard let error = ELFLoader.checkExec(path: path, sysroot: options.sysrootFile, defaultSysroot: defaultRoot,
                                              spaceSize: mem.size, xlat: { xlatSysrootPath(root: $0, $1) }) else {
            return nil
        }
        if let e = error.execveErrno { return -Int(e) }
        Strace.emit("qemu: uncaught target signal \(Sig.SIGSEGV) (\(signalDescription(Sig.SIGSEGV))) - core dumped\n")
        dieBySignal(Sig.SIGSEGV)
    }
}
