/** Admin REST API of the HL7 interfaces, the inbound message store and the outbox (permission device.admin). */
import { parseMessage } from '@lifeline/hl7';
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { forgetInterfaces, reprocessMessage } from './inbound';
import { deliverDue, enqueueSignedReports, type OutboxRow, outboxOut, replayOutbox } from './outbox';
import {
  createSystemUser,
  type InterfaceInput as InterfaceFields,
  insertInterface,
  interfaceOut,
  interfacesOf,
  messageInScope,
  messageOut,
  messageRawBytes,
  searchMessages,
  updateInterfaceRow,
} from './repo';
import { IdParam, InterfaceInput, InterfacePatch, MessageQuery, OutboxQuery, ReplayInput } from './schemas';

function checkInterface(f: Partial<InterfaceFields>, direction: 'inbound' | 'outbound') {
  const problems: { field: string; reason: string }[] = [];
  if (direction === 'inbound' && f.sendingApplication === null)
    problems.push({
      field: 'sendingApplication',
      reason: 'an inbound interface needs the sending application (MSH-3)',
    });
  if (direction === 'outbound' && (f.host === null || f.port === null))
    problems.push({
      field: f.host === null ? 'host' : 'port',
      reason: 'an outbound interface needs host and port',
    });
  if (problems.length) throw AppError.invalidFields(problems);
}

