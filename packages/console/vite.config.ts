import { defineConfig } from 'vite';

// Served by the Vigil server under /console.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
