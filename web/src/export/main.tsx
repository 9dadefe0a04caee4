/**
 * Entry of the static export (`codevoyage export`): renders the city from the JSON embedded in
 * the page (`<script type="application/json" id="codevoyage-data">`). Built by
 * `vite.export.config.ts` into one script and one stylesheet that the binary inlines.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../index.css';
import { ErrorBox } from '../components/Feedback';
import { ExportApp } from './ExportApp';
import { parseExportData } from './data';

const root = document.getElementById('root');
if (root) {
  let content;
  try {
    const data = parseExportData(document.getElementById('codevoyage-data')?.textContent);
    content = <ExportApp data={data} />;
  } catch (e) {
    content = (
      <div className="mx-auto max-w-3xl p-8">
        <ErrorBox title="This CodeVoyage export cannot be shown" message={e instanceof Error ? e.message : String(e)} />
      </div>
    );
  }
  createRoot(root).render(<StrictMode>{content}</StrictMode>);
}
