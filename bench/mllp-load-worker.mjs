// Worker-thread entry of bench/mllp-load.ts: worker threads do not inherit tsx's loader, so register it here.
import { register } from 'tsx/esm/api';

register();
await import('./mllp-load.ts');
