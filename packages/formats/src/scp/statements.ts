/** SCP-ECG global measurements (section 7) and interpretive statements (sections 8 and 11). */
import type { ByteView } from './bytes';
import { decodeText } from './bytes';
import type { SectionSpan } from './signal';

/** 29999 means "not computed", 29998 "rejected", 19999 "not measured": any of them is treated as absent. */
const missing = (x: number) => x === 29999 || x === 29998 || x === 19999 || x === 32767 || x === -32768;

/**
 * Section 7: counts and average RR/PP, then one 16-byte block per reference beat type (P on/off, QRS on/off,
 * T off in ms from the beat start, then P/QRS/T axes), pacemaker spikes, QRS types, and extra measurements
 * (ventricular rate, atrial rate, QTc and its formula). A QTc of unknown formula is returned as `qtc`.
 */
export function readGlobalMeasurements(v: ByteView, s: SectionSpan): Record<string, number> {
  const d = s.offset + 16;
  const end = s.offset + s.length;
  const m: Record<string, number> = {};
  if (d + 6 > end) return m;
  const blocks = v.u8(d, 'SCP section 7 measurement blocks');
  const spikes = v.u8(d + 1, 'SCP section 7 pacemaker spikes');
  const rr = v.u16(d + 2, 'SCP section 7 RR interval');
  if (!missing(rr) && rr > 0) m.rrMean = rr;
  let o = d + 6;
  if (blocks >= 1 && o + 16 <= end) {
    const u = (k: number) => v.u16(o + 2 * k, 'SCP section 7 measurement');
    const i = (k: number) => v.i16(o + 2 * k, 'SCP section 7 axis');
    const [pOn, pOff, qrsOn, qrsOff, tOff] = [u(0), u(1), u(2), u(3), u(4)];
    const ok = (...xs: number[]) => xs.every((x) => !missing(x));
    if (ok(pOn, qrsOn) && qrsOn > pOn) m.pr = qrsOn - pOn;
    if (ok(pOn, pOff) && pOff > pOn) m.pDuration = pOff - pOn;
    if (ok(qrsOn, qrsOff) && qrsOff > qrsOn) m.qrsDuration = qrsOff - qrsOn;
    if (ok(qrsOn, tOff) && tOff > qrsOn) m.qt = tOff - qrsOn;
    const axes: [string, number][] = [
      ['pAxis', i(5)],
      ['qrsAxis', i(6)],
      ['tAxis', i(7)],
    ];
    for (const [k, a] of axes) if (!missing(a) && Math.abs(a) <= 360) m[k] = a;
  }
  o += blocks * 16 + spikes * 4 + spikes * 6;
  if (o + 2 <= end) {
    const qrsCount = v.u16(o, 'SCP section 7 QRS count');
    o += 2 + qrsCount;
    if (o + 7 <= end) {
      const vent = v.u16(o, 'ventricular rate');
      const qtc = v.u16(o + 4, 'QTc');
      const formula = v.u8(o + 6, 'QTc formula');
      if (!missing(vent) && vent > 0 && vent < 400) m.heartRate = vent;
      if (!missing(qtc) && qtc > 0 && qtc < 1000) {
        const key =
          { 1: 'qtcBazett', 2: 'qtcHodges', 3: 'qtcFridericia', 4: 'qtcFramingham' }[formula] ?? 'qtc';
        m[key] = qtc;
      }
    }
  }
  if (m.heartRate === undefined && m.rrMean) m.heartRate = Math.round(60000 / m.rrMean);
  return m;
}

/**
 * Sections 8 (full-text statements) and 11 (universal statement codes) share a header: confirmed flag, date,
 * time, statement count; then per statement a sequence number, a 2-byte length and the bytes. Section 11
 * statements start with a type byte (1 coded, 2 text, 3 both) and separate fields by NUL.
 */
export function readStatements(v: ByteView, s: SectionSpan): string[] {
  const d = s.offset + 16;
  const end = s.offset + s.length;
  const out: string[] = [];
  if (d + 9 > end) return out;
  const count = v.u8(d + 8, `SCP section ${s.id} statement count`);
  let o = d + 9;
  for (let i = 0; i < count && o + 3 <= end; i++) {
    const len = v.u16(o + 1, 'statement length');
    if (o + 3 + len > end) break;
    let bytes = v.bytes.subarray(o + 3, o + 3 + len);
    if (s.id === 11 && bytes.length > 0 && bytes[0] <= 3) bytes = bytes.subarray(1);
    const parts: string[] = [];
    let from = 0;
    for (let k = 0; k <= bytes.length; k++) {
      if (k === bytes.length || bytes[k] === 0) {
        const t = decodeText(bytes.subarray(from, k));
        if (t) parts.push(t);
        from = k + 1;
      }
    }
    const text = parts.join(' ').trim();
    if (text) out.push(text);
    o += 3 + len;
  }
  return out;
}
