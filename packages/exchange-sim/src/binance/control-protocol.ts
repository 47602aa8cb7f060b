/**
 * The live control protocol of Binance market streams (exchanges.md 1.4): parsing of SUBSCRIBE,
 * UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY and GET_PROPERTY frames and the exact response
 * shapes. Pure: no sockets here. Errors use the nested shape seen on the wire,
 * {"error":{"code","msg"},"id"}; an invalid-JSON error has no id at all.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#live-subscribingunsubscribing-to-streams
 */

/** Error codes of the control protocol. */
export const ControlErrorCode = {
  UNKNOWN_PROPERTY: 0,
  INVALID_VALUE_TYPE: 1,
  INVALID_REQUEST: 2,
  INVALID_JSON: 3,
  TOO_MANY_SUBSCRIPTIONS: 4,
} as const;

/** Longest accepted string id. */
export const MAX_STRING_ID_LENGTH = 36;
/**
 * String ids: documented as alphanumeric; hyphens and underscores are accepted too because
 * clients commonly send UUIDs (36 characters with hyphens).
 */
const STRING_ID_RE = /^[A-Za-z0-9_-]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'] as const;
type Method = (typeof METHODS)[number];

/** The only property Binance streams have. */
export const COMBINED_PROPERTY = 'combined';

/** JSON text of a request id, echoed verbatim (int64 ids can exceed 2^53). */
export type RequestIdJson = string;

export type ControlRequest =
  | {
      readonly method: 'SUBSCRIBE' | 'UNSUBSCRIBE';
      readonly params: readonly string[];
      readonly id: RequestIdJson;
    }
  | { readonly method: 'LIST_SUBSCRIPTIONS'; readonly id: RequestIdJson }
  | { readonly method: 'SET_PROPERTY'; readonly value: boolean; readonly id: RequestIdJson }
  | { readonly method: 'GET_PROPERTY'; readonly id: RequestIdJson };

export type ParseOutcome =
  { readonly ok: true; readonly request: ControlRequest } | { readonly ok: false; readonly response: string };

/** {"result":<result>,"id":<id>} */
export function resultResponse(resultJson: string, id: RequestIdJson): string {
  return `{"result":${resultJson},"id":${id}}`;
}

/** {"error":{"code","msg"[,"data"]},"id"}; without `id` when it is undefined (invalid JSON). */
export function errorResponse(
  code: number,
  msg: string,
  id: RequestIdJson | undefined,
  data?: string,
): string {
  const error = data === undefined ? { code, msg } : { code, msg, data };
  const body = JSON.stringify(error);
  return id === undefined ? `{"error":${body}}` : `{"error":${body},"id":${id}}`;
}

/** serde-style name of a JSON value's type, as Binance's parser words its errors. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'sequence';
  switch (typeof value) {
    case 'boolean':
      return `boolean \`${value}\``;
    case 'number':
      return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
    case 'string':
      return `string ${JSON.stringify(value)}`;
    default:
      return 'map';
  }
}

function invalidJsonDetail(text: string, error: unknown): string {
  if (text.trim().length === 0) return 'EOF while parsing a value';
  const message = error instanceof Error ? error.message : '';
  if (/Unexpected end of JSON input|Unterminated/.test(message)) return 'EOF while parsing a value';
  const position = /position (\d+)/.exec(message);
  const offset = position?.[1] === undefined ? 0 : Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `expected value at line ${line} column ${column}`;
}

/** The id as JSON text, or undefined when it is not an accepted id. */
function parseId(value: unknown, present: boolean, text: string): RequestIdJson | undefined {
  if (!present || value === null) return 'null';
  if (typeof value === 'string') {
    return value.length <= MAX_STRING_ID_LENGTH && STRING_ID_RE.test(value)
      ? JSON.stringify(value)
      : undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (Number.isSafeInteger(value)) return String(value);
  // Beyond 2^53 JSON.parse has rounded the number; recover the digits the client sent.
  const raw = /"id"\s*:\s*(-?\d+)\s*[,}]/.exec(text)?.[1];
  if (raw === undefined) return undefined;
  const big = BigInt(raw);
  return big >= INT64_MIN && big <= INT64_MAX ? raw : undefined;
}

function invalid(msg: string, id: RequestIdJson): ParseOutcome {
  return {
    ok: false,
    response: errorResponse(ControlErrorCode.INVALID_REQUEST, `Invalid request: ${msg}`, id),
  };
}

/** Parses one incoming text frame into a request, or the error response to send back. */
export function parseControlMessage(text: string): ParseOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      response: errorResponse(
        ControlErrorCode.INVALID_JSON,
        `Invalid JSON: ${invalidJsonDetail(text, error)}`,
        undefined,
      ),
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid(`invalid type: ${describe(parsed)}, expected struct Request`, 'null');
  }
  const message = parsed as Record<string, unknown>;
  const id = parseId(message.id, 'id' in message, text);
  if (id === undefined) {
    return invalid(
      `request ID must be an int64, an alphanumeric string of at most ${MAX_STRING_ID_LENGTH} characters, or null`,
      'null',
    );
  }
  if (!('method' in message)) return invalid('missing field `method`', id);
  const method = message.method;
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    const shown =
      typeof method === 'string' ? `unknown variant \`${method}\`` : `invalid type: ${describe(method)}`;
    return invalid(`${shown}, expected one of ${METHODS.map((m) => `\`${m}\``).join(', ')}`, id);
  }
  const params = message.params;
  switch (method as Method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      if (params === undefined) return invalid('missing field `params`', id);
      if (!Array.isArray(params))
        return invalid(`invalid type: ${describe(params)}, expected a sequence`, id);
      const badIndex = (params as unknown[]).findIndex((p) => typeof p !== 'string');
      if (badIndex !== -1)
        return invalid(`invalid type: ${describe(params[badIndex])}, expected a string`, id);
      return {
        ok: true,
        request: { method: method as 'SUBSCRIBE' | 'UNSUBSCRIBE', params: params as string[], id },
      };
    }
    case 'LIST_SUBSCRIPTIONS':
      return { ok: true, request: { method: 'LIST_SUBSCRIPTIONS', id } };
    case 'SET_PROPERTY': {
      if (!Array.isArray(params) || params.length < 2) return invalid('missing parameters', id);
      if (params.length > 2) return invalid('too many parameters', id);
      const [name, value] = params as unknown[];
      if (typeof name !== 'string') return invalid('property name must be a string', id);
      if (name !== COMBINED_PROPERTY) {
        return {
          ok: false,
          response: errorResponse(ControlErrorCode.UNKNOWN_PROPERTY, 'Unknown property', id),
        };
      }
      if (typeof value !== 'boolean') {
        return {
          ok: false,
          response: errorResponse(
            ControlErrorCode.INVALID_VALUE_TYPE,
            'Invalid value type: expected Boolean',
            id,
          ),
        };
      }
      return { ok: true, request: { method: 'SET_PROPERTY', value, id } };
    }
    case 'GET_PROPERTY': {
      if (!Array.isArray(params) || params.length < 1) return invalid('missing parameters', id);
      if (params.length > 1) return invalid('too many parameters', id);
      if (typeof params[0] !== 'string') return invalid('property name must be a string', id);
      if (params[0] !== COMBINED_PROPERTY) {
        return {
          ok: false,
          response: errorResponse(ControlErrorCode.UNKNOWN_PROPERTY, 'Unknown property', id),
        };
      }
      return { ok: true, request: { method: 'GET_PROPERTY', id } };
    }
  }
}
