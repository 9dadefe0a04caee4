// Static rendering of the presentational components (react-dom/server, no browser needed).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Repository } from '../api/types';
import { layoutCity } from '../layout/city';
import { buildingColors } from '../layout/colors';
import { dir, file } from '../layout/testTrees';
import { EmptyState, RepositoryCard } from '../pages/RepositoryListPage';
import { DetailsPanel } from './DetailsPanel';
import { ErrorBox } from './Feedback';
import { Legend } from './Legend';
import { StatsStrip } from './StatsStrip';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const repo: Repository = {
  id: 7,
  name: 'flask',
  source: '/src/flask',
  head: '2ac89889f4cc330eabd50f295dcef02828522c69',
  total_commits: 5531,
  total_contributors: 871,
  total_files: 236,
  languages: [
    { language: 'Python', files: 83, code: 14013 },
    { language: 'HTML', files: 20, code: 333 },
    { language: 'SQL', files: 2, code: 22 },
  ],
  last_analyzed_at: null,
};

describe('components', () => {
  it('DetailsPanel shows the file and its metrics', () => {
    const f = file('src/flask/app.py', 1235, { lines: { code: 1235, comment: 90, blank: 301 }, bytes: 65_000, revisions: 135 });
    const html = renderToStaticMarkup(<DetailsPanel file={f} onClose={() => {}} onFocusFolder={() => {}} />);
    const t = text(html);
    expect(html).toContain('data-testid="details-panel"');
    expect(t).toContain('app.py');
    expect(t).toContain('src/flask/');
    expect(t).toContain('1,235');
    expect(t).toContain('1,626');
    expect(t).toContain('135');
    expect(t).toContain('63.5 KiB');
    expect(t).toContain('Zoom to src/flask/');
  });

  it('Legend lists languages with colours, or a ramp for metrics', () => {
    const files = [file('a.py', 10, { language: 'Python' }), file('b.rs', 20, { language: 'Rust' })];
    const cat = text(renderToStaticMarkup(<Legend legend={buildingColors(files, 'language').legend} heightLabel="Lines of code" />));
    expect(cat).toContain('Rust');
    expect(cat).toContain('Python');
    expect(cat).toContain('lines of code, square-root scale');
    const seq = text(renderToStaticMarkup(<Legend legend={buildingColors(files, 'revisions').legend} heightLabel="Revisions" />));
    expect(seq).toContain('log scale');
    expect(seq).toContain('commits');
  });

  it('StatsStrip counts files, folders and lines', () => {
    const tree = dir('', [dir('src', [file('src/a.py', 100), file('src/b.py', 50)]), file('README.md', 10, { language: 'Markdown' })]);
    const html = renderToStaticMarkup(
      <StatsStrip repo={repo} tree={{ repository_id: 7, revision: repo.head ?? '', root: tree }} layout={layoutCity(tree)} />,
    );
    const t = text(html);
    expect(t).toContain('3 files');
    expect(t).toContain('2 folders');
    expect(t).toContain('160 lines of code');
    expect(t).toContain('2 languages');
    expect(t).toContain('@ 2ac89889');
  });

  it('RepositoryCard links to the city and shows the numbers', () => {
    const html = renderToStaticMarkup(<RepositoryCard repo={repo} />);
    expect(html).toContain('href="/repositories/7"');
    const t = text(html);
    expect(t).toContain('5.5k commits');
    expect(t).toContain('871 contributors');
    expect(t).toContain('analysed never');
    expect(t).toContain('SQL &lt;1%');
  });

  it('RepositoryCard shows the forge description and stars when present', () => {
    const withForge: Repository = {
      ...repo,
      forge: { provider: 'github', description: 'The Python micro framework', stars: 68123, default_branch: 'main' },
    };
    const html = renderToStaticMarkup(<RepositoryCard repo={withForge} />);
    expect(html).toContain('data-testid="repo-forge"');
    expect(text(html)).toContain('The Python micro framework');
    expect(text(html)).toContain('68k');
    expect(html).toContain('68,123 stars on GitHub');
    // Optional: absent, null, or without description and stars, nothing is shown.
    expect(renderToStaticMarkup(<RepositoryCard repo={repo} />)).not.toContain('repo-forge');
    expect(renderToStaticMarkup(<RepositoryCard repo={{ ...repo, forge: null }} />)).not.toContain('repo-forge');
    expect(renderToStaticMarkup(<RepositoryCard repo={{ ...repo, forge: { provider: 'github', stars: null } }} />)).not.toContain('repo-forge');
    const starsOnly = renderToStaticMarkup(<RepositoryCard repo={{ ...repo, forge: { provider: 'gitlab', stars: 0 } }} />);
    expect(starsOnly).toContain('0 stars on GitLab');
  });

  it('EmptyState tells how to analyse a repository, by role', () => {
    const viewer = text(renderToStaticMarkup(<EmptyState canAdd={false} />));
    expect(viewer).toContain('codevoyage analyze PATH');
    expect(viewer).toContain('Ask an analyst');
    const analyst = text(renderToStaticMarkup(<EmptyState canAdd />));
    expect(analyst).toContain('form above');
    expect(analyst).not.toContain('codevoyage analyze');
  });

  it('ErrorBox shows the message', () => {
    const html = renderToStaticMarkup(<ErrorBox title="Could not load" message="no repository with id 9" />);
    expect(html).toContain('role="alert"');
    expect(text(html)).toContain('no repository with id 9');
  });
});

