// Vite build of the static export page (`codevoyage export`): one script and one stylesheet in
// dist-export/, no code splitting and every asset inlined, so that the binary can inline them
// into a single self-contained HTML file. `npm run build` runs it after the app's build.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist-export',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    modulePreload: false,
    rolldownOptions: {
      input: 'src/export/main.tsx',
      output: {
        format: 'es',
        codeSplitting: false,
        entryFileNames: 'export.js',
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.css')) ? 'export.css' : 'assets/[name][extname]'),
      },
    },
  },
});
