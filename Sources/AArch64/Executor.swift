import Glibc
import GuestMemory
import Synchronization

/// Executor state shared by the ops of both cores, in raw memory so the
/// threaded handlers can reach it through one pointer.
struct ExecState {
    var mem: MemView
    var space: Unmanaged<AddressSpace>
    var ops: UnsafeMutablePointer<Op>
    /// Guest address of the block being executed.
    var blockPC: UInt64 = 0
    /// Successor chosen by a block-ending op and which link slot leads there
    /// (0 taken, 1 fall-through, 2 indirect inline cache, 3 none).
    var target: UInt64 = 0
    var which = 0
    /// The op that ended the block, when its link still has to be filled in.
    var branchOp: UnsafeMutablePointer<Op>? = nil
    /// The instruction count at which a chained transition returns to the
    /// dispatcher instead; bounds the host stack when handlers are not tail
    /// calls (debug builds). Shares its check with the instruction counter.
    var limit: UInt64 = 0
    var resume: UnsafeMutablePointer<Op>? = nil
    var exit: ExitReason = .attention
}

/// Why a core returned to the dispatcher loop.
enum CoreExit {
    /// Look up `target` and link `branchOp` to it.
    static let branch = 1
    /// Leave with `ExecState.exit`.
    static let exit = 2
    /// The budget ran out; continue at `resume`.
    static let resume = 3
}

/// Runs guest code from `cpu.pc` until something needs the Linux layer.
///
/// Blocks of pre-decoded ops come from the block cache. Two cores execute
/// them with the same semantics (`Sem.step`): threaded `@convention(c)`
/// handlers that tail-call the next op (fast in release builds), and a
/// `switch` loop (the reference, and faster in debug builds). Branch ops
/// keep chain links to their successors; between blocks the executor checks
/// `Slot.attention`, which code invalidation and the Linux layer set.
public final class Executor {
    public enum Core: String, Sendable {
        case threaded
        case switchLoop = "switch"
    }

    public let cpu: CPU
    public let mem: AddressSpace
    let cache = BlockCache()
    /// Blocks decoded, and block look-ups that found a decoded block
    /// (transitions through a chained link bypass the look-up and are not
    /// counted), for --stats.
    public private(set) var blocksTranslated = 0
    public private(set) var blockCacheHits = 0
    let state: UnsafeMutablePointer<ExecState>
    /// Which core runs the ops.
    public var core: Core

    /// Debug-log hooks (-d), nil when off: each costs one check per block
    /// translation or per return to the dispatcher, never per instruction.
    /// `onTranslate` gets a new block's guest pc and instruction count
    /// (-d in_asm). `onBlock` runs before every block with this executor's
    /// CPU, the pc and the block's host address; while it is set blocks are
    /// not chained, so every block passes through the dispatcher (-d exec,
    /// cpu). A thread's executor takes its creator's hooks.
    public var onTranslate: ((UInt64, Int) -> Void)?
    public var onBlock: ((CPU, UInt64, UnsafeRawPointer) -> Void)?

    /// Attention bits in `Slot.attention`. Other threads and host signal
    /// handlers set them with atomic ORs; the owner clears them with atomic
    /// ANDs, so no bit set concurrently is lost.
    public static let attentionFlush: UInt64 = AddressSpace.codeChangedBit
    public static let attentionStop: UInt64 = 2

    /// The switch core in debug builds (no tail calls there), the threaded
    /// one in release builds; `SWIFT_QEMU_LITE_CORE=switch|threaded` overrides.
    static let defaultCore: Core = {
        if let v = getenv("SWIFT_QEMU_LITE_CORE"), let core = Core(rawValue: String(cString: v)) { return core }
        #if DEBUG
        return .switchLoop
        #else
        return .threaded
        #endif
    }()

    /// Guest instructions run between returns to the dispatcher loop.
    #if DEBUG
    static let budget: UInt64 = 1
    #else
    static let budget: UInt64 = 4096
    #endif

