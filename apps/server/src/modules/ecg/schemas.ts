import { Type } from 'typebox';
import { EXAM_STATUSES } from './repo';

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ExamQuery = Type.Object({
  status: Type.Optional(Type.Union(EXAM_STATUSES.map((s) => Type.Literal(s)))),
  patientId: Type.Optional(Type.String({ format: 'uuid' })),
  matched: Type.Optional(Type.Boolean()),
  critical: Type.Optional(Type.Boolean()),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
});

export const WaveformQuery = Type.Object({
  from: Type.Optional(Type.Number({ minimum: 0 })),
  to: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** Comma-separated lead names (e.g. II,V1); default all leads. */
  leads: Type.Optional(Type.String({ pattern: '^[^,]{1,16}(,[^,]{1,16}){0,31}$' })),
});

export const OriginalQuery = Type.Object({ file: Type.Optional(Type.String({ maxLength: 255 })) });

export const RawUploadQuery = Type.Object({
  filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const LinkInput = Type.Object(
  {
    patientId: Type.String({ format: 'uuid' }),
    orderId: Type.Optional(Type.String({ format: 'uuid' })),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const UnlinkInput = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);
