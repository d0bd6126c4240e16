import { Type } from 'typebox';
import { TEMPLATES } from './content';
import { VERSION_STATUSES } from './repo';

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const VersionParam = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Integer({ minimum: 1 }),
});
const TemplateSchema = Type.Union(TEMPLATES.map((t) => Type.Literal(t)));

const StatementInput = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    text: Type.Optional(Type.String({ maxLength: 500 })),
    certainty: Type.Optional(Type.Union([Type.Literal('definite'), Type.Literal('consider')])),
  },
  { additionalProperties: false },
);

const EditFields = {
  measurements: Type.Optional(Type.Record(Type.String(), Type.Number())),
  statements: Type.Optional(Type.Array(StatementInput, { maxItems: 50 })),
  freeText: Type.Optional(Type.String({ maxLength: 4000 })),
  conclusion: Type.Optional(Type.String({ maxLength: 2000 })),
};

export const CreateInput = Type.Object(
  { examId: Type.String({ format: 'uuid' }), template: Type.Optional(TemplateSchema) },
  { additionalProperties: false },
);
export const EditInput = Type.Object(
  { ...EditFields, template: Type.Optional(TemplateSchema) },
  { additionalProperties: false },
);
export const CheckInput = Type.Object(
  { measurements: EditFields.measurements, note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export const DiagnoseInput = Type.Object(
  { ...EditFields, note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export const ReviewInput = Type.Object(
  {
    statements: EditFields.statements,
    conclusion: EditFields.conclusion,
    freeText: EditFields.freeText,
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const ReasonInput = Type.Object(
  { reason: Type.String({ minLength: 2, maxLength: 1000 }) },
  { additionalProperties: false },
);
export const SignInput = Type.Object(
  {
    acknowledgedWarnings: Type.Optional(
      Type.Array(
        Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 40 }),
            decision: Type.Union([Type.Literal('confirm'), Type.Literal('dismiss')]),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);
export const ReportQuery = Type.Object({
  examId: Type.Optional(Type.String({ format: 'uuid' })),
  patientId: Type.Optional(Type.String({ format: 'uuid' })),
  status: Type.Optional(Type.Union(VERSION_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export const VerifyQuery = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
});
export const TokenParam = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }) });
export const WorklistQuery = Type.Object({
  status: Type.Optional(
    Type.Union([
      Type.Literal('unreported'),
      Type.Literal('pending'),
      ...VERSION_STATUSES.map((s) => Type.Literal(s)),
    ]),
  ),
  priority: Type.Optional(
    Type.Union([Type.Literal('routine'), Type.Literal('urgent'), Type.Literal('stat')]),
  ),
  department: Type.Optional(Type.String({ format: 'uuid' })),
  date: Type.Optional(Type.String({ format: 'date' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export const SettingsInput = Type.Object(
  {
    reviewLevels: Type.Optional(
      Type.Object(
        {
          'resting-12': Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
          holter: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
          paediatric: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
        },
        { additionalProperties: false },
      ),
    ),
    turnaroundTargetsMin: Type.Optional(
      Type.Object(
        {
          routine: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
          urgent: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
          stat: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
        },
        { additionalProperties: false },
      ),
    ),
    criticalAckMinutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1440 })),
    criticalEscalationRoles: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
    criticalChannelIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20 })),
    maskIdentifiers: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const PdfQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) });
