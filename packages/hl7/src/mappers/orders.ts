// ORM^O01 and OML^O21 → ECG orders (new, cancel, change) for the server to apply.
import { Hl7MappingError } from '../errors';
import type { Hl7Message } from '../message';
import type { Segment } from '../segment';
import { type MessageSource, messageSource } from './adt';
import {
  type Coded,
  coded,
  type MapOptions,
  mapPatient,
  mapVisit,
  nonEmpty,
  type PatientData,
  type Practitioner,
  practitioner,
  type VisitData,
  Warnings,
} from './common';

export type OrderAction = 'create' | 'cancel' | 'update' | 'status' | 'other';
export type OrderPriority = 'STAT' | 'ASAP' | 'ROUTINE';

export interface OrderData {
  /** ORC-1 as sent (NW, CA, XO, OC, DC, SC, …); 'NW' when there is no ORC. */
  control: string;
  action: OrderAction;
  placerOrderNumber?: string;
  placerNamespace?: string;
  fillerOrderNumber?: string;
  /** OBR-18 (placer field 1), where departments' systems carry the accession number. */
  accessionNumber?: string;
  /** ORC-5 */
  orderStatus?: string;
  procedure?: Coded;
  priority: OrderPriority;
  /** TQ1-7, else ORC-7.4, else OBR-6 / OBR-27.4 */
  requestedTime?: string;
  /** ORC-9 */
  transactionTime?: string;
  orderingProvider?: Practitioner;
  /** ORC-17 text, else ORC-13.1, else PV1-3.1 */
  orderingDepartment?: string;
  clinicalInfo?: string;
  reason?: string;
}

export interface OrderMessage {
  kind: 'order';
  /** 'ORM^O01' or 'OML^O21' */
  messageType: string;
  source: MessageSource;
  patient?: PatientData;
  visit?: VisitData;
  orders: OrderData[];
  warnings: string[];
}

const ACTIONS: Record<string, OrderAction> = {
  NW: 'create',
  CA: 'cancel',
  OC: 'cancel',
  DC: 'cancel',
  OD: 'cancel',
  XO: 'update',
  XX: 'update',
  SC: 'status',
  SN: 'create',
};

/** TQ1-9 / TQ-6 / OBR-5 priority codes (table 0485): S stat, A ASAP, R routine; others read as routine. */
export function mapPriority(code: string): OrderPriority {
  const c = code.trim().toUpperCase();
  if (c === 'S' || c === 'STAT') return 'STAT';
  if (c === 'A' || c === 'ASAP' || c === 'T') return 'ASAP';
  return 'ROUTINE';
}

export function mapOrders(message: Hl7Message, options: MapOptions = {}): OrderMessage {
  const { code, trigger } = message.type;
  const type = `${code}^${trigger}`;
  if (type !== 'ORM^O01' && type !== 'OML^O21') {
    throw new Hl7MappingError('MSH-9', `expected ORM^O01 or OML^O21, got ${type}`);
  }
  const warnings = new Warnings();
  const pid = message.segment('PID');
  const pv1 = message.segment('PV1');
  const visit = pv1 ? mapVisit(pv1, options, warnings) : undefined;

  // Group the order segments: each ORC opens an order; an OBR (and TQ1) belongs to the ORC before it.
  // ORM messages without ORC still carry OBRs: each then stands alone.
  const groups: { orc?: Segment; obr?: Segment; tq1?: Segment }[] = [];
  for (const s of message.segments) {
    const open = groups[groups.length - 1];
    if (s.id === 'ORC') groups.push({ orc: s });
    else if (s.id === 'OBR') {
      if (open && !open.obr) open.obr = s;
      else groups.push({ obr: s });
    } else if (s.id === 'TQ1' && open && !open.tq1) open.tq1 = s;
  }
  if (groups.length === 0) throw new Hl7MappingError('ORC', `${type} holds no ORC or OBR segment`);
  const orders = groups.map((g, i) => mapOrder(g, i + 1, visit, options, warnings));
  return {
    kind: 'order',
    messageType: type,
    source: messageSource(message, warnings, options),
    ...(pid && { patient: mapPatient(pid, options, warnings) }),
    ...(visit && { visit }),
    orders,
    warnings: warnings.list,
  };
}

function mapOrder(
  g: { orc?: Segment; obr?: Segment; tq1?: Segment },
  index: number,
  visit: VisitData | undefined,
  options: MapOptions,
  warnings: Warnings,
): OrderData {
  const { orc, obr, tq1 } = g;
  const pick = (...values: (string | undefined)[]) => values.find((v) => v !== undefined);
  const v = (s: Segment | undefined, path: string) => (s ? nonEmpty(s.get(path)) : undefined);
  const control = (v(orc, '1') ?? 'NW').toUpperCase();
  const placer = pick(v(orc, '2.1'), v(obr, '2.1'));
  const filler = pick(v(orc, '3.1'), v(obr, '3.1'));
  if (!placer && !filler) {
    throw new Hl7MappingError(
      `order ${index}`,
      'neither placer (ORC-2/OBR-2) nor filler (ORC-3/OBR-3) number',
    );
  }
  const offset = options.utcOffsetMinutes;
  const requestedTime =
    warnings.date(tq1, '7', true, offset) ??
    warnings.date(orc, '7.4', true, offset) ??
    warnings.date(obr, '6', true, offset) ??
    warnings.date(obr, '27.4', true, offset);
  const priorityCode = pick(v(tq1, '9'), v(orc, '7.6'), v(obr, '27.6'), v(obr, '5')) ?? '';
  const order: OrderData = {
    control,
    action: ACTIONS[control] ?? 'other',
    priority: mapPriority(priorityCode),
  };
  const put = <K extends keyof OrderData>(k: K, value: OrderData[K] | undefined) => {
    if (value !== undefined) order[k] = value;
  };
  put('placerOrderNumber', placer);
  put('placerNamespace', pick(v(orc, '2.2'), v(obr, '2.2')));
  put('fillerOrderNumber', filler);
  put('accessionNumber', v(obr, '18'));
  put('orderStatus', v(orc, '5'));
  put('procedure', obr ? coded(obr, 4) : undefined);
  put('requestedTime', requestedTime);
  put('transactionTime', warnings.date(orc, '9', true, offset));
  put('orderingProvider', practitioner(orc, 12) ?? practitioner(obr, 16));
  put('orderingDepartment', pick(v(orc, '17.2'), v(orc, '17.1'), v(orc, '13.1'), visit?.department));
  put('clinicalInfo', v(obr, '13'));
  put('reason', pick(v(obr, '31.2'), v(obr, '31.1')));
  return order;
}