    public init(cpu: CPU, mem: AddressSpace, core: Core? = nil) {
        self.cpu = cpu
        self.mem = mem
        self.core = core ?? Executor.defaultCore
        state = .allocate(capacity: 1)
        state.initialize(to: ExecState(mem: MemView(mem), space: .passUnretained(mem), ops: cache.ops))
        // Each executor has its own block cache; a store to translated
        // code by any thread flags every executor of the space.
        mem.addCodeWatcher(cpu.r + Slot.attention)
    }

    deinit {
        mem.removeCodeWatcher(cpu.r + Slot.attention)
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The attention word as an atomic (see `attentionFlush`).
    @inline(__always) static func attentionWord(_ r: UnsafeMutablePointer<UInt64>) -> UnsafeMutablePointer<Atomic<UInt64>> {
        UnsafeMutableRawPointer(r + Slot.attention).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// Sets bits in an attention word (`cpu.r + Slot.attention`); safe
    /// from any thread and from a host signal handler.
    public static func requestAttention(word: UnsafeMutablePointer<UInt64>, _ bits: UInt64) {
        UnsafeMutableRawPointer(word).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            .pointee.bitwiseOr(bits, ordering: .sequentiallyConsistent)
    }

    /// Drops every translated block (after exec or a code change).
    public func invalidateAll() {
        cache.flush()
    }

    /// Asks a running executor to return `.attention` at the next block boundary.
    public func requestStop() {
        Executor.requestAttention(word: cpu.r + Slot.attention, Executor.attentionStop)
    }

    /// Executes blocks until a syscall, fault, undefined instruction,
    /// breakpoint or attention request.
    public func run() -> ExitReason {
        let r = cpu.r
        let s = state
        let cache = self.cache
        let threaded = core == .threaded
        let onTranslate = self.onTranslate, onBlock = self.onBlock
        var pc = r[Slot.pc]
        // The op whose link should point at the block we enter next.
        var linkOwner: UnsafeMutablePointer<Op>? = nil
        var linkWhich = 0
        // Counted in locals and stored once on the way out: no exclusivity
        // check on the class's properties per block.
        var translated = 0, hits = 0
        defer {
            blocksTranslated &+= translated
            blockCacheHits &+= hits
        }

        while true {
            let attention = r[Slot.attention]
            if attention != 0 {
                let word = Executor.attentionWord(r)
                if attention & Executor.attentionFlush != 0 {
                    // Cleared before the flush: a later change sets it again.
                    word.pointee.bitwiseAnd(~Executor.attentionFlush, ordering: .sequentiallyConsistent)
                    cache.flush()
                    linkOwner = nil
                }
                if attention & Executor.attentionStop != 0 {
                    word.pointee.bitwiseAnd(~Executor.attentionStop, ordering: .sequentiallyConsistent)
                    r[Slot.pc] = pc
                    return .attention
                }
            }
            var index = cache.lookup(pc)
            if index < 0 {
                if pc & 3 != 0 {
                    r[Slot.pc] = pc
                    return .pcAlignment(addr: pc)
                }
                let gen = cache.generation
                index = cache.translate(pc, mem: mem, features: FeatureSet(rawValue: r[Slot.features]))
                if index < 0 {
                    r[Slot.pc] = pc
                    return .fault(addr: pc, write: false)
                }
                translated &+= 1
                if gen != cache.generation { linkOwner = nil }
                if let log = onTranslate { log(pc, Int(cache.ops[cache.used - 1].idx) + 1) }
            } else {
                hits &+= 1
            }
            if let log = onBlock {
                linkOwner = nil
                log(cpu, pc, UnsafeRawPointer(cache.ops + Int(index)))
            }
            if let owner = linkOwner {
                switch linkWhich {
                case 0: owner.pointee.link0 = cache.ops + Int(index)
                case 1: owner.pointee.link1 = cache.ops + Int(index)
                case 2:
                    owner.pointee.imm2 = pc
                    owner.pointee.link0 = cache.ops + Int(index)
                default: break
                }
                linkOwner = nil
            }
            var entry = cache.ops + Int(index)
            s.pointee.blockPC = pc
            var why: Int
            while true {
                s.pointee.limit = r[Slot.icount] &+ Executor.budget
                why = threaded ? entry.pointee.fn(UnsafeMutableRawPointer(entry), r, UnsafeMutableRawPointer(s)) : Executor.switchCore(entry, r, s)
                if why == CoreExit.resume && r[Slot.attention] == 0 {
                    entry = s.pointee.resume!
                    continue
                }
                break
            }
            if why == CoreExit.exit { return s.pointee.exit }
            if why == CoreExit.resume {
                // Attention is pending; the next block is already known.
                pc = s.pointee.blockPC
                continue
            }
            pc = s.pointee.target
            linkOwner = s.pointee.branchOp
            linkWhich = s.pointee.which
        }
    }

    // MARK: - Shared block-end logic

    /// After a block-ending op: follows its chain link, or reports where to
    /// go. Returns the next op to run, or nil with the reason in `why`.
    @inline(__always)
    static func nextBlock(_ p: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                          _ s: UnsafeMutablePointer<ExecState>, _ flow: Int, _ why: inout Int) -> UnsafeMutablePointer<Op>? {
        let count = r[Slot.icount] &+ UInt64(p.pointee.idx) &+ 1
        r[Slot.icount] = count
        let target: UInt64
        let link: UnsafeMutablePointer<Op>?
        let which: Int
        switch flow {
        case Flow.taken:
            target = p.pointee.imm; link = p.pointee.link0; which = 0
        case Flow.fallThrough:
            target = p.pointee.imm2; link = p.pointee.link1; which = 1
        case Flow.indirect:
            target = s.pointee.target; which = 2
            link = p.pointee.imm2 == target ? p.pointee.link0 : nil
        default:
            s.pointee.which = 3
            s.pointee.branchOp = nil
            why = CoreExit.branch
            return nil
        }
        if let n = link, r[Slot.attention] == 0 {
            s.pointee.blockPC = target
            if count < s.pointee.limit { return n }
            s.pointee.resume = n
            why = CoreExit.resume
            return nil
        }
        s.pointee.target = target
        s.pointee.which = which
        s.pointee.branchOp = link == nil ? p : nil
        why = CoreExit.branch
        return nil
    }

    // MARK: - The switch core

    static func switchCore(_ entry: UnsafeMutablePointer<Op>, _ r: UnsafeMutablePointer<UInt64>,
                           _ s: UnsafeMutablePointer<ExecState>) -> Int {
        var p = entry
        // The switch core does not grow the stack: no limit needed.
        s.pointee.limit = UInt64.max
        while true {
            let flow = Sem.step(p, r, s, p.pointee.code)
            if flow == Flow.next {
                p += 1
                continue
            }
            if flow == Flow.exit { return CoreExit.exit }
            var why = 0
            guard let n = nextBlock(p, r, s, flow, &why) else { return why }
            p = n
        }
    }
}

// MARK: - The threaded core

enum Threaded {
    /// Body of every threaded handler, specialised by its constant `code`.
    @inline(__always)
    static func run(_ rawOp: UnsafeMutableRawPointer, _ r: UnsafeMutablePointer<UInt64>,
                    _ rawState: UnsafeMutableRawPointer, _ code: OpCode) -> Int {
        let p = rawOp.assumingMemoryBound(to: Op.self)
        let s = rawState.assumingMemoryBound(to: ExecState.self)
        let flow = Sem.step(p, r, s, code)
        if flow == Flow.next {
            let n = p + 1
            return n.pointee.fn(UnsafeMutableRawPointer(n), r, rawState)
        }
        if flow == Flow.exit { return CoreExit.exit }
        var why = 0
        guard let n = Executor.nextBlock(p, r, s, flow, &why) else { return why }
        return n.pointee.fn(UnsafeMutableRawPointer(n), r, rawState)
    }

    @inline(__always)
    static func handler(_ code: OpCode) -> OpHandler {
        table[Int(code.rawValue)]
    }
}
