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
  /** HL7 MLLP listener port; null when MLLP_PORT=off, 0 picks a free port. */
  mllpPort: number | null;
  /** National registry uploads: retries after the first attempt, and seconds before the first retry. */
  registryRetryLimit: number;
  registryRetryDelaySeconds: number;
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
  const publicUrl = env.LIFELINE_PUBLIC_URL;
  if (publicUrl && !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
    throw new ConfigError(`LIFELINE_PUBLIC_URL="${publicUrl}": expected an http:// or https:// address`);
  }
  // Read by the modules that own them (tests set them per file), but checked here so a typo stops the start.
  int(env, 'ANALYSIS_THREADS', 0, 0, 64);
  int(env, 'LIFELINE_CRITICAL_SWEEP_SECONDS', 5, 0, 86_400);
  int(env, 'EMERGENCY_SWEEP_MS', 30_000, 0, 86_400_000);
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
    mllpPort: env.MLLP_PORT === 'off' ? null : int(env, 'MLLP_PORT', 2575, 0, 65535),
    registryRetryLimit: int(env, 'REGISTRY_RETRY_LIMIT', 8, 0, 100),
    registryRetryDelaySeconds: int(env, 'REGISTRY_RETRY_DELAY', 30, 1, 86_400),
  };
}
