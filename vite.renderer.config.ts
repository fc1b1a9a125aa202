import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: one static build served by `covenant serve` and loaded by Electron. Workers (Monaco's and
// monaco-yaml's) are emitted as files of their own, so the strict CSP needs no blob: or eval.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
  },
  worker: { format: 'es' },
});