describe('analysis components', () => {
  it('FindingsPanel shows ranked findings with labelled badges, action and evidence', async () => {
    const { FindingsPanel } = await import('./FindingsPanel');
    const html = renderToStaticMarkup(
      <FindingsPanel
        state={{
          status: 'ok',
          data: [
            {
              rank: 2,
              kind: 'low_truck_factor',
              severity: 'info',
              title: 'Few owners',
              body: 'Two people.\n\nSuggested action: Pair up.',
              evidence: { numbers: { truck_factor: 2 } },
            },
            {
              rank: 1,
              kind: 'hotspot',
              severity: 'critical',
              title: '`src/app.py` is hotspot #1',
              body: 'Busy and complex.\n\nSuggested action: Split it.',
              evidence: { numbers: { revisions: 479 }, files: ['src/app.py', 'gone.py'] },
            },
          ],
        }}
        isInCity={(p) => p === 'src/app.py'}
        onPickFile={() => {}}
      />,
    );
    const t = text(html);
    expect(html).toContain('data-testid="findings"');
    expect(html.match(/data-testid="finding"/g)).toHaveLength(2);
    // Rank 1 first, open, with its action and evidence; the badge carries a word.
    expect(t.indexOf('is hotspot #1')).toBeLessThan(t.indexOf('Few owners'));
    expect(t).toContain('Critical');
    expect(t).toContain('Split it.');
    expect(t).toContain('479');
    expect(t).not.toContain('Pair up.');
    // Files outside the city are shown but not clickable.
    expect(html.match(/data-testid="finding-file"/g)).toHaveLength(2);
    expect(html.match(/disabled=""/g)).toHaveLength(1);
  });

  it('FindingsPanel says which executive summary it shows', async () => {
    const { FindingsPanel } = await import('./FindingsPanel');
    const model = renderToStaticMarkup(
      <FindingsPanel
        state={{ status: 'ok', data: [] }}
        summary={{
          status: 'ok',
          data: { analysis_id: 1, source: 'model', model: 'llama3', label: 'Written by llama3 from the findings', text: 'Risk sits in app.py.' },
        }}
        isInCity={() => false}
        onPickFile={() => {}}
      />,
    );
    expect(model).toContain('data-source="model"');
    expect(model).toMatch(/<details[^>]*open=""/);
    expect(text(model)).toContain('written by llama3');
    expect(text(model)).toContain('Risk sits in app.py.');
    const plain = renderToStaticMarkup(
      <FindingsPanel
        state={{ status: 'ok', data: [] }}
        summary={{
          status: 'ok',
          data: { analysis_id: 1, source: 'deterministic', model: null, label: 'Deterministic summary', text: '2 findings' },
        }}
        isInCity={() => false}
        onPickFile={() => {}}
      />,
    );
    expect(plain).toContain('data-source="deterministic"');
    expect(plain).not.toMatch(/<details[^>]*open=""/);
    expect(text(plain)).toContain('(deterministic)');
    // No summary (loading, or an older server): nothing rendered.
    const none = renderToStaticMarkup(
      <FindingsPanel state={{ status: 'ok', data: [] }} summary={{ status: 'loading' }} isInCity={() => false} onPickFile={() => {}} />,
    );
    expect(none).not.toContain('executive-summary');
  });

  it('FindingsPanel shows the API error and the empty state', async () => {
    const { FindingsPanel } = await import('./FindingsPanel');
    const { ApiError } = await import('../api/client');
    const err = renderToStaticMarkup(
      <FindingsPanel state={{ status: 'error', error: new ApiError(404, 'not_found', 'no analysis yet') }} isInCity={() => false} onPickFile={() => {}} />,
    );
    expect(text(err)).toContain('no analysis yet');
    const empty = renderToStaticMarkup(<FindingsPanel state={{ status: 'ok', data: [] }} isInCity={() => false} onPickFile={() => {}} />);
    expect(empty).toContain('data-testid="findings-empty"');
  });

  it('DetailsPanel lists coupled files with degree and shared commits', () => {
    const f = file('src/a.py', 10, { cyclomatic: 4, revisions: 5 });
    const html = renderToStaticMarkup(
      <DetailsPanel
        file={f}
        onClose={() => {}}
        coupled={[
          { path: 'src/b.py', index: 1, shared: 7, degree: 0.8 },
          { path: 'old.py', index: -1, shared: 2, degree: 0.3 },
        ]}
        onPickFile={() => {}}
      />,
    );
    const t = text(html);
    expect(t).toContain('Hotspot score');
    expect(t).toContain('20');
    expect(t).toContain('80% · 7');
    expect(html.match(/data-testid="coupled-file"/g)).toHaveLength(2);
  });

  it('Legend states the hotspot formula', () => {
    const colors = buildingColors([file('a.py', 3, { cyclomatic: 2 })], 'hotspot');
    const html = renderToStaticMarkup(<Legend legend={colors.legend} heightLabel="Hotspot score" />);
    expect(text(html)).toContain('score = revisions × cyclomatic complexity');
  });
});
