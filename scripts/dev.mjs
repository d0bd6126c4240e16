#!/usr/bin/env node
// npm run dev: the server with restart on change (tsx watch, port 3000) and the Vite dev server with hot reload
// (port 5173, proxying /api, /fhir and /ws to the server). Ctrl-C stops both.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const children = [
  spawn('npx', ['tsx', 'watch', 'apps/server/src/main.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  }),
  spawn('npm', ['run', 'dev', '-w', '@lifeline/web'], { cwd: root, stdio: 'inherit', env: process.env }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', stop);
