// Builds Electron's main process (ESM) and preload (CommonJS: a sandboxed preload cannot be a module) with vite,
// the same toolchain as the renderer. electron and the npm dependencies stay external.
import { build } from 'vite';

const common = (input, format, fileName) => ({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'dist/electron',
    emptyOutDir: false,
    target: 'node22',
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input,
      external: ['electron'],
      output: { format, entryFileNames: fileName, chunkFileNames: `chunks/[name]-[hash].${format === 'es' ? 'mjs' : 'cjs'}` },
    },
  },
});

// the analysis worker is an entry of its own: core/node starts it from a file beside the bundle
await build(common({ main: 'electron/main.ts', 'analysis-worker': 'core/node/analysis/worker.ts' }, 'es', '[name].mjs'));
await build(common({ preload: 'electron/preload.ts' }, 'cjs', '[name].cjs'));
