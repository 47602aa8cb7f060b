/**
 * Answers that mean the key's plan cannot have something, so asking again cannot help
 * (exchanges.md Part B 5.2, 5.12): the free (Basic) plan has no WebSocket and no snapshot.
 * - socket: `auth_failed` with "Your plan doesn't include websocket access." (observed; a wrong
 *   key says "authentication failed" instead and is NOT a plan refusal: the key may be fixed);
 * - REST: HTTP 403 `{"status":"NOT_AUTHORIZED","message":"You are not entitled to this data..."}`.
 */
import { MassiveFeedErrorCode } from './parse-message';

const PLAN_TEXT_RE = /plan doesn't include|not entitled|upgrade your plan/iu;
const HTTP_FORBIDDEN = 403;

/** The refusal text of a socket error frame that is about the plan; else undefined. */
export function massiveSocketRefusal(error: { code: number | string; message: string }): string | undefined {
  return error.code === MassiveFeedErrorCode.AuthFailed && PLAN_TEXT_RE.test(error.message)
    ? error.message
    : undefined;
}

/** Massive's words for a 403 about the plan; else undefined. */
export function massiveEntitlementRefusal(status: number, bodyText: string): string | undefined {
  if (status !== HTTP_FORBIDDEN) return undefined;
  let message: unknown;
  try {
    const body = JSON.parse(bodyText) as { status?: unknown; message?: unknown; error?: unknown };
    if (body.status !== 'NOT_AUTHORIZED') return undefined;
    message = body.message ?? body.error;
  } catch {
    return undefined;
  }
  return typeof message === 'string' && message !== '' ? message : 'NOT_AUTHORIZED';
}
