#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc, set for a process with a few busy threads and large short-lived buffers (each
/// setting measured in `make bench`, docs/performance.md):
///
/// - **Two arenas.** glibc gives each thread that allocates its own arena (up to eight per core), and
///   memory freed in one is not reused by the others: with the consumer, commit, relay and librdkafka
///   threads all allocating, that held 7 MB more resident memory with the changelog on.
/// - **A fixed mmap threshold of 128 KB.** glibc raises the threshold each time a mapped block is
///   freed, so after the first fetch buffers and change sets (up to 256 KB each) come back, the next
///   ones are carved from the heap, which then keeps their pages: 14 MB more peak RSS with the
///   changelog on, for no measurable speed.
enum MallocSettings {
    /// `M_ARENA_MAX` and `M_MMAP_THRESHOLD` of glibc's `<malloc.h>`, which the Glibc module does not import.
    private static let arenaMaxParameter: Int32 = -8
    private static let mmapThresholdParameter: Int32 = -3

    /// Call first thing in `main`, before the threads start; `MALLOC_ARENA_MAX` and
    /// `MALLOC_MMAP_THRESHOLD_` in the environment still win. Does nothing on a C library without `mallopt`.
    static func apply() {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        if getenv("MALLOC_ARENA_MAX") == nil { _ = mallopt(arenaMaxParameter, 2) }
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(mmapThresholdParameter, 128 << 10) }
        #endif
    }
}
