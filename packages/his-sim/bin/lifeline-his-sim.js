#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (the repository has no build step for packages).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
