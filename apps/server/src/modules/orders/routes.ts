import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CancelInput, IdParam, Order, OrderInput, OrderQuery } from './schemas';
import * as service from './service';

export async function orderRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['orders'];
  app.get(
    '/api/orders',
    {
      config: { permission: 'order.read' },
      schema: {
        tags,
        querystring: OrderQuery,
        response: { 200: Type.Object({ items: Type.Array(Order), total: Type.Integer() }) },
      },
    },
    async (request) => service.list(app, request, request.query as never),
  );
  app.post(
    '/api/orders',
    { config: { permission: 'order.write' }, schema: { tags, body: OrderInput, response: { 200: Order } } },
    async (request) => service.create(app, request, request.body as never),
  );
  app.post(
    '/api/orders/:id/cancel',
    {
      config: { permission: 'order.write' },
      schema: { tags, params: IdParam, body: CancelInput, response: { 200: Order } },
    },
    async (request) =>
      service.cancel(
        app,
        request,
        (request.params as { id: string }).id,
        (request.body as { reason: string }).reason,
      ),
  );
}
