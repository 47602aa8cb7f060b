import { TickwireError } from '@tickwire/core';

/** The environment a service was given is invalid: every problem, listed at once. */
export class ConfigError extends TickwireError<'CONFIG_INVALID'> {
  constructor(readonly problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}
