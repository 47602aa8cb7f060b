/** What an API key may do. Each scope includes the ones before it: `admin` may read, `bot` may read. */
export const SCOPES = ['read', 'bot', 'admin'] as const;

export type Scope = (typeof SCOPES)[number];

export function scopeAllows(held: Scope, required: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(required);
}
