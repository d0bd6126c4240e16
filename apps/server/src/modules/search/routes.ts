import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { researchExport } from './research';
import {
  ExportQuery,
  IdParam,
  ResearchExportInput,
  SavedSearch,
  SavedSearchInput,
  SearchQuery,
  SearchResult,
} from './schemas';
import * as service from './service';

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['search'];
  app.get(
    '/api/search/exams',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, querystring: SearchQuery, response: { 200: SearchResult } },
    },
    async (request) => service.search(app, request, request.query as never),
  );
  app.get(
    '/api/search/exams/export',
    { config: { permission: 'ecg.read' }, schema: { tags, querystring: ExportQuery } },
    async (request, reply) => {
      const out = await service.exportResults(app, request, request.query as never);
      reply.header('content-type', out.contentType);
      reply.header('content-disposition', `attachment; filename="${out.fileName}"`);
      return out.body;
    },
  );
  app.get(
    '/api/search/patients/:id/history',
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
    async (request) => service.patientHistory(app, request, (request.params as { id: string }).id),
  );
  app.get(
    '/api/search/saved',
    { config: { permission: 'ecg.read' }, schema: { tags, response: { 200: Type.Array(SavedSearch) } } },
    async (request) => service.savedSearches(app, request),
  );
  app.post(
    '/api/search/saved',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, body: SavedSearchInput, response: { 200: SavedSearch } },
    },
    async (request) => service.saveSearch(app, request, request.body as never),
  );
  app.delete(
    '/api/search/saved/:id',
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      await service.removeSavedSearch(app, request, (request.params as { id: string }).id);
      reply.code(204);
    },
  );
  app.post(
    '/api/research/export',
    { config: { permission: 'research.export' }, schema: { tags, body: ResearchExportInput } },
    async (request, reply) => {
      const zip = await researchExport(app, request, request.body as never);
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', 'attachment; filename="ecg-research-export.zip"');
      return zip;
    },
  );
}
