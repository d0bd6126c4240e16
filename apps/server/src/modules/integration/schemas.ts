import { Type } from 'typebox';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const OptionalNullable = (max: number) => Type.Optional(Type.Union([Text(max), Type.Null()]));

export const InterfaceInput = Type.Object(
  {
    name: Text(100),
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
    /** Inbound: MSH-3.1 of the sender (required), MSH-4.1 (absent: any facility of that application). */
    sendingApplication: OptionalNullable(64),
    sendingFacility: OptionalNullable(64),
    /** Outbound: where results go, and MSH-5/MSH-6 of the messages. */
    host: OptionalNullable(255),
    port: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.Null()])),
    receivingApplication: OptionalNullable(64),
    receivingFacility: OptionalNullable(64),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const InterfacePatch = Type.Partial(Type.Omit(InterfaceInput, ['direction']), {
  additionalProperties: false,
});

export const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const MessageQuery = Type.Object({
  status: Type.Optional(
    Type.Union(['received', 'applied', 'duplicate', 'error', 'refused'].map((s) => Type.Literal(s))),
  ),
  controlId: Type.Optional(Text(64)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const OutboxQuery = Type.Object({
  status: Type.Optional(Type.Union(['pending', 'sent', 'error'].map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const ReplayInput = Type.Object(
  { message: Type.Optional(Type.String({ minLength: 8, maxLength: 50_000_000 })) },
  { additionalProperties: false },
);
