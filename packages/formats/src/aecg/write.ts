import { type EcgRecord, normaliseLeadName, validateRecord } from '@lifeline/ecg';
import { FormatError } from '../types';
import { escapeXml } from './xml';

export interface AecgWriteInfo {
  /** Document id root (a UUID or OID); a random UUID when absent. */
  id?: string;
  patient?: { id?: string; name?: string; birthDate?: string; sex?: 'M' | 'F' | 'U' };
  /** OID of the hospital's patient-ID namespace (HL7 ids need one); a Lifeline UUID-based OID by default. */
  patientIdRoot?: string;
  acquiredAt?: string;
  device?: { manufacturer?: string; model?: string; software?: string };
  measurements?: Record<string, number>;
  statements?: string[];
}

/** UUID-derived OID (2.25.…) naming "patient IDs as issued by the hospital running Lifeline". */
const LIFELINE_PATIENT_ID_ROOT = '2.25.196213867716870466402398371298410592351.1';
const MDC = 'codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"';
const ACT_CODE = 'codeSystem="2.16.840.1.113883.5.4"';

const MEASUREMENT_CODES: Record<string, [string, string]> = {
  heartRate: ['MDC_ECG_HEART_RATE', 'bpm'],
  rrMean: ['MDC_ECG_TIME_PD_RR', 'ms'],
  pDuration: ['MDC_ECG_TIME_PD_P', 'ms'],
  pr: ['MDC_ECG_TIME_PD_PR', 'ms'],
  qrsDuration: ['MDC_ECG_TIME_PD_QRS', 'ms'],
  qt: ['MDC_ECG_TIME_PD_QT', 'ms'],
  qtcBazett: ['MDC_ECG_TIME_PD_QTc', 'ms'],
  pAxis: ['MDC_ECG_ANGLE_P_FRONT', 'deg'],
  qrsAxis: ['MDC_ECG_ANGLE_QRS_FRONT', 'deg'],
  tAxis: ['MDC_ECG_ANGLE_T_FRONT', 'deg'],
};

/** ISO-8601 → HL7 TS "YYYYMMDDHHMMSS.fff" (the zone, when given, as ±HHMM). */
export function isoToHl7Time(iso: string): string {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      iso.trim(),
    );
  if (!m) throw new FormatError(`acquiredAt "${iso}" is not an ISO-8601 date-time`, 'hl7-aecg');
  const frac = m[7] ? m[7].slice(0, 4) : '';
  const zone = m[8] === 'Z' ? '+0000' : (m[8]?.replace(':', '') ?? '');
  return `${m[1]}${m[2]}${m[3]}${m[4] ?? '00'}${m[5] ?? '00'}${m[6] ?? '00'}${frac}${zone}`;
}

