import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { formatInZone, ORG_IDS_PATTERN } from '../search';
import { tableOf, tablePdf, tableXlsx } from './export';
import { UNITS, VOLUME_DIMENSIONS } from './queries';
import * as service from './service';

const lit = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));
const StatsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    organizationId: Type.Optional(Type.String({ format: 'uuid' })),
    /** The organisation filter: comma-separated ids within the caller's scope. */
    organizationIds: Type.Optional(Type.String({ pattern: ORG_IDS_PATTERN })),
    unit: Type.Optional(lit(UNITS)),
    by: Type.Optional(lit([...VOLUME_DIMENSIONS, 'priority', 'reader'])),
  },
  { additionalProperties: false },
);
const KINDS = ['volume', 'diagnoses', 'turnaround', 'workload', 'critical'] as const;
type Kind = (typeof KINDS)[number];
const ExportQuery = Type.Object(
  {
    ...StatsQuery.properties,
    kind: lit(KINDS),
    format: lit(['xlsx', 'pdf']),
    lang: Type.Optional(lit(['zh', 'en'])),
  },
  { additionalProperties: false },
);

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['statistics'];
  const handlers = {
    volume: service.volume,
    diagnoses: service.diagnoses,
    turnaround: service.turnaround,
    workload: service.workload,
    critical: service.critical,
    dashboard: service.dashboard,
  };
  for (const [name, handler] of Object.entries(handlers)) {
    app.get(
      `/api/stats/${name}`,
      { config: { permission: 'stats.read' }, schema: { tags, querystring: StatsQuery } },
      async (request) => handler(app, request, request.query as service.StatsQuery),
    );
  }
  app.get(
    '/api/stats/organizations',
    {
      config: { permission: 'stats.read' },
      schema: {
        tags,
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              name: Type.String(),
              type: Type.String(),
              parentId: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
        },
      },
    },
    async (request) => service.organizations(app, request),
  );
  app.get(
    '/api/stats/export',
    { config: { permission: 'stats.read' }, schema: { tags, querystring: ExportQuery } },
    async (request, reply) => {
      const { kind, format, lang, ...rest } = request.query as service.StatsQuery & {
        kind: Kind;
        format: 'xlsx' | 'pdf';
        lang?: 'zh' | 'en';
      };
      const result = await handlers[kind](app, request, rest);
      const table = tableOf(kind, result, lang ?? 'zh');
      const tz = request.user?.timeZone ?? 'Asia/Shanghai';
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === 'pdf') {
        reply.header('content-type', 'application/pdf');
        reply.header('content-disposition', `attachment; filename="stats-${kind}-${stamp}.pdf"`);
        return tablePdf(table, formatInZone(new Date(), tz) ?? '');
      }
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header('content-disposition', `attachment; filename="stats-${kind}-${stamp}.xlsx"`);
      return tableXlsx(table);
    },
  );
}
