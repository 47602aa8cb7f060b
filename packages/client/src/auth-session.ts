/**
 * Credentials for the requests of one client (its REST calls and its streams): an API key in a
 * header, or a bearer token. When the server answers 401 the `refresh` callback is asked once
 * for new credentials; a second 401 before any request succeeded again means they do not help,
 * and the caller stops instead of asking the server (and the callback) in a loop.
 */

/** What a request carries to prove who sends it. */
export interface Credentials {
  /** Sent in the `apiKeyHeader` header. */
  apiKey?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

export interface AuthOptions extends Credentials {
  /**
   * Called when the server answers 401, at most once until a request succeeds again: resolve
   * with new credentials to retry with them, or with undefined to give up. Concurrent 401s share
   * one call.
   */
  refresh?: () => Credentials | undefined | Promise<Credentials | undefined>;
  /** The header that carries `apiKey`. Default `X-API-Key`. */
  apiKeyHeader?: string;
}

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

export class AuthSession {
  private credentials: Credentials;
  /** Set once a refresh was spent; cleared by the next success. */
  private refreshSpent = false;
  private pending: Promise<boolean> | undefined;

  constructor(private readonly options: AuthOptions = {}) {
    this.credentials = { apiKey: options.apiKey, token: options.token };
  }

  /** The headers that carry the current credentials. */
  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.credentials.apiKey !== undefined)
      out[this.options.apiKeyHeader ?? DEFAULT_API_KEY_HEADER] = this.credentials.apiKey;
    if (this.credentials.token !== undefined) out.Authorization = `Bearer ${this.credentials.token}`;
    return out;
  }

  /**
   * After a 401: resolves true when new credentials are worth one more request, false when the
   * caller should stop (no `refresh`, it gave none or failed, or it was already spent).
   */
  refreshAfterUnauthorized(): Promise<boolean> {
    if (this.pending) return this.pending;
    if (this.refreshSpent || !this.options.refresh) return Promise.resolve(false);
    this.refreshSpent = true;
    const refresh = this.options.refresh;
    this.pending = (async () => {
      try {
        const next = await refresh();
        if (!next || (next.apiKey === undefined && next.token === undefined)) return false;
        this.credentials = { apiKey: next.apiKey, token: next.token };
        return true;
      } catch {
        return false;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /** A request went through: a later 401 (an expired token) may be refreshed again. */
  succeeded(): void {
    if (!this.pending) this.refreshSpent = false;
  }
}
