/// <reference types="vitest/config" />
// Vite build for the CodeVoyage web UI. The output in dist/ is embedded by the Rust binary
// (rust-embed), so asset URLs are absolute ("/assets/...") and client-side routes work.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// `npm run dev` forwards API calls to a running `codevoyage serve` (or the mock server).
const apiTarget = process.env.CODEVOYAGE_API ?? 'http://127.0.0.1:7878';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: true } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // three.js, R3F and drei are large and change rarely: keep them in their own chunk
        // so application updates do not invalidate the cached 3D engine.
        codeSplitting: {
          groups: [
            {
              name: 'three',
              test: /node_modules[\\/](three|three-stdlib|@react-three|camera-controls|maath|troika-[^\\/]+|meshline|stats-gl|@monogrid|@use-gesture|its-fine|zustand|suspend-react|react-use-measure|tunnel-rat|hls\.js|detect-gpu|three-mesh-bvh)[\\/]/,
              priority: 20,
            },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
