/** Hover tooltips following the pointer over a building or a district. */
import type { ReactNode } from 'react';
import type { FileNode } from '../api/types';
import { formatExact } from '../format';

export function Tooltip({ file, x, y }: { file: FileNode; x: number; y: number }) {
  return (
    <TooltipFrame x={x} y={y}>
      <div className="break-all font-mono text-slate-100">{file.path}</div>
      <div className="mt-1 flex gap-3 text-slate-400">
        <span>{file.language ?? 'unknown language'}</span>
        <span>
          <span className="text-slate-200">{formatExact(file.lines.code)}</span> loc
        </span>
        <span>
          <span className="text-slate-200">{formatExact(file.revisions)}</span> revisions
        </span>
      </div>
    </TooltipFrame>
  );
}

export function FolderTooltip({ path, files, code, x, y }: { path: string; files: number; code: number; x: number; y: number }) {
  return (
    <TooltipFrame x={x} y={y} testId="folder-tooltip">
      <div className="break-all font-mono text-slate-100">{path === '' ? '/ (repository root)' : `${path}/`}</div>
      <div className="mt-1 flex gap-3 text-slate-400">
        <span>
          <span className="text-slate-200">{formatExact(files)}</span> files
        </span>
        <span>
          <span className="text-slate-200">{formatExact(code)}</span> loc
        </span>
        <span className="text-slate-500">double-click to zoom</span>
      </div>
    </TooltipFrame>
  );
}

function TooltipFrame({ x, y, testId = 'tooltip', children }: { x: number; y: number; testId?: string; children: ReactNode }) {
  // Keep the tooltip on screen: flip to the left/top near the right/bottom edges.
  const flipX = x > window.innerWidth - 340;
  const flipY = y > window.innerHeight - 140;
  return (
    <div
      data-testid={testId}
      className="pointer-events-none fixed z-20 max-w-xs rounded-md border border-slate-700 bg-slate-900/95 px-3 py-2 text-xs shadow-lg"
      style={{
        left: flipX ? undefined : x + 14,
        right: flipX ? window.innerWidth - x + 14 : undefined,
        top: flipY ? undefined : y + 14,
        bottom: flipY ? window.innerHeight - y + 14 : undefined,
      }}
    >
      {children}
    </div>
  );
}
