/**
 * Slowing down when the server asks (AWS `Throttling`, `TooManyRequests`,
 * `RequestLimitExceeded`; Kubernetes 429): the call is made again after 0.25 s, 0.5 s,
 * 1 s ... (at most 8 s), at most THROTTLED_MAX_ATTEMPTS times in all. The AWS SDK's own
 * retries come first, inside one port call; this is what is left when they give up, and
 * the only retry for Kubernetes. Apply's step runner (apply.ts) and observe's reads use it.
 */
import { isThrottled } from "../ports/errors.js";
import type { Clock } from "../ports/system.js";

/** Attempts of a call or step that the server throttles, the first one included. */
export const THROTTLED_MAX_ATTEMPTS = 6;
const THROTTLED_FIRST_WAIT_MS = 250;
const THROTTLED_MAX_WAIT_MS = 8_000;

/** How long to wait before attempt `attempt + 1` of a throttled call. */
export function throttledWait(attempt: number): number {
  return Math.min(THROTTLED_MAX_WAIT_MS, THROTTLED_FIRST_WAIT_MS * 2 ** (attempt - 1));
}

/**
 * `call`, made again while the server throttles it; `retrying` hears of each wait before
 * it starts. The last throttled failure is thrown as it is.
 */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  clock: Pick<Clock, "sleep">,
  retrying: (attempt: number, waitMs: number, error: unknown) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottled(error) || attempt >= THROTTLED_MAX_ATTEMPTS) throw error;
      const wait = throttledWait(attempt);
      retrying(attempt, wait, error);
      await clock.sleep(wait);
    }
  }
}
