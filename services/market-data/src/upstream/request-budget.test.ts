import { RequestBudget } from './request-budget';

describe('RequestBudget', () => {
  it('allows the share of every window and refuses beyond it until the window moves on', () => {
    let now = 0;
    // Finnhub free plan at half: 30 per minute, 15 per second.
    const budget = new RequestBudget(
      [
        { maxRequests: 60, windowMs: 60_000 },
        { maxRequests: 30, windowMs: 1_000 },
      ],
      0.5,
      () => now,
    );
    let granted = 0;
    for (let i = 0; i < 20; i++) if (budget.take()) granted += 1;
    expect(granted).toBe(15);
    now = 1_000;
    granted = 0;
    for (let i = 0; i < 20; i++) if (budget.take()) granted += 1;
    expect(granted).toBe(15);
    now = 2_000;
    expect(budget.take()).toBe(false); // the minute's 30 are spent
    now = 60_000;
    expect(budget.take()).toBe(true);
  });
});
