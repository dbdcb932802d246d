// Time limits of the tests. None of them measures speed: they turn a hang into a failure
// that says what was awaited. The tests run on shared, loaded CI machines (two cores, other
// jobs beside them) where everything may run ten times slower than on an idle laptop, so
// each limit is far above what the work takes there. Tests are budgeted by work (case
// counts), never by time.

/** A unit test that does a fixed, large amount of CPU work (generated cases, a compiler pass). */
export const CPU_HEAVY_TIMEOUT_MS = 120_000;
