import { type EcgRecord, normaliseLeadName, STANDARD_12_LEADS } from '@lifeline/ecg';
import { FormatError, type ParsedEcg } from '../types';

const FORMAT = 'csv';

export interface CsvOptions {
  /** Samples per second; needed unless the file has a time column or a "# sampling rate" comment. */
  sampleRate?: number;
  /** Units of the values; otherwise from the header (e.g. "II (mV)", "V1_uV"), else guessed from magnitude. */
  units?: 'uV' | 'mV';
  /** Cell separator; detected from the header (comma, semicolon, tab or spaces) when absent. */
  delimiter?: string;
}

const UNIT_FACTORS: Record<string, number> = {
  uv: 1,
  µv: 1,
  μv: 1,
  microvolt: 1,
  microvolts: 1,
  mv: 1000,
  millivolt: 1000,
  millivolts: 1000,
};
const TIME_NAMES =
  /^(t|time|times|sec|secs|second|seconds|s|ms|msec|time_?s|time_?ms|time_?sec|elapsed|elapsed time)$/i;
const INDEX_NAMES = /^(sample|samples|index|idx|n|#|no|sample_?no|sample_?number)$/i;

/** Decodes UTF-8 (BOM tolerated) and falls back to GB18030, which Chinese Excel exports use. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function detectDelimiter(header: string): string {
  const counts: [string, number][] = [',', ';', '\t'].map((d) => [d, header.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  if (counts[0][1] > 0) return counts[0][0];
  return ' ';
}

function splitRow(line: string, delimiter: string): string[] {
  const cells = delimiter === ' ' ? line.trim().split(/\s+/) : line.split(delimiter);
  return cells.map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
}

/** "II (mV)", "V1 [uV]", "aVR_mV" → { name, unit factor } with the unit hint removed from the name. */
function parseColumnName(raw: string): { name: string; factor?: number; time?: 'ms' | 's' } {
  const m = /^(.*?)[\s_]*[([]?\s*(uV|µV|μV|mV|microvolts?|millivolts?|ms|s|sec)\s*[)\]]?$/i.exec(raw);
  const unit = m?.[2]?.toLowerCase();
  const base = m && m[1] !== '' ? m[1].trim() : raw.trim();
  if (TIME_NAMES.test(raw.trim())) return { name: raw.trim(), time: /ms|msec/i.test(raw) ? 'ms' : 's' };
  if (unit && (unit === 'ms' || unit === 's' || unit === 'sec') && TIME_NAMES.test(base)) {
    return { name: base, time: unit === 'ms' ? 'ms' : 's' };
  }
  if (unit && UNIT_FACTORS[unit] !== undefined) return { name: base, factor: UNIT_FACTORS[unit] };
  return { name: raw.trim() };
}

/** Standard and common lead names in their paper spelling (avr → aVR, MLII → II); other labels unchanged. */
function leadName(label: string): string {
  const n = normaliseLeadName(label);
  if ((STANDARD_12_LEADS as readonly string[]).includes(n) || /^(V\d{1,2}R?|[XYZ]|CM5|CC5)$/.test(n))
    return n;
  return label;
}

/**
 * Reads an ECG table: an optional header row of lead names, an optional time or sample-index column, one row
 * per sample. Lines starting with "#" are comments; "# sampling rate: 500" (or "fs=500") gives the rate.
 */
export function readEcgCsv(bytes: Uint8Array, options: CsvOptions = {}): ParsedEcg {
  const text = decodeText(bytes);
  const warnings: string[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let commentRate: number | undefined;
  const rows: { line: number; text: string }[] = [];
  lines.forEach((l, i) => {
    const t = l.trim();
    if (t === '') return;
    if (t.startsWith('#')) {
      const m = /(?:sampl\w*[\s_-]*(?:rate|frequency)|fs|frequency)\s*[:=]\s*([\d.]+)/i.exec(t);
      if (m) commentRate = Number(m[1]);
      return;
    }
    rows.push({ line: i + 1, text: t });
  });
  if (rows.length === 0) throw new FormatError('empty CSV: no rows', FORMAT);
  const delimiter = options.delimiter ?? detectDelimiter(rows[0].text);
  const first = splitRow(rows[0].text, delimiter);
  const hasHeader = first.some((c) => c !== '' && !Number.isFinite(Number(c)));
  const names = hasHeader ? first : first.map((_, k) => `channel ${k + 1}`);
  if (!hasHeader) warnings.push('no header row: columns named "channel 1", "channel 2" …');
  const columns = names.map(parseColumnName);
  const dataRows = hasHeader ? rows.slice(1) : rows;
  if (dataRows.length === 0) throw new FormatError('CSV has a header but no data rows', FORMAT);

  const width = columns.length;
  const values = columns.map(() => new Float64Array(dataRows.length));
  dataRows.forEach((row, r) => {
    const cells = splitRow(row.text, delimiter);
    if (cells.length < width) {
      throw new FormatError(`line ${row.line}: ${cells.length} values, header has ${width} columns`, FORMAT);
    }
    for (let c = 0; c < width; c++) {
      // Spreadsheets in many locales write decimal commas ("0,125") when the separator is ";" or a tab.
      const cell =
        delimiter !== ',' && /^[-+]?\d*,\d+$/.test(cells[c]) ? cells[c].replace(',', '.') : cells[c];
      const v = Number(cell);
      if (cells[c] === '' || !Number.isFinite(v)) {
        throw new FormatError(
          `line ${row.line}, column "${names[c]}": "${cells[c].slice(0, 20)}" is not a number`,
          FORMAT,
        );
      }
      values[c][r] = v;
    }
  });

  const timeIndex = columns.findIndex((c) => c.time);
  const indexColumn = columns.findIndex((c) => INDEX_NAMES.test(c.name));
  let sampleRate = options.sampleRate ?? commentRate;
  if (sampleRate === undefined && timeIndex >= 0 && dataRows.length >= 2) {
    const t = values[timeIndex];
    const step = (t[t.length - 1] - t[0]) / (t.length - 1);
    const seconds = columns[timeIndex].time === 'ms' ? step / 1000 : step;
    if (seconds > 0) sampleRate = Math.round((1 / seconds) * 1000) / 1000;
  }
  if (sampleRate === undefined || !(sampleRate > 0)) {
    throw new FormatError(
      'sampling rate unknown: give options.sampleRate, a time column or a "# sampling rate" line',
      FORMAT,
    );
  }

  const leadColumns = columns.map((_, k) => k).filter((k) => k !== timeIndex && k !== indexColumn);
  if (leadColumns.length === 0) throw new FormatError('CSV has no signal columns', FORMAT);
  let defaultFactor: number;
  if (options.units) defaultFactor = options.units === 'mV' ? 1000 : 1;
  else {
    // ECG amplitudes stay under ~10 mV: a table whose values never exceed 20 is in millivolts.
    let maxAbs = 0;
    for (const k of leadColumns)
      if (columns[k].factor === undefined) for (const v of values[k]) maxAbs = Math.max(maxAbs, Math.abs(v));
    defaultFactor = maxAbs > 0 && maxAbs < 20 ? 1000 : 1;
    if (leadColumns.some((k) => columns[k].factor === undefined)) {
      warnings.push(
        `units not stated: taken as ${defaultFactor === 1000 ? 'mV' : 'µV'} from the value range`,
      );
    }
  }
  const record: EcgRecord = {
    sampleRate,
    leads: leadColumns.map((k) => {
      const factor = options.units ? defaultFactor : (columns[k].factor ?? defaultFactor);
      const samples = new Float32Array(values[k].length);
      for (let s = 0; s < samples.length; s++) samples[s] = values[k][s] * factor;
      return { name: leadName(columns[k].name), samples };
    }),
  };
  return { format: FORMAT, record, warnings };
}
