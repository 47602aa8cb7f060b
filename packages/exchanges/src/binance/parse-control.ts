/**
 * Answers to control requests: `{"result":...,"id":...}` acks and error frames.
 * Docs: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#error-messages
 *
 * The docs show errors flat (`{"code":2,"msg":"...","id":1}`) while the live service nests them
 * (`{"error":{"code":2,"msg":"..."},"id":1}`), and omits `id` when it could not read the request:
 * both shapes are accepted and a missing id reads as null.
 */
import type { FeedMessage } from '../feed-message';
import { PayloadError, has, preview, readObject, readRequestId } from './payload-fields';
import type { JsonObject } from './payload-fields';

/** `{"result":null,"id":1}`; `result` is passed on as sent (null, a stream list, a property value). */
export function parseAck(payload: JsonObject): FeedMessage {
  return { type: 'ack', id: readRequestId(payload, 'ack'), result: payload['result'] };
}

function readErrorBody(body: JsonObject, context: string): { code: number | string; message: string } {
  const code = has(body, 'code') ? body['code'] : undefined;
  const message = has(body, 'msg') ? body['msg'] : undefined;
  if (!(typeof code === 'string' || (typeof code === 'number' && Number.isInteger(code)))) {
    throw new PayloadError(`${context}: field "code" must be an integer or a string, got ${preview(code)}`);
  }
  if (typeof message !== 'string') {
    throw new PayloadError(`${context}: field "msg" must be a string, got ${preview(message)}`);
  }
  return { code, message };
}

/** Nested `{"error":{"code","msg"},"id"}` (extra keys such as `error.data` are ignored). */
export function parseNestedError(payload: JsonObject): FeedMessage {
  const body = readErrorBody(readObject(payload, 'error', 'error frame'), 'error frame');
  return { type: 'error', id: readRequestId(payload, 'error frame'), ...body };
}

/** Flat `{"code","msg","id"}` as the docs' error table shows it. */
export function parseFlatError(payload: JsonObject): FeedMessage {
  const body = readErrorBody(payload, 'error frame');
  return { type: 'error', id: readRequestId(payload, 'error frame'), ...body };
}
