/**
 * Runs `close` but gives up after `deadlineMs`: a job stuck on a dead server must not keep a
 * stopping worker alive forever (the supervisor would kill it anyway, without a log line).
 * Jobs still active then are left to BullMQ's stalled-job check, which hands them to another worker.
 */
export async function closeWithin(close: () => Promise<void>, deadlineMs: number): Promise<'closed' | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), deadlineMs);
  });
  try {
    return await Promise.race([close().then(() => 'closed' as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
