// HL7 messages a county hospital HIS sends to the ECG department: ADT^A01/A04/A08 and ORM^O01 ECG orders.
import { formatHl7DateTime, Hl7Message } from '@lifeline/hl7';
import { DEPARTMENTS, DOCTORS, makePatient, Random, type SimPatient } from './people';

export interface SimOptions {
  seed?: number;
  /** MSH-18 written into every message (default 'UNICODE UTF-8'). */
  charset?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  /** Share of ECG orders marked STAT (default 0.25: chest pain and stroke patients). */
  statShare?: number;
  /** Share of order messages that cancel an earlier order (default 0.05). */
  cancelShare?: number;
  /** Clock of the simulated stream (default now); each message moves it on by a few seconds. */
  start?: Date;
}

/** ECG procedures as a HIS lists them (local codes), with the LOINC study code where one applies. */
export const ECG_PROCEDURES = [
  { code: 'ECG12', name: '常规十二导联心电图', share: 0.8 },
  { code: 'ECG18', name: '十八导联心电图', share: 0.08 },
  { code: 'HOLTER', name: '动态心电图(24小时)', share: 0.07 },
  { code: 'ECGEX', name: '运动平板心电图', share: 0.05 },
] as const;

export interface SimOrder {
  placerOrderNumber: string;
  accessionNumber: string;
  patient: SimPatient;
  priority: 'S' | 'R';
  procedure: (typeof ECG_PROCEDURES)[number];
  department: (typeof DEPARTMENTS)[number];
  doctor: (typeof DOCTORS)[number];
}

/** A seeded stream of simulated messages; the same seed gives the same messages. */
export class HisSimulator {
  private readonly r: Random;
  private readonly o: Required<Omit<SimOptions, 'seed' | 'start'>>;
  private clock: number;
  private serial = 0;
  private messageSerial = 0;
  private readonly patients: SimPatient[] = [];
  private readonly openOrders: SimOrder[] = [];

  constructor(options: SimOptions = {}) {
    this.r = new Random(options.seed ?? 1);
    this.o = {
      charset: options.charset ?? 'UNICODE UTF-8',
      sendingApplication: options.sendingApplication ?? 'HIS',
      sendingFacility: options.sendingFacility ?? '县人民医院',
      statShare: options.statShare ?? 0.25,
      cancelShare: options.cancelShare ?? 0.05,
    };
    for (const share of [this.o.statShare, this.o.cancelShare]) {
      if (!(share >= 0 && share <= 1)) throw new RangeError(`shares must be between 0 and 1, got ${share}`);
    }
    this.clock = (options.start ?? new Date()).getTime();
  }

  private header(type: readonly string[]): Hl7Message {
    this.clock += this.r.int(1, 20) * 1000;
    const m = Hl7Message.create();
    const msh = m.header;
    msh.set('3', this.o.sendingApplication);
    msh.set('4', this.o.sendingFacility);
    msh.set('5', 'LIFELINE');
    msh.set('6', 'ECG');
    msh.set('7', formatHl7DateTime(new Date(this.clock)));
    msh.set('9', type);
    msh.set('10', `SIM${this.r.int(100, 999)}${String(++this.messageSerial).padStart(8, '0')}`);
    msh.set('11', 'P');
    msh.set('12', '2.4');
    msh.set('15', 'AL');
    msh.set('16', 'NE');
    msh.set('17', 'CHN');
    msh.set('18', this.o.charset);
    return m;
  }

  private pid(m: Hl7Message, p: SimPatient): void {
    const pid = m.addSegment('PID');
    pid.set('1', '1');
    const ids: [string, string][] = [
      [p.hisId, 'PI'],
      [p.outpatientNo, 'PN'],
      ...(p.inpatientNo ? ([[p.inpatientNo, 'MR']] as [string, string][]) : []),
      [p.nationalId, 'NNCHN'],
    ];
    ids.forEach(([value, type], i) => {
      pid.set({ field: 3, repetition: i + 1 }, [value, '', '', type === 'NNCHN' ? 'CHN' : 'HIS', type]);
    });
    pid.set('5', [p.family, p.given, '', '', '', '', 'L']);
    pid.set('7', p.birthDate);
    pid.set('8', p.sex);
    pid.set('11', [p.street, '', p.city, p.province, '', 'CHN', 'H', '', p.district]);
    pid.set('13', p.phone);
  }

