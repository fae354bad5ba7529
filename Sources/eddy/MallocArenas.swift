#if canImport(Glibc)
import Glibc
#endif

/// glibc gives each thread that allocates its own malloc arena (up to eight per core), and memory freed
/// in one arena is not reused by the others: with the consumer, commit, relay and librdkafka threads
/// all allocating, that held 7 MB more resident memory with the changelog on (99 MB against 92 MB in
/// `make bench`, at the same throughput). Two arenas are enough for Eddy's few busy threads.
enum MallocArenas {
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which the Glibc module does not import.
    private static let arenaMaxParameter: Int32 = -8

    /// Call first thing in `main`, before the threads start; `MALLOC_ARENA_MAX` in the environment
    /// still wins. Does nothing on a C library without `mallopt`.
    static func limit() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaxParameter, 2)
        #endif
    }
}
