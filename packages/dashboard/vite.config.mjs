// The dashboard's build: one page whose files live under /dashboard/ (DASHBOARD_PREFIX in index.js),
// so the services serve them beside their API without a path in common.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/dashboard/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // scripts/size.js measures the gzipped JavaScript after the build.
    reportCompressedSize: false,
  },
});
