import { Type } from 'typebox';

export const SORT_KEYS = ['examAt', 'qtc', 'heartRate', 'signedAt', 'device'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const Uuid = Type.String({ format: 'uuid' });
/** 1–50 organisation ids separated by commas. */
export const ORG_IDS_PATTERN = '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,49}$';
const Ms = Type.Number({ minimum: 0, maximum: 5000 });

/** The filters of the combined search; also the body of a saved search and of an export. */
export const SearchFilterProps = {
  /** Patient: name characters, full pinyin, initials or any identifier (the patient search's rules). */
  patient: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  patientId: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  /** A statement code (STACH) or text (窦性心动过速, "ischaemia"); several separated by commas, all required. */
  statement: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  /** exact: codes and substrings; fuzzy: trigram similarity of the statement text (typos, near wording). */
  match: Type.Optional(Type.Union([Type.Literal('exact'), Type.Literal('fuzzy')])),
  hrMin: Type.Optional(Ms),
  hrMax: Type.Optional(Ms),
  qtcMin: Type.Optional(Ms),
  qtcMax: Type.Optional(Ms),
  prMin: Type.Optional(Ms),
  prMax: Type.Optional(Ms),
  qrsMin: Type.Optional(Ms),
  qrsMax: Type.Optional(Ms),
  device: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  departmentId: Type.Optional(Uuid),
  readerId: Type.Optional(Uuid),
  technicianId: Type.Optional(Uuid),
  /** Exam status (acquired, analysed, …) or report status (draft, signed, …). */
  status: Type.Optional(Type.String({ pattern: '^[a-z-]{3,20}$' })),
  priority: Type.Optional(
    Type.Union([Type.Literal('routine'), Type.Literal('urgent'), Type.Literal('stat')]),
  ),
  critical: Type.Optional(Type.Boolean()),
  organizationId: Type.Optional(Uuid),
  /** Several organisations (comma-separated ids) within the caller's scope: the statistics' organisation filter. */
  organizationIds: Type.Optional(Type.String({ pattern: ORG_IDS_PATTERN })),
};

export const SearchQuery = Type.Object(
  {
    ...SearchFilterProps,
    sort: Type.Optional(Type.Union(SORT_KEYS.map((k) => Type.Literal(k)))),
    dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
  },
  { additionalProperties: false },
);
export type SearchQueryInput = {
  patient?: string;
  patientId?: string;
  from?: string;
  to?: string;
  statement?: string;
  match?: 'exact' | 'fuzzy';
  hrMin?: number;
  hrMax?: number;
  qtcMin?: number;
  qtcMax?: number;
  prMin?: number;
  prMax?: number;
  qrsMin?: number;
  qrsMax?: number;
  device?: string;
  departmentId?: string;
  readerId?: string;
  technicianId?: string;
  status?: string;
  priority?: 'routine' | 'urgent' | 'stat';
  critical?: boolean;
  organizationId?: string;
  organizationIds?: string;
  sort?: SortKey;
  dir?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

export const ExportQuery = Type.Object(
  {
    ...SearchFilterProps,
    sort: Type.Optional(Type.Union(SORT_KEYS.map((k) => Type.Literal(k)))),
    dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]),
    lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);

const N = Type.Union([Type.Number(), Type.Null()]);
const S = Type.Union([Type.String(), Type.Null()]);

export const ExamHit = Type.Object({
  examId: Type.String(),
  organizationId: Type.String(),
  organizationName: Type.String(),
  patientId: S,
  patientName: S,
  patientSex: S,
  patientAge: N,
  hisId: S,
  examAt: Type.String(),
  status: Type.String(),
  reportStatus: S,
  critical: Type.Boolean(),
  deviceName: S,
  departmentId: S,
  departmentName: S,
  priority: S,
  readerId: S,
  readerName: S,
  technicianName: S,
  signedAt: S,
  heartRate: N,
  pr: N,
  qrs: N,
  qt: N,
  qtc: N,
  statementCodes: Type.Array(Type.String()),
  statementsZh: Type.String(),
  statementsEn: Type.String(),
});

export const SearchResult = Type.Object({
  items: Type.Array(ExamHit),
  /**
   * Exact up to 1,000 matches; beyond, the planner's estimate (at least 1,001) with `totalApproximate` (and, for
   * older clients, `totalCapped`) set.
   */
  total: Type.Integer(),
  totalCapped: Type.Boolean(),
  totalApproximate: Type.Boolean(),
});

export const SavedSearchInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    query: Type.Object(SearchFilterProps, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const SavedSearch = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});

export const IdParam = Type.Object({ id: Uuid });

export const ResearchExportInput = Type.Object(
  {
    examIds: Type.Array(Uuid, { minItems: 1, maxItems: 500 }),
    waveforms: Type.Optional(Type.Boolean()),
    /** Why the data set is taken (ethics approval number, study): kept in the audit entry. */
    purpose: Type.String({ minLength: 3, maxLength: 200 }),
  },
  { additionalProperties: false },
);
