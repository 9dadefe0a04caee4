// Static rendering of the timeline with tags.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { tagMarkers } from '../layout/tags';
import { TimeControls } from './TimeControls';

const periods = ['2024-01-01', '2024-02-01', '2024-03-01'].map((start) => ({ start, commits: 3, authors: 1, added: 10, removed: 2 }));
const sha = 'b'.repeat(40);
const at = (iso: string) => Date.parse(iso) / 1000;

function render(tags: ReturnType<typeof tagMarkers>, period = 0) {
  return renderToStaticMarkup(
    <TimeControls
      periods={periods}
      unit="month"
      period={period}
      onPeriod={() => {}}
      playing={false}
      onPlay={() => {}}
      speed={1}
      onSpeed={() => {}}
      compare={null}
      onCompare={() => {}}
      aliveCount={4}
      onExit={() => {}}
      tags={tags}
    />,
  );
}

describe('TimeControls', () => {
  it('draws a marker per tagged period and lists the tags for the keyboard', () => {
    const tags = tagMarkers(periods, [
      { name: 'v1.0', sha, time: at('2024-02-10T00:00:00Z') },
      { name: 'v1.1', sha, time: at('2024-03-02T00:00:00Z') },
    ]);
    const html = render(tags, 1);
    expect(html.match(/data-testid="time-tag-marker"/g)?.length).toBe(2);
    expect(html).toContain('data-period="1"');
    expect(html).toContain('data-testid="time-tags"');
    expect(html).toContain('<option value="2">v1.1 (2024-03-01)</option>');
    // The current period has a tag: it is named beside the date.
    expect(html).toContain('data-testid="time-tag-current"');
    expect(html).toContain('data-testid="time-slider"');
  });

  it('shows no tag list without tags', () => {
    const html = render([]);
    expect(html).not.toContain('time-tag-marker');
    expect(html).not.toContain('data-testid="time-tags"');
  });
});
