/**
 * The one base of Tickwire's errors: every error a component throws on purpose carries a stable
 * `code` that callers switch on and operators search for, and a message that names what to change.
 * Codes are never renamed once published.
 */
export class TickwireError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for any Tickwire error, or only for one with `code` when given. */
export function isTickwireError(error: unknown, code?: string): error is TickwireError {
  return error instanceof TickwireError && (code === undefined || error.code === code);
}