export async function integrationRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['integration'];
  const config = { permission: 'device.admin' as const };
  const base = '/api/integration';

  app.get(`${base}/interfaces`, { config, schema: { tags } }, async (request) => {
    const user = requireUser(request.user);
    return (await interfacesOf(app.db, user.organizationId)).map(interfaceOut);
  });

  app.post(`${base}/interfaces`, { config, schema: { tags, body: InterfaceInput } }, async (request) => {
    const user = requireUser(request.user);
    const body = request.body as InterfaceFields;
    checkInterface(
      {
        ...body,
        sendingApplication: body.sendingApplication ?? null,
        host: body.host ?? null,
        port: body.port ?? null,
      },
      body.direction,
    );
    const row = await inTransaction(app.db, async (client) => {
      const userId = await createSystemUser(client, user.organizationId, body.name);
      const created = await insertInterface(client, user.organizationId, userId, body).catch((err) => {
        if ((err as { code?: string }).code === '23505')
          throw AppError.conflict(
            'this sending application/facility already has an active interface',
            'sendingApplication',
          );
        throw err;
      });
      await request.audit(
        { action: 'integration.interface.create', resourceType: 'hl7-interface', resourceId: created.id },
        client,
      );
      return created;
    });
    forgetInterfaces(app);
    return interfaceOut(row);
  });

  app.patch(
    `${base}/interfaces/:id`,
    { config, schema: { tags, params: IdParam, body: InterfacePatch } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const patch = request.body as Partial<InterfaceFields>;
      const row = await inTransaction(app.db, async (client) => {
        const current = (await interfacesOf(client, user.organizationId)).find((i) => i.id === id);
        if (!current) throw AppError.notFound('interface');
        checkInterface(patch, current.direction);
        const updated = await updateInterfaceRow(client, user.organizationId, id, patch).catch((err) => {
          if ((err as { code?: string }).code === '23505')
            throw AppError.conflict('this sending application/facility already has an active interface');
          throw err;
        });
        await request.audit(
          {
            action: 'integration.interface.update',
            resourceType: 'hl7-interface',
            resourceId: id,
            detail: { fields: Object.keys(patch).sort() },
          },
          client,
        );
        return updated;
      });
      forgetInterfaces(app);
      if (!row) throw AppError.notFound('interface');
      return interfaceOut(row);
    },
  );

  app.get(`${base}/messages`, { config, schema: { tags, querystring: MessageQuery } }, async (request) => {
    const user = requireUser(request.user);
    const q = request.query as { status?: string; controlId?: string; limit?: number; offset?: number };
    const { rows, total } = await searchMessages(app.db, user.organizationId, {
      status: q.status,
      controlId: q.controlId,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    await request.audit({
      action: 'integration.message.search',
      resourceType: 'hl7-message',
      detail: { status: q.status ?? null, returned: rows.length },
    });
    return { items: rows.map((r) => messageOut(r)), total };
  });

  app.get(`${base}/messages/:id`, { config, schema: { tags, params: IdParam } }, async (request) => {
    const user = requireUser(request.user);
    const { id } = request.params as { id: string };
    const row = await messageInScope(app.db, user.organizationId, id);
    if (!row) throw AppError.notFound('message');
    await request.audit({ action: 'integration.message.read', resourceType: 'hl7-message', resourceId: id });
    return messageOut(row, true);
  });

  // The frame as it came off the wire (before character-set decoding), for the admin to check what was sent.
  app.get(
    `${base}/messages/:id/raw`,
    { config, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const found = await messageRawBytes(app.db, user.organizationId, id);
      if (!found) throw AppError.notFound('message');
      if (!found.bytes) throw AppError.notFound('raw bytes of this message (it did not arrive over MLLP)');
      await request.audit({
        action: 'integration.message.raw.read',
        resourceType: 'hl7-message',
        resourceId: id,
        detail: { bytes: found.bytes.length },
      });
      const name = `${(found.controlId ?? id).replace(/[^\w.-]/g, '_')}.hl7`;
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(found.bytes);
    },
  );

  app.post(
    `${base}/messages/:id/reprocess`,
    { config, schema: { tags, params: IdParam } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const row = await messageInScope(app.db, user.organizationId, id);
      if (!row) throw AppError.notFound('message');
      if (row.status === 'applied' || row.status === 'duplicate')
        throw AppError.conflict(`message is already ${row.status}`, 'status');
      try {
        parseMessage(row.raw);
      } catch (err) {
        throw AppError.invalid('raw', `the stored message still cannot be parsed: ${(err as Error).message}`);
      }
      const ackCode = await reprocessMessage(app, row);
      await request.audit({
        action: 'integration.message.reprocess',
        resourceType: 'hl7-message',
        resourceId: id,
        detail: { ackCode },
      });
      const after = await messageInScope(app.db, user.organizationId, id);
      return messageOut(after ?? row, true);
    },
  );

  app.get(`${base}/outbox`, { config, schema: { tags, querystring: OutboxQuery } }, async (request) => {
    const user = requireUser(request.user);
    const q = request.query as { status?: string; limit?: number; offset?: number };
    const params: unknown[] = [user.organizationId];
    let where = 'o.organization_id = $1';
    if (q.status) {
      params.push(q.status);
      where += ` AND o.status = $${params.length}`;
    }
    const { rows } = await app.db.query<OutboxRow & { interface_name: string; total: number }>(
      `SELECT o.*, i.name AS interface_name, count(*) OVER () AS total
       FROM hl7_outbox o JOIN hl7_interfaces i ON i.id = o.interface_id
       WHERE ${where} ORDER BY o.created_at DESC, o.id LIMIT ${q.limit ?? 50} OFFSET ${q.offset ?? 0}`,
      params,
    );
    return { items: rows.map((r) => outboxOut(r)), total: rows[0]?.total ?? 0 };
  });

  app.get(`${base}/outbox/:id`, { config, schema: { tags, params: IdParam } }, async (request) => {
    const user = requireUser(request.user);
    const { id } = request.params as { id: string };
    const { rows } = await app.db.query<OutboxRow & { interface_name: string }>(
      `SELECT o.*, i.name AS interface_name FROM hl7_outbox o JOIN hl7_interfaces i ON i.id = o.interface_id
       WHERE o.id = $1 AND o.organization_id = $2`,
      [id, user.organizationId],
    );
    if (!rows[0]) throw AppError.notFound('outbox message');
    await request.audit({ action: 'integration.outbox.read', resourceType: 'hl7-outbox', resourceId: id });
    return outboxOut(rows[0], true);
  });

  app.post(
    `${base}/outbox/:id/replay`,
    { config, schema: { tags, params: IdParam, body: ReplayInput } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const { message } = (request.body ?? {}) as { message?: string };
      if (message !== undefined) {
        try {
          const parsed = parseMessage(message);
          if (!parsed.controlId) throw new Error('MSH-10 (message control ID) is empty');
        } catch (err) {
          throw AppError.invalid('message', (err as Error).message);
        }
      }
      const row = await inTransaction(app.db, async (client) => {
        const replayed = await replayOutbox(client, user.organizationId, id, { message });
        if (!replayed) throw AppError.notFound('unsent outbox message');
        if (message !== undefined) {
          await client.query('UPDATE hl7_outbox SET control_id = $2 WHERE id = $1', [
            id,
            parseMessage(message).controlId,
          ]);
        }
        await request.audit(
          {
            action: 'integration.outbox.replay',
            resourceType: 'hl7-outbox',
            resourceId: id,
            detail: { edited: message !== undefined },
          },
          client,
        );
        return replayed;
      });
      return outboxOut(row);
    },
  );

  /** Runs one outbox round now (queue newly signed reports, send what is due) instead of waiting for the timer. */
  app.post(`${base}/outbox/run`, { config, schema: { tags } }, async (request) => {
    const queued = await enqueueSignedReports(app).catch(() => 0);
    const result = await deliverDue(app);
    await request.audit({ action: 'integration.outbox.run', resourceType: 'hl7-outbox', detail: result });
    return { queued, ...result };
  });
}
