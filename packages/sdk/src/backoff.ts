/** First retry waits about 1 s, doubling per failed attempt ... */
const BASE_MS = 1000
/** ... up to 60 s: the longest a tab waits for an overloaded or unreachable collector. */
const CAP_MS = 60_000

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with "equal jitter" (half
 * fixed, half random) so that the tabs and visitors a collector outage hit don't retry in lockstep.
 * A `Retry-After` from the server wins, plus up to 1 s of jitter for the same reason.
 */
export const backoff = (attempt: number, retryAfterMs: number, random: () => number): number => {
  const half = Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1)) / 2
  return retryAfterMs > 0 ? retryAfterMs + random() * BASE_MS : half + random() * half
}
