/** ECG exams as the server answers them (GET /api/ecgs, /api/ecgs/:id). */
export interface EcgExamSummary {
  id: string;
  patientId: string | null;
  orderId: string | null;
  status: string;
  acquiredAt: string | null;
  receivedAt: string;
  channel: string;
  deviceName: string | null;
  format: string;
  sampleRate: number;
  sampleCount: number;
  durationSec: number;
  leads: string[];
  critical: boolean;
  matchState: 'matched' | 'unmatched';
  patientName?: string | null;
}

export interface EcgStatement {
  code: string;
  textZh: string;
  textEn: string;
  category: string;
  certainty: 'definite' | 'consider';
}

export interface EcgAnalysis {
  beats?: { samples: number[]; classes?: string[] };
  measurements: Record<string, number | undefined>;
  statements: EcgStatement[];
  critical: { ruleId: string; textZh: string; textEn: string }[];
}

export interface EcgExam extends EcgExamSummary {
  analysis: EcgAnalysis | null;
  analysisError: string | null;
  deviceStatements: string[] | null;
}
