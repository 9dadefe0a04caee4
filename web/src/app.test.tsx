// Static rendering of the app shell's header.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { App } from './App';

describe('App header', () => {
  it('offers the theme toggle, labelled with the theme it switches to', () => {
    const html = renderToStaticMarkup(<App />);
    expect(html).toContain('data-testid="theme-toggle"');
    // Rendered without a document: the dark theme, so the button offers the light one.
    expect(html).toContain('aria-label="Switch to the light theme"');
  });
});
