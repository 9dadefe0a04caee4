import { describe, expect, it } from 'vitest';
import { ApiError, deleteRequest, getJson, postJson, requestHeaders, type Auth, type Fetcher } from './client';

const respond = (status: number, body: string, statusText = ''): Fetcher =>
  async () => new Response(body, { status, statusText });

describe('getJson', () => {
  it('parses JSON on success', async () => {
    await expect(getJson('/x', undefined, respond(200, '{"items":[]}'))).resolves.toEqual({ items: [] });
  });
  it('surfaces the server message of an error body', async () => {
    const err = await getJson('/x', undefined, respond(404, '{"code":"not_found","message":"No repository 9."}')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('No repository 9.');
    expect((err as ApiError).code).toBe('not_found');
    expect((err as ApiError).status).toBe(404);
  });
  it('explains an error without a JSON body', async () => {
    const err = (await getJson('/x', undefined, respond(502, '<html>', 'Bad Gateway')).catch((e: unknown) => e)) as ApiError;
    expect(err.message).toContain('502');
  });
  it('explains an unreachable server', async () => {
    const failing: Fetcher = async () => {
      throw new TypeError('Failed to fetch');
    };
    const err = (await getJson('/x', undefined, failing).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/codevoyage serve/);
  });
  it('rejects a non-JSON success answer', async () => {
    const err = (await getJson('/x', undefined, respond(200, '<!doctype html>')).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('bad_response');
  });
});

/** An Auth that records what happens to it. */
function recordingAuth(token: string | null): Auth & { unauthorizedCalls: number } {
  const a = {
    unauthorizedCalls: 0,
    token: () => token,
    unauthorized: () => {
      a.unauthorizedCalls++;
    },
  };
  return a;
}

describe('credentials', () => {
  it('sends the bearer token when there is one', async () => {
    let seen: Headers | undefined;
    const capture: Fetcher = async (_path, init) => {
      seen = new Headers(init?.headers);
      return new Response('{}', { status: 200 });
    };
    await getJson('/x', undefined, capture, recordingAuth('jwt-1'));
    expect(seen?.get('authorization')).toBe('Bearer jwt-1');
    await getJson('/x', undefined, capture, recordingAuth(null));
    expect(seen?.has('authorization')).toBe(false);
    expect(requestHeaders(recordingAuth(null), true)['Content-Type']).toBe('application/json');
  });

  it('a 401 anywhere hands over to the login flow, other errors do not', async () => {
    const a = recordingAuth('expired');
    const err = (await getJson('/x', undefined, respond(401, '{"code":"unauthorized","message":"log in"}'), a).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.status).toBe(401);
    expect(a.unauthorizedCalls).toBe(1);
    await getJson('/x', undefined, respond(403, '{"code":"forbidden","message":"no"}'), a).catch(() => undefined);
    await getJson('/x', undefined, respond(404, '{"code":"not_found","message":"no"}'), a).catch(() => undefined);
    expect(a.unauthorizedCalls).toBe(1);
  });

  it('a wrong password on the login form stays on the form', async () => {
    const a = recordingAuth(null);
    let sent: RequestInit | undefined;
    const refuse: Fetcher = async (_path, init) => {
      sent = init;
      return new Response('{"code":"unauthorized","message":"wrong username or password"}', { status: 401 });
    };
    const err = (await postJson('/api/v1/auth/login', { username: 'a', password: 'b' }, { fetcher: refuse, auth: a, redirectOn401: false }).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.message).toBe('wrong username or password');
    expect(a.unauthorizedCalls).toBe(0);
    expect(sent?.method).toBe('POST');
    expect(JSON.parse(String(sent?.body))).toEqual({ username: 'a', password: 'b' });
  });

  it('accepts an empty 204 answer', async () => {
    await expect(
      postJson('/api/v1/apikeys/1', null, { fetcher: async () => new Response(null, { status: 204 }), auth: recordingAuth('t'), method: 'DELETE' }),
    ).resolves.toBeUndefined();
  });

  it('revokes with a bodiless DELETE carrying the bearer token', async () => {
    let sent: { path: string; init?: RequestInit } | null = null;
    const fetcher: Fetcher = async (path, init) => {
      sent = { path, init };
      return new Response(null, { status: 204 });
    };
    await expect(deleteRequest('/api/v1/apikeys/4', fetcher, recordingAuth('tok'))).resolves.toBeUndefined();
    const got = sent as { path: string; init?: RequestInit } | null;
    expect(got?.path).toBe('/api/v1/apikeys/4');
    expect(got?.init?.method).toBe('DELETE');
    expect(got?.init?.body).toBeUndefined();
    expect((got?.init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });
});
