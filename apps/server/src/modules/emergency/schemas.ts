import { ARRIVAL_MODES, CENTERS, TIME_SOURCES } from '@lifeline/emergency';
import { Type } from 'typebox';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const CenterSchema = lit(CENTERS);
export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const NodeParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  nodeId: Type.String({ format: 'uuid' }),
});
export const ConsentParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  consentId: Type.String({ format: 'uuid' }),
});
const Instant = Type.String({ maxLength: 40 });
const Treatments = lit([
  'primary-pci',
  'thrombolysis',
  'prehospital-thrombolysis',
  'rescue-pci',
  'delayed-pci',
  'cabg',
  'ivt',
  'evt',
  'surgery',
  'transfusion',
] as const);

export const StartCaseBody = Type.Object(
  {
    center: Type.Optional(CenterSchema),
    patientId: Type.Optional(Type.String({ format: 'uuid' })),
    fromEcgId: Type.Optional(Type.String({ format: 'uuid' })),
    unknownPatient: Type.Optional(
      Type.Object(
        {
          sex: Type.Optional(lit(['M', 'F', 'U'] as const)),
          estimatedAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
          description: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
    ),
    arrivalMode: Type.Optional(lit(ARRIVAL_MODES)),
    source: Type.Optional(lit(['triage', 'ecg', 'prehospital'] as const)),
    diagnosis: Type.Optional(Type.String({ maxLength: 40 })),
    destinationOrganizationId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

export const CaseQuery = Type.Object({
  center: Type.Optional(CenterSchema),
  status: Type.Optional(lit(['active', 'closed'] as const)),
  patientId: Type.Optional(Type.String({ format: 'uuid' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

// No type keyword: with the server's coerceTypes a union would turn a number into its string branch ("25"), and a
// multi-type keyword needs ajv's allowUnionTypes. The service checks each value (updateCase: scalarField).
const Scalar = Type.Unsafe<string | number | boolean | null>({
  description: 'a string (≤ 200 characters), number, boolean or null',
});

export const CasePatchBody = Type.Object(
  {
    arrivalMode: Type.Optional(Type.Union([lit(ARRIVAL_MODES), Type.Null()])),
    diagnosis: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    treatments: Type.Optional(Type.Array(Treatments, { maxItems: 10 })),
    bypassedEd: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    fields: Type.Optional(Type.Record(Type.String({ maxLength: 60 }), Scalar)),
    delayReasons: Type.Optional(
      Type.Array(
        Type.Object(
          {
            metric: Type.Optional(Type.String()),
            code: Type.Optional(Type.String()),
            text: Type.String({ minLength: 1, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    outcome: Type.Optional(Type.Union([lit(['discharged', 'transferred', 'died'] as const), Type.Null()])),
    status: Type.Optional(lit(['active', 'closed'] as const)),
  },
  { additionalProperties: false },
);

export const IdentifyBody = Type.Object(
  {
    patientId: Type.String({ format: 'uuid' }),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
    /** Merge the temporary record into the real one (default true); false only re-points the cases. */
    merge: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const TimeFields = {
  at: Type.Optional(Instant),
  window: Type.Optional(Type.Object({ from: Instant, to: Instant }, { additionalProperties: false })),
  source: Type.Optional(lit(TIME_SOURCES)),
  sourceDetail: Type.Optional(Type.String({ maxLength: 200 })),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
};

export const NodeBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 60 }),
    instance: Type.Optional(Type.String({ maxLength: 40 })),
    ...TimeFields,
  },
  { additionalProperties: false },
);
export const NodeEditBody = Type.Object(TimeFields, { additionalProperties: false });
export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);

export const ScoreBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 40 }),
    items: Type.Record(Type.String(), Type.Unknown()),
    at: Type.Optional(Type.String({ format: 'date-time' })),
    label: Type.Optional(Type.String({ maxLength: 60 })),
  },
  { additionalProperties: false },
);

export const ChecklistBody = Type.Object(
  {
    checklist: Type.String({ minLength: 1, maxLength: 60 }),
    answers: Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.Number(), Type.Null()])),
    decision: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ConsentBody = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 60 }),
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
    signedAt: Type.Optional(Type.String({ format: 'date-time' })),
    photo: Type.Optional(
      Type.Object(
        { contentType: Type.String({ maxLength: 60 }), dataBase64: Type.String({ maxLength: 12_000_000 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ProcedureBody = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid' })),
    kind: lit(['cathlab', 'or'] as const),
    data: Type.Object(
      {
        times: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Instant)),
        culpritVessel: Type.Optional(lit(['LM', 'LAD', 'LCX', 'RCA', 'graft', 'other', 'none'] as const)),
        timiBefore: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
        timiAfter: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
        stents: Type.Optional(
          Type.Array(
            Type.Object(
              {
                vessel: Type.Optional(Type.String({ maxLength: 20 })),
                diameterMm: Type.Optional(Type.Number({ minimum: 1.5, maximum: 6 })),
                lengthMm: Type.Optional(Type.Number({ minimum: 5, maximum: 60 })),
              },
              { additionalProperties: false },
            ),
            { maxItems: 10 },
          ),
        ),
        complications: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
        delayReasons: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
        notes: Type.Optional(Type.String({ maxLength: 2000 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ActivateBody = Type.Object(
  {
    team: Type.String({ minLength: 1, maxLength: 40 }),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const TeamPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    memberIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 })),
    escalationUserIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20 })),
    escalateAfterMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
    channelIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const MetricsQuery = Type.Object({
  center: CenterSchema,
  month: Type.Optional(Type.String()),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
});

export const TrendQuery = Type.Object({
  center: CenterSchema,
  end: Type.String(),
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36, default: 12 })),
});

export const RegistryParam = Type.Object({ registry: Type.String({ minLength: 1, maxLength: 60 }) });
export const RegistryEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2000 }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 2000 }))),
    hospitalCode: Type.Optional(Type.String({ maxLength: 60 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120000 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const UploadQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(
        ['queued', 'sending', 'retrying', 'accepted', 'rejected', 'failed'].map((v) => Type.Literal(v)),
      ),
    ),
    registry: Type.Optional(Type.String({ maxLength: 60 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
