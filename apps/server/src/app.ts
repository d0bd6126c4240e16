/**
 * build(): the Fastify application with an explicit list of registrations. It listens nowhere: main.ts does,
 * and tests use app.inject().
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { type BlobStore, FileBlobStore } from './blob';
import type { Config } from './config';
import type { Pool } from './db/pool';
import type { FieldCrypto } from './lib/crypto';
import { loggerOptions } from './lib/logging';
import { auditRoutes } from './modules/audit';
import { authRoutes } from './modules/auth';
import { criticalRoutes } from './modules/critical';
import { deviceRoutes } from './modules/devices';
import { ecgRoutes } from './modules/ecg';
import { emergencyRoutes } from './modules/emergency';
import { fhirRoutes } from './modules/fhir';
import { integrationRoutes } from './modules/integration';
import { liveRoutes } from './modules/live';
import { notificationRoutes } from './modules/notifications';
import { orderRoutes } from './modules/orders';
import { organizationRoutes } from './modules/organizations';
import { patientRoutes } from './modules/patients';
import { reportRoutes } from './modules/reports';
import { searchRoutes } from './modules/search';
import { statsRoutes } from './modules/stats';
import { systemRoutes } from './modules/system';
import { userRoutes } from './modules/users';
import { registerAuth } from './plugins/auth';
import { registerErrorHandler } from './plugins/errors';
import './plugins/context';

export interface AppDeps {
  config: Config;
  db: Pool;
  fieldCrypto: FieldCrypto;
  /** ECG originals and waveforms; default: files under <dataDir>/blobs. */
  blobs?: BlobStore;
  /** Set false in tests to keep output quiet. */
  logger?: boolean;
}

export async function build(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger === false ? false : loggerOptions(deps.config.logLevel),
    trustProxy: true,
    ajv: {
      customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true },
      plugins: [(await import('ajv-formats')).default as never],
    },
  });
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('fieldCrypto', deps.fieldCrypto);
  app.decorate('blobs', deps.blobs ?? new FileBlobStore(join(deps.config.dataDir, 'blobs')));
  // Set by startJobs() (src/jobs.ts) when background workers run.
  app.decorate('jobs', null);

  const serveWebApp = existsSync(deps.config.webDist);
  registerErrorHandler(app, serveWebApp);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Lifeline API',
        version: '0.1.0',
        description: 'ECG information management and emergency three centers',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'lifeline_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app);
  await app.register(websocket);

  // Modules, each through its index.ts.
  await app.register(systemRoutes);
  await app.register(authRoutes);
  await app.register(organizationRoutes);
  await app.register(userRoutes);
  await app.register(patientRoutes);
  await app.register(auditRoutes);
  await app.register(fhirRoutes);
  await app.register(deviceRoutes);
  await app.register(orderRoutes);
  await app.register(ecgRoutes);
  await app.register(liveRoutes);
  await app.register(notificationRoutes);
  await app.register(emergencyRoutes);
  await app.register(reportRoutes);
  await app.register(criticalRoutes);
  await app.register(integrationRoutes);
  await app.register(searchRoutes);
  await app.register(statsRoutes);

  // The built web app. Unknown paths that are not API or asset paths get index.html, for client-side routes.
  if (serveWebApp) await app.register(fastifyStatic, { root: deps.config.webDist });
  return app;
}
