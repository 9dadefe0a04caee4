import { describe, expect, it } from 'vitest';
import { commitToLookUp, linkTravelDay, lookedUpCommit, resolveRevisionLink, shortSha } from './revisionLink';

const head = 'a'.repeat(40);
const old = 'b'.repeat(40);
const other = 'c'.repeat(40);
// 2021-03-01T12:00:00Z
const march = Date.UTC(2021, 2, 1, 12) / 1000;

describe('revision links', () => {
  it('a link without rev, or at the analysed head, changes nothing', () => {
    expect(resolveRevisionLink(null, head, null)).toEqual({ kind: 'current' });
    expect(resolveRevisionLink(head, head, null)).toEqual({ kind: 'current' });
    expect(resolveRevisionLink(head, head.toUpperCase(), [])).toEqual({ kind: 'current' });
  });
  it('an older rev waits for the timeline', () => {
    expect(resolveRevisionLink(old, head, null)).toEqual({ kind: 'pending', sha: old });
  });
  it('an older rev the timeline knows opens time travel at its day', () => {
    const tags = [
      { name: 'v2', sha: old, time: march },
      { name: 'v1', sha: old, time: march },
      { name: 'x', sha: other, time: 0 },
    ];
    expect(resolveRevisionLink(old, head, tags)).toEqual({ kind: 'travel', sha: old, day: '2021-03-01', tags: ['v1', 'v2'] });
  });
  it('an unknown rev shows the latest analysis', () => {
    expect(resolveRevisionLink(old, head, [])).toEqual({ kind: 'unknown', sha: old });
    expect(resolveRevisionLink(old, head, [{ name: 'x', sha: other, time: march }])).toEqual({ kind: 'unknown', sha: old });
    // Older servers send no tags; malformed entries are ignored.
    expect(resolveRevisionLink(old, head, undefined)).toEqual({ kind: 'unknown', sha: old });
    expect(resolveRevisionLink(old, head, [{ name: 'x', sha: old, time: 'yesterday' }, null])).toEqual({ kind: 'unknown', sha: old });
  });
  it('a repository without an analysed head has nothing to compare', () => {
    expect(resolveRevisionLink(old, null, [])).toEqual({ kind: 'current' });
  });
  it('a link placed in time opens at its day unless it carries its own time or comparison', () => {
    const travel = { kind: 'travel' as const, sha: old, day: '2021-03-01', tags: [] };
    expect(linkTravelDay(travel, null, null)).toBe('2021-03-01');
    expect(linkTravelDay(travel, '2020-01-01', null)).toBeNull();
    expect(linkTravelDay(travel, null, ['2020-01-01', '2020-02-01'])).toBeNull();
    expect(linkTravelDay({ kind: 'unknown', sha: old }, null, null)).toBeNull();
    expect(linkTravelDay({ kind: 'current' }, null, null)).toBeNull();
  });
  it('short shas have seven digits', () => {
    expect(shortSha(old)).toBe('bbbbbbb');
  });
});

describe('revision links looked up by sha', () => {
  const commit = { sha: old, time: '2021-03-01T23:30:00Z' };
  it('an older rev no tag marks is looked up once the timeline has loaded', () => {
    expect(commitToLookUp(old, head, null)).toBeNull();
    expect(commitToLookUp(old, head, [])).toBe(old);
    expect(commitToLookUp(old, head, undefined)).toBe(old);
    expect(commitToLookUp(old, head, [{ name: 'v1', sha: old, time: march }])).toBeNull();
    expect(commitToLookUp(head, head, [])).toBeNull();
    expect(commitToLookUp(null, head, [])).toBeNull();
  });
  it('waits for the look-up, then opens time travel at the commit day without a tag name', () => {
    expect(resolveRevisionLink(old, head, [], null)).toEqual({ kind: 'pending', sha: old });
    expect(resolveRevisionLink(old, head, [], commit)).toEqual({ kind: 'travel', sha: old, day: '2021-03-01', tags: [] });
  });
  it('is unknown only when the look-up finds nothing', () => {
    expect(resolveRevisionLink(old, head, [], false)).toEqual({ kind: 'unknown', sha: old });
    expect(resolveRevisionLink(old, head, [], { sha: other, time: commit.time })).toEqual({ kind: 'unknown', sha: old });
    expect(resolveRevisionLink(old, head, [], { sha: old, time: 'yesterday' })).toEqual({ kind: 'unknown', sha: old });
  });
  it('a tag wins over the look-up (it names the tag)', () => {
    const tags = [{ name: 'v1', sha: old, time: march }];
    expect(resolveRevisionLink(old, head, tags, false)).toEqual({ kind: 'travel', sha: old, day: '2021-03-01', tags: ['v1'] });
  });
  it('reads the commit from a /commits page', () => {
    expect(lookedUpCommit(old, { items: [{ sha: old, time: commit.time, summary: 'x' }], next_cursor: null })).toEqual(commit);
    expect(lookedUpCommit(old, { items: [{ sha: old.toUpperCase(), time: commit.time }] })).toEqual(commit);
    expect(lookedUpCommit(old, { items: [], next_cursor: null })).toBe(false);
    expect(lookedUpCommit(old, { items: [{ sha: other, time: commit.time }] })).toBe(false);
    expect(lookedUpCommit(old, { items: [{ sha: old }] })).toBe(false);
    expect(lookedUpCommit(old, null)).toBe(false);
    expect(lookedUpCommit(old, 'nope')).toBe(false);
  });
});
