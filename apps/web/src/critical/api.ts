/** Critical-value register entries (modules/critical) and the calls the banner and register page make. */
import { get, post } from '../api/client';

export interface CriticalEntry {
  id: string;
  examId: string;
  patientId: string | null;
  patientName: string | null;
  orderId: string | null;
  departmentId: string | null;
  departmentName: string | null;
  source: 'engine' | 'physician';
  findings: { code: string; textZh: string; textEn: string }[];
  createdAt: string;
  ackDueAt: string;
  acknowledgedBy: string | null;
  acknowledgedByName: string | null;
  acknowledgedAt: string | null;
  ackNote: string | null;
  escalationLevel: number;
  overdue: boolean;
}

export type CriticalQuery = {
  status?: 'open' | 'acknowledged' | 'overdue';
  source?: string;
  limit?: number;
  offset?: number;
};

export const listCritical = (query: CriticalQuery, signal?: AbortSignal) =>
  get<{ items: CriticalEntry[]; total: number }>('/api/critical', query, signal);
export const acknowledgeCritical = (id: string, note?: string) =>
  post<{ id: string; acknowledgedAt: string }>(`/api/critical/${id}/ack`, note ? { note } : {});

export const criticalTopic = (organizationId: string) => `ecg.critical:${organizationId}`;
