// Static rendering of the analysis progress and the add-repository form.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { initialProgress, reduceEvent } from '../data/analysisProgress';
import { AddRepositoryForm } from './AddRepositoryForm';
import { ProgressView, resultLine } from './AnalysisProgress';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('analysis components', () => {
  it('ProgressView shows stage, done/total, ETA and Cancel while running', () => {
    const s = reduceEvent(initialProgress(3, 1), {
      type: 'progress',
      analysis_id: 3,
      repository_id: 1,
      stage: 'history',
      done: 1200,
      total: 4800,
      rate_per_sec: 100,
      eta_secs: 36,
    });
    const html = renderToStaticMarkup(<ProgressView state={s} onCancel={() => {}} />);
    const t = text(html);
    expect(html).toContain('data-testid="analysis-progress"');
    expect(html).toContain('width:25%');
    expect(t).toContain('history');
    expect(t).toContain('1,200 / 4,800');
    expect(t).toContain('about 36 s left');
    expect(html).toContain('data-testid="cancel-analysis"');
  });

  it('ProgressView shows the error of a failed analysis and no Cancel', () => {
    const s = reduceEvent(initialProgress(3, 1), { type: 'failed', analysis_id: 3, repository_id: 1, error: 'not a git repository' });
    const html = renderToStaticMarkup(<ProgressView state={s} onCancel={() => {}} />);
    expect(text(html)).toContain('Analysis failed: not a git repository');
    expect(html).toContain('data-status="failed"');
    expect(html).not.toContain('cancel-analysis');
    // Collapsed to a result line: no progress bar left.
    expect(html).not.toContain('role="progressbar"');
  });

  it('ProgressView collapses a finished or cancelled analysis into a dismissable line', () => {
    const done = reduceEvent(initialProgress(3, 1), { type: 'finished', analysis_id: 3, repository_id: 1 });
    const html = renderToStaticMarkup(<ProgressView state={done} onCancel={() => {}} onDismiss={() => {}} />);
    expect(html).toContain('data-status="succeeded"');
    expect(text(html)).toContain('Analysis finished');
    expect(html).toContain('data-testid="dismiss-analysis"');
    expect(html).not.toContain('role="progressbar"');
    expect(html).not.toContain('cancel-analysis');
    const cancelled = reduceEvent(initialProgress(3, 1), { type: 'cancelled', analysis_id: 3, repository_id: 1 });
    expect(resultLine(cancelled)).toContain('cancelled');
    expect(resultLine(initialProgress(3, 1))).toBe('');
  });

  it('AddRepositoryForm has source, name and visibility', () => {
    const html = renderToStaticMarkup(<AddRepositoryForm onAdded={() => {}} />);
    expect(html).toContain('data-testid="add-repository"');
    expect(html).toContain('name="source"');
    expect(html).toContain('name="name"');
    expect(html).toContain('value="shared"');
  });
});
