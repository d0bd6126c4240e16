import { Type } from 'typebox';

export const PRIORITIES = ['routine', 'urgent', 'stat'] as const;
export const ORDER_STATUSES = ['scheduled', 'in-progress', 'completed', 'cancelled'] as const;
export type OrderPriority = (typeof PRIORITIES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const OrderInput = Type.Object(
  {
    patientId: Type.String({ format: 'uuid' }),
    /** Generated (ECGyyyymmddNNNNNN) when absent. */
    accessionNumber: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })),
    placerNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    fillerNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    procedureCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    procedureName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    priority: Type.Optional(Type.Union(PRIORITIES.map((p) => Type.Literal(p)))),
    greenChannel: Type.Optional(Type.Boolean()),
    orderingDepartmentId: Type.Optional(Type.String({ format: 'uuid' })),
    orderingClinician: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    scheduledAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const Order = Type.Object({
  id: Type.String(),
  organizationId: Type.String(),
  patientId: Type.String(),
  accessionNumber: Type.String(),
  placerNumber: Nullable(Type.String()),
  fillerNumber: Nullable(Type.String()),
  procedureCode: Type.String(),
  procedureName: Type.String(),
  priority: Type.String(),
  greenChannel: Type.Boolean(),
  orderingDepartmentId: Nullable(Type.String()),
  orderingClinician: Nullable(Type.String()),
  status: Type.String(),
  scheduledAt: Type.String(),
  createdAt: Type.String(),
  source: Type.String(),
  cancelReason: Nullable(Type.String()),
  /** In lists, for users who may read patients. */
  patientName: Type.Optional(Type.String()),
});

export const OrderQuery = Type.Object({
  status: Type.Optional(Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))),
  patientId: Type.Optional(Type.String({ format: 'uuid' })),
  accessionNumber: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
});

export const CancelInput = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
