/**
 * Option merging and validation shared by every simulator: the caller's
 * options over exported defaults (undefined means "use the default"), then every problem
 * collected and thrown at once as one SimOptionsError (STYLE rules 9 and 11).
 */
import { SimOptionsError } from './options';

/** `options` over `defaults`, ignoring keys whose value is undefined. */
export function mergeOptions<T extends object>(defaults: Readonly<T>, options: Partial<T>): T {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...defined };
}

/** Collects option problems; `throwIfAny` reports them together. */
export class OptionChecker<T extends object> {
  private readonly problems: string[] = [];

  constructor(
    private readonly values: T,
    private readonly simulator: string,
  ) {}

  /** Records a problem found by the caller. */
  problem(text: string): void {
    this.problems.push(text);
  }

  int(name: keyof T & string, min: number, max: number): void {
    const value = this.values[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
  }

  number(name: keyof T & string, min: number, max: number): void {
    const value = this.values[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${name} must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
  }

  nonEmptyString(name: keyof T & string): void {
    const value = this.values[name];
    if (typeof value !== 'string' || value.length === 0) {
      this.problems.push(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
  }

  oneOf(name: keyof T & string, allowed: readonly string[]): void {
    const value = this.values[name];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.problems.push(
        `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
  }

  /**
   * An array of strings each passing `valid` (`hint` says what a valid one looks like); returns
   * the distinct valid entries in order. `allowEmpty` lets an empty list through.
   */
  stringList(
    name: keyof T & string,
    valid: (item: string) => boolean,
    hint: string,
    allowEmpty = false,
  ): string[] {
    const value = this.values[name];
    if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
      this.problems.push(`${name} must be a ${allowEmpty ? '' : 'non-empty '}array of ${hint}`);
      return [];
    }
    const seen = new Set<string>();
    for (const item of value as unknown[]) {
      if (typeof item !== 'string' || !valid(item)) {
        this.problems.push(`${name}: ${JSON.stringify(item)} is not ${hint}`);
      } else {
        seen.add(item);
      }
    }
    return [...seen];
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new SimOptionsError(this.problems, this.simulator);
  }
}
