import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RevisionBanner } from './RevisionBanner';

const head = 'a'.repeat(40);
const old = '0123456789abcdef0123456789abcdef01234567';
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('RevisionBanner', () => {
  it('says nothing when the link shows the analysed revision, or is still being placed', () => {
    expect(renderToStaticMarkup(<RevisionBanner link={{ kind: 'current' }} head={head} onShowLatest={() => {}} />)).toBe('');
    expect(renderToStaticMarkup(<RevisionBanner link={{ kind: 'pending', sha: old }} head={head} onShowLatest={() => {}} />)).toBe('');
  });
  it('names the revision and its day when the city shows it through time travel', () => {
    const html = renderToStaticMarkup(
      <RevisionBanner link={{ kind: 'travel', sha: old, day: '2021-03-01', tags: ['v1.0'] }} head={head} onShowLatest={() => {}} />,
    );
    expect(text(html)).toContain('This link was made at revision 0123456 (2021-03-01, v1.0); the city shows it through time travel.');
    expect(html).toContain('Show the latest analysis');
    expect(html).toContain('data-kind="travel"');
  });
  it('leaves out the tag names when the commit was found by sha', () => {
    const html = renderToStaticMarkup(
      <RevisionBanner link={{ kind: 'travel', sha: old, day: '2021-03-01', tags: [] }} head={head} onShowLatest={() => {}} />,
    );
    expect(text(html)).toContain('This link was made at revision 0123456 (2021-03-01); the city shows it through time travel.');
  });
  it('says an unknown revision is replaced by the latest analysis', () => {
    const html = renderToStaticMarkup(<RevisionBanner link={{ kind: 'unknown', sha: old }} head={head} onShowLatest={() => {}} />);
    expect(text(html)).toContain('This link was made at revision 0123456');
    expect(text(html)).toContain('the city shows the latest analysis, aaaaaaa');
    expect(html).toContain('data-kind="unknown"');
  });
});
