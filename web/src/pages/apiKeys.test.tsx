// Static rendering of the API keys page's parts.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../data/apiKeys';
import { KeyTable, NewKey } from './ApiKeysPage';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const key = (id: number, username: string, revoked_at: string | null = null): ApiKey => ({
  id,
  user_id: id,
  username,
  name: `key ${id}`,
  prefix: `cvk_abc${id}`,
  created_at: '2026-01-01T00:00:00Z',
  revoked_at,
  last_used_at: null,
});

describe('API keys page', () => {
  it('lists keys by prefix, with Revoke only on active ones', () => {
    const html = renderToStaticMarkup(
      <KeyTable keys={[key(1, 'ana'), key(2, 'ana', '2026-02-01T00:00:00Z')]} me="ana" onRevoked={() => {}} />,
    );
    const t = text(html);
    expect(html).toContain('data-testid="apikey-list"');
    expect(t).toContain('cvk_abc1…');
    expect(t).toContain('Active');
    expect(t).toContain('Revoked');
    expect(html.match(/data-testid="apikey-revoke"/g)?.length).toBe(1);
    // Only the reader's keys: no owner column.
    expect(t).not.toContain('Owner');
  });

  it("shows the owner column when an admin sees someone else's key", () => {
    const t = text(renderToStaticMarkup(<KeyTable keys={[key(1, 'ana'), key(2, 'bob')]} me="ana" onRevoked={() => {}} />));
    expect(t).toContain('Owner');
    expect(t).toContain('bob');
  });

  it('says so when there is no key', () => {
    expect(renderToStaticMarkup(<KeyTable keys={[]} me="ana" onRevoked={() => {}} />)).toContain('data-testid="apikey-empty"');
  });

  it('shows a new key once, with a copy button', () => {
    const html = renderToStaticMarkup(<NewKey created={{ id: 3, name: 'CI', key: 'cvk_secret' }} onDone={() => {}} />);
    expect(html).toContain('value="cvk_secret"');
    expect(html).toContain('data-testid="apikey-copy"');
    expect(text(html)).toContain('shown this once');
  });
});
