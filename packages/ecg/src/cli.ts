/**
 * `lifeline-ecg` command line: analyse a WFDB record, write its detected beats as a WFDB annotation file, or
 * summarise it as a Holter recording. JSON goes to stdout; errors to stderr with exit code 2 for bad input.
 */
import path from 'node:path';
import { analyzeEcg } from './analyze';
import { summariseHolter } from './holter';
import { readAnnotationFile, readWfdbRecord, writeAnnotationFile } from './node/wfdb';
import { EcgError, type EcgRecord } from './record';
import { AAMI_TO_MIT, type AamiClass } from './types';
import { beatsToAnnotations, headerDemographics } from './wfdb';

const USAGE = `usage: lifeline-ecg <command> <record.hea> [options]
  analyze <record.hea> [--age N] [--sex M|F]   JSON: beats, measurements, statements, critical values
  beats <record.hea> --out <file>               write detected beats (MIT codes) as a WFDB annotation file
  holter <record.hea>                           JSON Holter summary
Age and sex default to the header comments (# Age: / # Sex:).`;

class UsageError extends Error {}

interface Parsed {
  command: string;
  record: string;
  flags: Record<string, string>;
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') throw new UsageError('');
    if (a.startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`option ${a} needs a value`);
      flags[a.slice(2)] = value;
      i++;
    } else positional.push(a);
  }
  const [command, record] = positional;
  if (!command) throw new UsageError('missing command');
  if (!['analyze', 'beats', 'holter'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (!record) throw new UsageError(`${command}: missing <record.hea>`);
  if (positional.length > 2) throw new UsageError(`unexpected argument '${positional[2]}'`);
  const known = command === 'beats' ? ['age', 'sex', 'out'] : command === 'analyze' ? ['age', 'sex'] : [];
  for (const key of Object.keys(flags)) {
    if (!known.includes(key)) throw new UsageError(`${command}: unknown option --${key}`);
  }
  if (command === 'beats' && !flags.out) throw new UsageError('beats: --out <file> is required');
  if (flags.age !== undefined) {
    const age = Number(flags.age);
    if (!Number.isFinite(age) || age < 0 || age >= 150)
      throw new UsageError(`--age '${flags.age}' is not an age in years`);
  }
  if (flags.sex !== undefined && !/^[mf]$/i.test(flags.sex))
    throw new UsageError(`--sex '${flags.sex}' must be M or F`);
  return { command, record, flags };
}

function demographics(record: EcgRecord, flags: Record<string, string>): { age?: number; sex?: 'M' | 'F' } {
  const comments = (record.meta?.comments as string[] | undefined) ?? [];
  const fromHeader = headerDemographics(Array.isArray(comments) ? comments : []);
  // Flags were validated by parseArgs; they override the header.
  const age = flags.age !== undefined ? Number(flags.age) : fromHeader.age;
  const sex = flags.sex !== undefined ? (flags.sex.toUpperCase() as 'M' | 'F') : fromHeader.sex;
  return { age, sex };
}

function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v),
    2,
  );
}

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message ? `lifeline-ecg: ${e.message}\n` : ''}${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  try {
    const record = await readWfdbRecord(parsed.record);
    if (parsed.command === 'analyze') {
      const patient = demographics(record, parsed.flags);
      const analysis = analyzeEcg(record, patient);
      out(`${toJson({ record: path.basename(parsed.record, '.hea'), patient, ...analysis })}\n`);
    } else if (parsed.command === 'beats') {
      const file = parsed.flags.out;
      const analysis = analyzeEcg(record, demographics(record, parsed.flags));
      const classes = analysis.beats.classes ?? [];
      const codes = Array.from(
        analysis.beats.samples,
        (_, i) => AAMI_TO_MIT[(classes[i] ?? 'Q') as AamiClass],
      );
      await writeAnnotationFile(file, beatsToAnnotations(analysis.beats.samples, codes));
      // Read back so a broken file is reported here, not by the next tool.
      const check = await readAnnotationFile(file);
      out(`${toJson({ out: file, beats: check.length })}\n`);
    } else {
      out(`${toJson({ record: path.basename(parsed.record, '.hea'), ...summariseHolter(record) })}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lifeline-ecg: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof EcgError) {
      process.stderr.write(`lifeline-ecg: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`lifeline-ecg: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}
