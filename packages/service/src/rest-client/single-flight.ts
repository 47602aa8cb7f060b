/**
 * One piece of work in flight per key: callers that ask while it runs share its result. A
 * caller that gives up (its signal aborts) leaves alone; the work itself is aborted only when
 * every caller has left, so one impatient caller never fails the others.
 */

interface Flight<T> {
  readonly result: Promise<T>;
  readonly abort: AbortController;
  callers: number;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Runs `work` for `key`, or joins the run in flight; `joined` tells which. */
  run(
    key: string,
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): { result: Promise<T>; joined: boolean } {
    let flight = this.flights.get(key);
    const joined = flight !== undefined;
    if (flight === undefined) {
      const abort = new AbortController();
      const result = work(abort.signal).finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      // Callers that leave get their own reason; the run's failure must not go unhandled then.
      result.catch(() => {});
      const created: Flight<T> = { result, abort, callers: 0 };
      this.flights.set(key, created);
      flight = created;
    }
    return { result: this.follow(key, flight, signal), joined };
  }

  /** Keys in flight now. */
  get size(): number {
    return this.flights.size;
  }

  private follow(key: string, flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.callers += 1;
    if (signal === undefined) return flight.result;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        flight.callers -= 1;
        if (flight.callers === 0) {
          // Nobody waits any more: a later caller starts afresh instead of joining an aborted run.
          if (this.flights.get(key) === flight) this.flights.delete(key);
          flight.abort.abort(signal.reason);
        }
        reject(signal.reason as Error);
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      flight.result.finally(() => signal.removeEventListener('abort', leave)).then(resolve, reject);
    });
  }
}
