import { errorResponse, parseControlMessage, resultResponse } from './control-protocol';

function response(text: string): string {
  const outcome = parseControlMessage(text);
  if (outcome.ok) throw new Error(`expected an error for ${text}`);
  return outcome.response;
}

describe('control protocol', () => {
  it('parses the five documented requests', () => {
    expect(parseControlMessage('{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1}')).toEqual({
      ok: true,
      request: { method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: '1' },
    });
    expect(parseControlMessage('{"method":"LIST_SUBSCRIPTIONS","id":3}')).toMatchObject({ ok: true });
    expect(parseControlMessage('{"method":"SET_PROPERTY","params":["combined",true],"id":5}')).toMatchObject({
      ok: true,
      request: { value: true },
    });
    expect(parseControlMessage('{"method":"GET_PROPERTY","params":["combined"],"id":2}')).toMatchObject({
      ok: true,
    });
  });

  it('keeps int64 ids beyond 2^53 digit for digit and refuses ids outside int64', () => {
    expect(parseControlMessage('{"method":"LIST_SUBSCRIPTIONS","id":-9223372036854775808}')).toMatchObject({
      request: { id: '-9223372036854775808' },
    });
    expect(response('{"method":"LIST_SUBSCRIPTIONS","id":9223372036854775808}')).toMatch(/"id":null\}$/);
    expect(response('{"method":"LIST_SUBSCRIPTIONS","id":"has space"}')).toMatch(/"code":2/);
    expect(response(`{"method":"LIST_SUBSCRIPTIONS","id":"${'a'.repeat(37)}"}`)).toMatch(/"code":2/);
    expect(response('{"method":"LIST_SUBSCRIPTIONS","id":true}')).toMatch(/"code":2/);
  });

  it('words JSON errors like Binance, without an id', () => {
    expect(response('')).toBe('{"error":{"code":3,"msg":"Invalid JSON: EOF while parsing a value"}}');
    expect(response('   ')).toBe('{"error":{"code":3,"msg":"Invalid JSON: EOF while parsing a value"}}');
    expect(response('nonsense')).toMatch(/^\{"error":\{"code":3,"msg":"Invalid JSON: [^"]+"\}\}$/);
  });

  it('rejects non-object requests, bad params and extra property parameters with code 2', () => {
    expect(response('[1,2]')).toMatch(/^\{"error":\{"code":2,"msg":"Invalid request: invalid type: sequence/);
    expect(response('{"method":"SUBSCRIBE","params":[1],"id":4}')).toBe(
      '{"error":{"code":2,"msg":"Invalid request: invalid type: integer `1`, expected a string"},"id":4}',
    );
    expect(response('{"method":"SUBSCRIBE","id":4}')).toMatch(/missing field `params`/);
    expect(response('{"method":"GET_PROPERTY","params":["combined","x"],"id":4}')).toMatch(
      /too many parameters/,
    );
    expect(response('{"method":"GET_PROPERTY","params":[5],"id":4}')).toMatch(
      /property name must be a string/,
    );
  });

  it('renders results and errors with the id as given', () => {
    expect(resultResponse('null', '"abc"')).toBe('{"result":null,"id":"abc"}');
    expect(errorResponse(2, 'Invalid request: invalid stream', '1', 'x@trade')).toBe(
      '{"error":{"code":2,"msg":"Invalid request: invalid stream","data":"x@trade"},"id":1}',
    );
  });
});
