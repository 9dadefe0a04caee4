import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  formatEta,
  fraction,
  fromView,
  initialProgress,
  parseMessage,
  reduceEvent,
  socketUrl,
  type AnalysisEvent,
} from './analysisProgress';

const ids = { analysis_id: 4, repository_id: 9 };

describe('parseMessage', () => {
  it('reads ready, resync and events, and refuses the rest', () => {
    expect(parseMessage('{"type":"ready"}')).toEqual({ type: 'ready' });
    expect(parseMessage('{"type":"resync"}')).toEqual({ type: 'resync' });
    expect(parseMessage('{"type":"finished","analysis_id":4,"repository_id":9}')).toEqual({ type: 'finished', ...ids });
    expect(parseMessage('not json')).toBeNull();
    expect(parseMessage('{"type":"finished"}')).toBeNull();
    expect(parseMessage('{"type":"bogus","analysis_id":4,"repository_id":9}')).toBeNull();
    expect(parseMessage('3')).toBeNull();
  });
});

describe('reduceEvent', () => {
  it('follows stages and progress to the end', () => {
    const events: AnalysisEvent[] = [
      { type: 'queued', ...ids },
      { type: 'stage_started', ...ids, stage: 'history' },
      { type: 'progress', ...ids, stage: 'history', done: 50, total: 200, rate_per_sec: 25, eta_secs: 6 },
    ];
    let s = events.reduce(reduceEvent, initialProgress(4, 9));
    expect(s).toMatchObject({ status: 'running', stage: 'history', done: 50, total: 200, ratePerSec: 25, etaSecs: 6 });
    expect(fraction(s)).toBe(0.25);
    s = reduceEvent(s, { type: 'stage_started', ...ids, stage: 'metrics' });
    expect(s).toMatchObject({ stage: 'metrics', done: 0, total: 0, etaSecs: null });
    expect(fraction(s)).toBeNull();
    s = reduceEvent(s, { type: 'finished', ...ids });
    expect(s.status).toBe('succeeded');
    expect(fraction(s)).toBe(1);
    // Nothing moves after the end.
    expect(reduceEvent(s, { type: 'stage_started', ...ids, stage: 'fetch' })).toBe(s);
  });

  it('ignores other analyses and records failures', () => {
    const s = initialProgress(4, 9);
    expect(reduceEvent(s, { type: 'finished', analysis_id: 5, repository_id: 9 })).toBe(s);
    const failed = reduceEvent(s, { type: 'failed', ...ids, error: 'disk full' });
    expect(failed).toMatchObject({ status: 'failed', error: 'disk full' });
    expect(reduceEvent(s, { type: 'cancelled', ...ids }).status).toBe('cancelled');
  });

  it('takes the REST view after a resync, keeping the rate within a stage', () => {
    let s = reduceEvent(initialProgress(4, 9), {
      type: 'progress',
      ...ids,
      stage: 'history',
      done: 10,
      total: 100,
      rate_per_sec: 5,
      eta_secs: 18,
    });
    const view = { id: 4, repository_id: 9, status: 'running' as const, stage: 'history', progress: { done: 40, total: 100 }, error: null };
    s = fromView(s, view);
    expect(s).toMatchObject({ done: 40, total: 100, ratePerSec: 5, etaSecs: 18 });
    s = fromView(s, { ...view, stage: 'metrics', progress: { done: 1, total: 30 } });
    expect(s).toMatchObject({ stage: 'metrics', ratePerSec: null, etaSecs: null });
    s = fromView(s, { ...view, status: 'failed', error: 'boom' });
    expect(s).toMatchObject({ status: 'failed', error: 'boom' });
    expect(fromView(s, { ...view, status: 'running' })).toBe(s);
  });
});

describe('formatEta', () => {
  it('says how long is left', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(-1)).toBe('');
    expect(formatEta(Number.NaN)).toBe('');
    expect(formatEta(0.2)).toBe('less than a second left');
    expect(formatEta(42.4)).toBe('about 42 s left');
    expect(formatEta(120)).toBe('about 2 min left');
    expect(formatEta(125)).toBe('about 2 min 5 s left');
    expect(formatEta(3600 + 4 * 60 + 10)).toBe('about 1 h 4 min left');
    expect(formatEta(7200)).toBe('about 2 h left');
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap and jitters down by at most a fifth', () => {
    expect(backoffDelay(0, 0)).toBe(500);
    expect(backoffDelay(1, 0)).toBe(1000);
    expect(backoffDelay(3, 0)).toBe(4000);
    expect(backoffDelay(20, 0)).toBe(30_000);
    expect(backoffDelay(1000, 0)).toBe(30_000);
    expect(backoffDelay(2, 0.5)).toBe(1800);
    expect(backoffDelay(2, 0.999)).toBeGreaterThanOrEqual(1600);
    expect(backoffDelay(-3, 0)).toBe(500);
  });
});

describe('socketUrl', () => {
  it('uses wss on https and escapes the token', () => {
    expect(socketUrl({ protocol: 'http:', host: 'localhost:7878' }, 'a b')).toBe('ws://localhost:7878/api/v1/ws?access_token=a%20b');
    expect(socketUrl({ protocol: 'https:', host: 'cv.example' }, 't')).toBe('wss://cv.example/api/v1/ws?access_token=t');
  });
});
