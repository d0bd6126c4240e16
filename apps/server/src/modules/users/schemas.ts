import { Type } from 'typebox';

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  organizationId: Type.String(),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  active: Type.Boolean(),
  locked: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});

export const UserInput = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ maxLength: 128 }),
    organizationId: Type.String({ format: 'uuid' }),
    departmentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    roles: Type.Array(Type.String(), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);

export const UserPatch = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    roles: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 10 })),
    departmentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ maxLength: 128 })),
    unlock: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UserQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 64 })),
  organizationId: Type.Optional(Type.String({ format: 'uuid' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const TokenInput = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