/** MDC code of a lead name (aVR → MDC_ECG_LEAD_AVR, "-aVR" → MDC_ECG_LEAD_AVRneg). */
export function mdcLeadCode(name: string): string {
  const n = normaliseLeadName(name);
  if (n === '-aVR' || n === '-AVR') return 'MDC_ECG_LEAD_AVRneg';
  return `MDC_ECG_LEAD_${n.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
}

/**
 * The time sequence and one SLIST_PQ per lead, digits in whole microvolts (origin 0, scale 1 µV): exact enough
 * for any ECG and readable by every aECG reader. `absoluteStart` (HL7 TS) makes a TIME_ABSOLUTE sequence as
 * in FDA submissions; derived (median) series use TIME_RELATIVE.
 */
function sequenceXml(record: EcgRecord, indent: string, absoluteStart?: string): string {
  const step = 1 / record.sampleRate;
  const time = absoluteStart
    ? `<code code="TIME_ABSOLUTE" ${ACT_CODE}/><value xsi:type="GLIST_TS"><head value="${absoluteStart}"/>`
    : `<code code="TIME_RELATIVE" ${ACT_CODE}/><value xsi:type="GLIST_PQ"><head value="0" unit="s"/>`;
  const lines = [
    `${indent}<component><sequence>${time}<increment value="${step}" unit="s"/></value></sequence></component>`,
  ];
  for (const lead of record.leads) {
    const rows: string[] = [];
    for (let i = 0; i < lead.samples.length; i += 25) {
      const row = Array.from(lead.samples.subarray(i, i + 25), (v) =>
        Number.isFinite(v) ? Math.round(v) : 0,
      );
      rows.push(row.join(' '));
    }
    lines.push(
      `${indent}<component><sequence><code code="${mdcLeadCode(lead.name)}" ${MDC}/>`,
      `${indent}  <value xsi:type="SLIST_PQ"><origin value="0" unit="uV"/><scale value="1" unit="uV"/>`,
      `${indent}    <digits>${rows.join(`\n${indent}      `)}</digits>`,
      `${indent}  </value>`,
      `${indent}</sequence></component>`,
    );
  }
  return lines.join('\n');
}

function annotationSetXml(info: AecgWriteInfo, indent: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(info.measurements ?? {})) {
    const c = MEASUREMENT_CODES[key];
    if (!c || !Number.isFinite(value)) continue;
    parts.push(
      `${indent}  <component><annotation><code code="${c[0]}" ${MDC}/><value xsi:type="PQ" value="${value}" unit="${c[1]}"/></annotation></component>`,
    );
  }
  for (const s of info.statements ?? []) {
    parts.push(
      `${indent}  <component><annotation><code code="MDC_ECG_INTERPRETATION_STATEMENT" ${MDC}/><value xsi:type="ST">${escapeXml(s)}</value></annotation></component>`,
    );
  }
  if (!parts.length) return '';
  return `${indent}<subjectOf><annotationSet>\n${parts.join('\n')}\n${indent}</annotationSet></subjectOf>`;
}

/**
 * An HL7 v3 annotated ECG (PORT_MT020001) document: one RHYTHM series with relative time, optional
 * REPRESENTATIVE_BEAT derived series, and the measurements and statements as annotations.
 */
export function writeHl7Aecg(record: EcgRecord, info: AecgWriteInfo = {}, medianBeats?: EcgRecord): string {
  try {
    validateRecord(record);
    if (medianBeats) validateRecord(medianBeats);
  } catch (e) {
    throw new FormatError(`cannot write aECG: ${(e as Error).message}`, 'hl7-aecg');
  }
  const when = isoToHl7Time(info.acquiredAt ?? record.startTime ?? new Date().toISOString());
  const p = info.patient ?? {};
  const d = info.device ?? {};
  const patientXml = [
    p.id
      ? `<id root="${escapeXml(info.patientIdRoot ?? LIFELINE_PATIENT_ID_ROOT)}" extension="${escapeXml(p.id)}"/>`
      : '<id nullFlavor="NI"/>',
    '<subjectDemographicPerson>',
    p.name ? `  <name>${escapeXml(p.name)}</name>` : '',
    p.sex
      ? `  <administrativeGenderCode code="${p.sex === 'U' ? 'UN' : p.sex}" codeSystem="2.16.840.1.113883.5.1"/>`
      : '',
    p.birthDate ? `  <birthTime value="${p.birthDate.replace(/-/g, '')}"/>` : '',
    '</subjectDemographicPerson>',
  ]
    .filter(Boolean)
    .map((l) => `              ${l}`)
    .join('\n');
  const author = `      <author><seriesAuthor>
        <manufacturedSeriesDevice>${d.model ? `<manufacturerModelName>${escapeXml(d.model)}</manufacturerModelName>` : ''}${d.software ? `<softwareName>${escapeXml(d.software)}</softwareName>` : ''}</manufacturedSeriesDevice>
        <manufacturerOrganization><name>${escapeXml(d.manufacturer ?? 'Lifeline')}</name></manufacturerOrganization>
      </seriesAuthor></author>`;
  const derived = medianBeats
    ? `      <derivation><derivedSeries>
        <code code="REPRESENTATIVE_BEAT" ${ACT_CODE}/>
        <component><sequenceSet>
${sequenceXml(medianBeats, '          ')}
        </sequenceSet></component>
${annotationSetXml(info, '        ')}
      </derivedSeries></derivation>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" type="Observation">
  <id root="${escapeXml(info.id ?? globalThis.crypto.randomUUID())}"/>
  <code code="93000" codeSystem="2.16.840.1.113883.6.12" codeSystemName="CPT-4"/>
  <effectiveTime><center value="${when}"/></effectiveTime>
  <componentOf><timepointEvent><componentOf><subjectAssignment>
    <subject><trialSubject>
${patientXml}
    </trialSubject></subject>
  </subjectAssignment></componentOf></timepointEvent></componentOf>
  <component>
    <series>
      <code code="RHYTHM" ${ACT_CODE}/>
      <effectiveTime><low value="${when}"/></effectiveTime>
${author}
      <component><sequenceSet>
${sequenceXml(record, '        ', when)}
      </sequenceSet></component>
${medianBeats ? '' : annotationSetXml(info, '      ')}
${derived}
    </series>
  </component>
</AnnotatedECG>
`;
}
