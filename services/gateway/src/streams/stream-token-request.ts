/**
 * What a request for a stream token may ask: nothing (a token for any symbol), or
 * `{ "symbols": [...] }`, the only symbols its streams may carry. Symbols are checked for form
 * here; the pods judge whether the cluster serves them.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { canonicalSymbol } from '@tickwire/core';
import { readJsonBody, type FieldProblem } from '@tickwire/service';

/** Largest body (bytes): a hundred symbols and some room. */
export const MAX_STREAM_TOKEN_BODY_BYTES = 8 * 1024;
/** Symbols one token may name (the pods' default of MAX_SYMBOLS_PER_REQUEST). */
export const MAX_TOKEN_REQUEST_SYMBOLS = 100;

const tokenRequest = z.strictObject({
  symbols: z
    .array(z.string('must be a string'), 'must be an array of symbols')
    .min(1, 'must name at least one symbol; leave it out for any')
    .max(MAX_TOKEN_REQUEST_SYMBOLS, `must name at most ${MAX_TOKEN_REQUEST_SYMBOLS} symbols`)
    .optional(),
});

export type StreamTokenRequest =
  { ok: true; symbols: string[] | undefined } | { ok: false; problems: FieldProblem[] };

/** Reads the optional body: none at all (no Content-Length, or 0) asks for any symbol. */
export async function readStreamTokenRequest(req: IncomingMessage): Promise<StreamTokenRequest> {
  const length = req.headers['content-length'];
  const hasBody = length === undefined ? req.headers['transfer-encoding'] !== undefined : length !== '0';
  return parseStreamTokenRequest(hasBody ? await readJsonBody(req, MAX_STREAM_TOKEN_BODY_BYTES) : {});
}

export function parseStreamTokenRequest(input: unknown): StreamTokenRequest {
  const parsed = tokenRequest.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ field: key, message: 'is not a field of this request; remove it' }))
          : [{ field: issue.path.map(String).join('.') || '(body)', message: issue.message }],
      ),
    };
  if (parsed.data.symbols === undefined) return { ok: true, symbols: undefined };
  const symbols = new Set<string>();
  const problems: FieldProblem[] = [];
  parsed.data.symbols.forEach((raw, index) => {
    const symbol = canonicalSymbol(raw);
    if (symbol === undefined)
      problems.push({
        field: `symbols.${index}`,
        message: `"${raw.slice(0, 64)}" is not a symbol (e.g. BTCUSDT)`,
      });
    else symbols.add(symbol);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, symbols: [...symbols] };
}
