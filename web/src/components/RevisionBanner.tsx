/** The banner above the city when a shared link was made at another revision than the one analysed now. */
import { shortSha, type RevisionLink } from '../state/revisionLink';

export function RevisionBanner({ link, head, onShowLatest }: { link: RevisionLink; head: string; onShowLatest: () => void }) {
  if (link.kind !== 'travel' && link.kind !== 'unknown') return null;
  const rev = <code className="font-mono">{shortSha(link.sha)}</code>;
  return (
    <div
      role="status"
      data-testid="revision-banner"
      data-kind={link.kind}
      className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-amber-800/60 bg-amber-950/50 px-4 py-1.5 text-sm text-amber-100"
    >
      {link.kind === 'travel' ? (
        <span>
          This link was made at revision {rev} ({link.day}
          {link.tags.length > 0 ? `, ${link.tags.join(', ')}` : ''}); the city shows it through time travel.
        </span>
      ) : (
        <span>
          This link was made at revision {rev}, which is neither the analysed revision nor a commit of the analysed history
          (the history may have been rewritten, or a newer analysis replaced it); the city shows the latest analysis,{' '}
          <code className="font-mono">{shortSha(head)}</code>.
        </span>
      )}
      <button
        data-testid="revision-latest"
        onClick={onShowLatest}
        className="rounded-md border border-amber-700/70 px-2 py-0.5 text-xs text-amber-100 hover:bg-amber-900/60"
      >
        {link.kind === 'travel' ? 'Show the latest analysis' : 'Dismiss'}
      </button>
    </div>
  );
}
