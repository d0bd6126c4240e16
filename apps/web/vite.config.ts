import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Fastify server (port 3000) serves dist/ in production; in development Vite proxies the API to it so
// the session cookie stays same-origin in both cases.
// LIFELINE_API_URL points the dev server at another instance (e.g. a second server on another port).
const server = process.env.LIFELINE_API_URL || 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/fhir': { target: server, changeOrigin: false },
      '/ws': { target: server, ws: true },
    },
  },
  preview: { port: 4173 },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        // Libraries change less often than our screens: a separate chunk stays in the browser cache across
        // releases, which matters on slow township-clinic links.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/,
            },
            {
              name: 'antd',
              test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[\w-]+|@emotion|dayjs)[\\/]/,
            },
          ],
        },
      },
    },
  },
});
