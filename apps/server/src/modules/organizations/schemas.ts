import { Type } from 'typebox';

export const ORG_TYPES = [
  'hub-hospital',
  'member-hospital',
  'clinic',
  'ambulance-station',
  'other-hospital',
] as const;

export const Department = Type.Object({
  id: Type.String(),
  organizationId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.String(), Type.Null()]),
});

export const Organization = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  timeZone: Type.String(),
  departments: Type.Array(Department),
});

export const OrganizationInput = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: Type.Union(ORG_TYPES.map((t) => Type.Literal(t))),
    parentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const OrganizationPatch = Type.Partial(Type.Omit(OrganizationInput, ['code']), {
  additionalProperties: false,
});

export const DepartmentInput = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
