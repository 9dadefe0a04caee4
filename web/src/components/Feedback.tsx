/** Loading and error states shared by the pages. */
import type { ReactNode } from 'react';

export function Spinner({ label }: { label: string }) {
  return (
    <div className="flex h-full min-h-40 items-center justify-center gap-3 text-slate-400" role="status">
      <span className="h-5 w-5 animate-spin rounded-full border-2 border-slate-600 border-t-sky-400" />
      {label}
    </div>
  );
}

export function ErrorBox({ title, message, children }: { title: string; message: string; children?: ReactNode }) {
  return (
    <div role="alert" data-testid="error" className="rounded-lg border border-rose-900/70 bg-rose-950/40 p-4 text-rose-100">
      <div className="font-semibold text-rose-200">{title}</div>
      <div className="mt-1 text-sm">{message}</div>
      {children && <div className="mt-3 text-sm">{children}</div>}
    </div>
  );
}
