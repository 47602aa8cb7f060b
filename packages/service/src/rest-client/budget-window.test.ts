import { BudgetWindow } from './budget-window';
import { VenueBudget } from './venue-budget';

describe('BudgetWindow', () => {
  it('restarts a fixed window at every multiple of its length, and never counts less than the venue reports', () => {
    const window = new BudgetWindow({ maxWeight: 60, windowMs: 60_000, alignment: 'fixed' }, 0.5);
    expect(window.budget).toBe(30);
    window.spend(20, 120_000);
    window.report(12, 130_000); // less than counted: ours stands
    expect(window.used(130_000)).toBe(20);
    window.report(28, 131_000); // another process on the IP spent some too
    expect(window.fits(2, 131_000)).toBe(true);
    expect(window.fits(3, 131_000)).toBe(false);
    expect(window.fitsAt(3, 131_000)).toBe(180_000);
    expect(window.used(180_000)).toBe(0);
  });

  it('frees a rolling window spend by spend as each leaves it', () => {
    const window = new BudgetWindow({ maxWeight: 4, windowMs: 1_000, alignment: 'rolling' }, 1);
    window.spend(1, 0);
    window.spend(2, 300);
    window.spend(1, 600);
    expect(window.fitsAt(1, 700)).toBe(1_000);
    expect(window.fitsAt(3, 700)).toBe(1_300);
    expect(window.used(1_000)).toBe(3);
  });
});

describe('VenueBudget', () => {
  it('allows the share of every window and refuses beyond it until the window moves on', () => {
    // Finnhub free plan at half: 30 per minute, 15 per second.
    const budget = new VenueBudget({
      name: 'finnhub',
      limits: [
        { maxWeight: 60, windowMs: 60_000, alignment: 'rolling' },
        { maxWeight: 30, windowMs: 1_000, alignment: 'rolling' },
      ],
      share: 0.5,
    });
    const granted = (now: number) =>
      Array.from({ length: 20 }, () => budget.take(1, now)).filter((r) => !r).length;
    expect(granted(0)).toBe(15);
    expect(budget.take(1, 500)).toEqual({ reason: 'budget', retryAt: 1_000 });
    expect(granted(1_000)).toBe(15);
    expect(budget.take(1, 2_000)).toEqual({ reason: 'budget', retryAt: 60_000 }); // the minute's 30 are spent
    expect(budget.take(1, 60_000)).toBeUndefined();
  });

  it('holds every request after a refusal, a ban outlasting a shorter wait that follows it', () => {
    const budget = new VenueBudget({ name: 'binance', limits: [] });
    budget.hold({ waitMs: 120_000, ban: true }, 0);
    budget.hold({ waitMs: 1_000, ban: false }, 10);
    expect(budget.take(1, 5_000)).toEqual({ reason: 'banned', retryAt: 120_000 });
    expect(budget.status(5_000)).toMatchObject({ held: 'banned', heldUntil: 120_000 });
    expect(budget.take(1, 120_000)).toBeUndefined();
    budget.hold({ waitMs: 2_000, ban: false }, 130_000);
    expect(budget.take(1, 131_000)).toEqual({ reason: 'rate-limited', retryAt: 132_000 });
  });
});
