/**
 * How the worker process is started (issue 9): Node flags and environment that bound its memory.
 * Every launcher applies them: `npm start` (scripts/start.js), docker-compose.yaml's worker service
 * (which spells them out; scripts/test/worker-settings.test.ts keeps the two equal) and the e2e
 * benchmark. Integration tests run the worker in-process without them; nothing in them changes
 * behaviour, only memory and GC pacing.
 *
 * Why: V8 sizes its heap for the machine, not for this process. On a host with more than 16 GB it
 * allows 4 GB of old generation and lets the heap grow to up to 4x what survived the last full GC
 * before the next; a soak of create jobs then sits at ~340-390 MB RSS for 45-90 MB of live objects
 * (heapTotal ~250 MB; the rest is the node binary, code and malloc). With these it stays at
 * 155-195 MB in soaks and does not grow:
 * - `--max-old-space-size=1024`: 1 GB is far above what a worker holds (a year of a busy room in
 *   a clear stays well under it) and what V8 would pick on a 4 GB host anyway; below 2 GB V8 also
 *   scales its heap growing factor down (to ~1.6 at 1 GB), so full GCs come at ~1.6x the live heap.
 * - `--max-semi-space-size=4`: the young generation (two semi-spaces, 16 MB each by default) is
 *   committed memory too; a job's garbage is short-lived and small, 4 MB halves are plenty.
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that mallocs (V8's GC and compiler helpers, the
 *   libuv pool) an arena of its own, up to 8 per core, each keeping freed memory for reuse.
 * - `MALLOC_MMAP_THRESHOLD_=131072`, `MALLOC_TRIM_THRESHOLD_=1048576`: glibc serves a block over
 *   128 KiB with a mapping of its own, returned to the system when freed, but each time such a block
 *   is freed it raises that threshold to the block's size (up to 32 MB). After that, large
 *   short-lived blocks come from the arena, which keeps the memory once they are freed: a clear of a
 *   busy room left ~37 MB of the main arena resident. Setting the threshold (to glibc's own starting
 *   value) turns the raising off; the trim threshold is the free memory the arena keeps at its top
 *   before giving it back. clear-store bench, same sitting: peak 156–170 MB instead of 189–207 MB,
 *   idle 101–112 MB instead of 121–129 MB, the same CPU.
 */
export const workerNodeFlags: readonly string[] = ['--max-old-space-size=1024', '--max-semi-space-size=4'];

export const workerEnv: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '1048576',
};
