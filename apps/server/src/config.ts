/**
 * Configuration from the environment, validated once at start. A bad value stops the server with a message that
 * names the variable and says what is expected.
 */
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** External PostgreSQL; undefined means: start the embedded one under dataDir/pg. */
  databaseUrl?: string;
  dataDir: string;
  /** Seed the demo network on an empty database. */
  demoData: boolean;
  demoPassword?: string;
  /** 32-byte key (hex or base64) for national ID / phone encryption; generated into dataDir when unset. */
  encryptionKey?: string;
  sessionHours: number;
  logLevel: string;
  defaultTimeZone: string;
  argon2MemoryKiB: number;
  argon2Iterations: number;
  webDist: string;
  cookieSecure: boolean;
  /** DICOM SCP port; null when DICOM_PORT=off. */
  dicomPort: number | null;
  dicomAeTitle: string;
  /** How often drop folders are scanned, in ms. */
  dropFolderIntervalMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}="${raw}": expected a whole number from ${min} to ${max}`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name}="${env[name]}": expected on/off (true/false, 1/0)`);
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }
  const timeZone = env.LIFELINE_TIME_ZONE || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError(`LIFELINE_TIME_ZONE="${timeZone}": not an IANA time zone (e.g. Asia/Shanghai)`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL="${logLevel}": expected fatal, error, warn, info, debug, trace or silent`,
    );
  }
  if (env.DEMO_PASSWORD !== undefined && env.DEMO_PASSWORD.length < 8) {
    throw new ConfigError('DEMO_PASSWORD: must be at least 8 characters');
  }
  const dicomAeTitle = env.DICOM_AE_TITLE || 'LIFELINE';
  if (!/^[ -[\]-~]{1,16}$/.test(dicomAeTitle)) {
    throw new ConfigError(`DICOM_AE_TITLE="${dicomAeTitle}": 1–16 printable ASCII characters, no backslash`);
  }
  const root = resolve(new URL('../../..', import.meta.url).pathname);
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: resolve(root, env.DATA_DIR || 'data'),
    demoData: bool(env, 'DEMO_DATA', !databaseUrl),
    demoPassword: env.DEMO_PASSWORD || undefined,
    encryptionKey: env.LIFELINE_ENCRYPTION_KEY || undefined,
    sessionHours: int(env, 'SESSION_HOURS', 12, 1, 24 * 30),
    logLevel,
    defaultTimeZone: timeZone,
    argon2MemoryKiB: int(env, 'ARGON2_MEMORY_KIB', 19456, 1024, 1048576),
    argon2Iterations: int(env, 'ARGON2_ITERATIONS', 2, 1, 20),
    webDist: resolve(root, 'apps/web/dist'),
    cookieSecure: bool(env, 'COOKIE_SECURE', false),
    dicomPort: env.DICOM_PORT === 'off' ? null : int(env, 'DICOM_PORT', 11112, 0, 65535),
    dicomAeTitle,
    dropFolderIntervalMs: int(env, 'DROP_FOLDER_INTERVAL_MS', 3000, 200, 3_600_000),
  };
}
