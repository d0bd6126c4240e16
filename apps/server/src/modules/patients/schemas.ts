import { Type } from 'typebox';

export const IDENTIFIER_TYPES = ['his', 'outpatient', 'inpatient', 'insurance', 'national-id'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export const Identifier = Type.Object({
  type: Type.Union(IDENTIFIER_TYPES.map((t) => Type.Literal(t))),
  value: Type.String({ minLength: 1, maxLength: 64 }),
  issuer: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  issuerOrgId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
});

const Sex = Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Literal('U')]);

export const PatientInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50 }),
    sex: Sex,
    birthDate: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    nationalId: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
    address: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    identifiers: Type.Optional(Type.Array(Identifier, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const PatientPatch = Type.Partial(PatientInput, { additionalProperties: false });

/** Another record of the same person, kept apart (a link, not a merge), as shown with a patient. */
export const LinkedPatient = Type.Object({
  linkId: Type.String(),
  patientId: Type.String(),
  name: Type.String(),
  sex: Sex,
  birthDate: Type.Union([Type.String(), Type.Null()]),
  nationalIdMasked: Type.Union([Type.String(), Type.Null()]),
  identifiers: Type.Array(
    Type.Object({
      type: Type.String(),
      value: Type.String(),
      issuer: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  organizationId: Type.String(),
  organizationName: Type.String(),
  reason: Type.String(),
  linkedAt: Type.String(),
  linkedBy: Type.Union([Type.String(), Type.Null()]),
});

export const PatientSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  namePinyin: Type.String(),
  sex: Sex,
  birthDate: Type.Union([Type.String(), Type.Null()]),
  age: Type.Union([Type.Integer(), Type.Null()]),
  identifiers: Type.Array(Identifier),
  nationalIdMasked: Type.Union([Type.String(), Type.Null()]),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  organizationId: Type.String(),
  mergedIntoId: Type.Union([Type.String(), Type.Null()]),
  /** Linked records (search results and the patient page). */
  links: Type.Optional(Type.Array(LinkedPatient)),
});

export const Patient = Type.Intersect([
  PatientSummary,
  Type.Object({
    address: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    merges: Type.Array(
      Type.Object({
        mergeId: Type.String(),
        sourcePatientId: Type.String(),
        targetPatientId: Type.String(),
        at: Type.String(),
        reason: Type.String(),
        undoneAt: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  }),
]);

export const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 64 })),
  birthDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  includeMerged: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, default: 0 })),
});

export const MergeInput = Type.Object(
  { sourcePatientId: Type.String({ format: 'uuid' }), reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);

export const UndoInput = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);

export const LinkInput = Type.Object(
  { otherPatientId: Type.String({ format: 'uuid' }), reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);
export const LinkIdParam = Type.Object({ linkId: Type.String({ format: 'uuid' }) });

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const MergeIdParam = Type.Object({ mergeId: Type.String({ format: 'uuid' }) });
