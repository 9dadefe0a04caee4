import { describe, expect, it } from 'vitest';
import { ApiError, getJson, type Fetcher } from './client';

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