  private pv1(m: Hl7Message, p: SimPatient, department: (typeof DEPARTMENTS)[number]): void {
    const doctor = this.r.pick(DOCTORS);
    const pv1 = m.addSegment('PV1');
    pv1.set('1', '1');
    pv1.set('2', department.patientClass);
    // Inpatients have a room and bed; outpatients and ED patients only a point of care.
    const inpatient = department.patientClass === 'I';
    pv1.set(
      '3',
      inpatient ? [department.name, String(this.r.int(1, 30)), String(this.r.int(1, 60))] : [department.name],
    );
    pv1.set('7', [...doctor]);
    pv1.set('10', department.code);
    pv1.set('19', p.inpatientNo ?? p.outpatientNo);
    pv1.set('44', formatHl7DateTime(new Date(this.clock - this.r.int(0, 72) * 3600_000)));
  }

  private newPatient(): SimPatient {
    const p = makePatient(this.r, ++this.serial, new Date(this.clock));
    this.patients.push(p);
    return p;
  }

  /** ADT: mostly registrations (A04) and admissions (A01) of new patients, some updates (A08). */
  adt(): Hl7Message {
    const update = this.patients.length > 0 && this.r.chance(0.15);
    const p = update ? this.r.pick(this.patients) : this.newPatient();
    if (update) p.phone = `139${String(this.r.int(0, 99999999)).padStart(8, '0')}`;
    const department = this.r.pick(DEPARTMENTS);
    const event = update ? 'A08' : department.patientClass === 'I' ? 'A01' : 'A04';
    const m = this.header(['ADT', event, 'ADT_A01']);
    const evn = m.addSegment('EVN');
    evn.set('1', event);
    evn.set('2', m.get('MSH-7'));
    this.pid(m, p);
    this.pv1(m, p, department);
    return m;
  }

  /** ORM^O01 ECG order (NW), or now and then the cancellation (CA) of an open one. */
  order(): Hl7Message {
    if (this.openOrders.length > 0 && this.r.chance(this.o.cancelShare)) {
      const cancelled = this.openOrders.splice(this.r.int(0, this.openOrders.length - 1), 1)[0];
      return this.orderMessage(cancelled, 'CA');
    }
    const patient =
      this.patients.length > 0 && this.r.chance(0.4) ? this.r.pick(this.patients) : this.newPatient();
    const roll = this.r.next();
    let procedure: (typeof ECG_PROCEDURES)[number] = ECG_PROCEDURES[0];
    let cumulative = 0;
    for (const p of ECG_PROCEDURES) {
      cumulative += p.share;
      if (roll < cumulative) {
        procedure = p;
        break;
      }
    }
    const stat = this.r.chance(this.o.statShare);
    const department = stat ? this.r.pick(DEPARTMENTS.slice(0, 2)) : this.r.pick(DEPARTMENTS);
    const order: SimOrder = {
      placerOrderNumber: `O${new Date(this.clock).toISOString().slice(2, 10).replaceAll('-', '')}${String(this.r.int(0, 999999)).padStart(6, '0')}`,
      accessionNumber: `ECG${String(++this.serial).padStart(9, '0')}`,
      patient,
      priority: stat ? 'S' : 'R',
      procedure,
      department,
      doctor: this.r.pick(DOCTORS),
    };
    this.openOrders.push(order);
    if (this.openOrders.length > 500) this.openOrders.shift();
    return this.orderMessage(order, 'NW');
  }

  private orderMessage(order: SimOrder, control: 'NW' | 'CA'): Hl7Message {
    const m = this.header(['ORM', 'O01', 'ORM_O01']);
    this.pid(m, order.patient);
    this.pv1(m, order.patient, order.department);
    const when = formatHl7DateTime(new Date(this.clock + (order.priority === 'S' ? 0 : 3600_000)));
    const orc = m.addSegment('ORC');
    orc.set('1', control);
    orc.set('2', [order.placerOrderNumber, 'HIS']);
    orc.set('5', control === 'NW' ? 'SC' : 'CA');
    orc.set('7', ['', '', '', when, '', order.priority]);
    orc.set('9', m.get('MSH-7'));
    orc.set('12', [...order.doctor]);
    orc.set('13', order.department.name);
    orc.set('17', [order.department.code, order.department.name]);
    const obr = m.addSegment('OBR');
    obr.set('1', '1');
    obr.set('2', [order.placerOrderNumber, 'HIS']);
    obr.set('4', [order.procedure.code, order.procedure.name, 'L']);
    obr.set('5', order.priority);
    obr.set('6', when);
    obr.set('13', order.priority === 'S' ? '胸痛待查' : '常规检查');
    obr.set('16', [...order.doctor]);
    obr.set('18', order.accessionNumber);
    obr.set('27', ['', '', '', when, '', order.priority]);
    return m;
  }

  /** A mix for load tests: about one ADT per two orders. */
  next(): Hl7Message {
    return this.r.chance(1 / 3) ? this.adt() : this.order();
  }
}
