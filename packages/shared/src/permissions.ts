/**
 * Roles and permissions, defined once for the server (every route declares one permission) and the web app
 * (navigation by role). Role codes follow domain.md §1; a site may add roles in the database, built on these
 * same permission codes.
 */

export const PERMISSIONS = {
  'patient.read': { zh: '查看患者', en: 'Read patients' },
  'patient.write': { zh: '登记/修改患者', en: 'Create and edit patients' },
  'patient.merge': { zh: '合并/拆分患者', en: 'Merge and unmerge patients' },
  'patient.sensitive.read': { zh: '查看完整身份证号/电话', en: 'Read full national ID and phone' },
  'org.read': { zh: '查看机构', en: 'Read organisations' },
  'org.write': { zh: '管理机构与科室', en: 'Manage organisations and departments' },
  'user.read': { zh: '查看用户', en: 'Read users' },
  'user.write': { zh: '管理用户', en: 'Manage users' },
  'role.read': { zh: '查看角色权限', en: 'Read roles' },
  'audit.read': { zh: '查看审计日志', en: 'Read the audit log' },
  'audit.verify': { zh: '校验审计链', en: 'Verify the audit chain' },
  'device.admin': { zh: '管理设备与接口', en: 'Manage devices and interfaces' },
  'order.read': { zh: '查看检查申请', en: 'Read orders' },
  'order.write': { zh: '开立/取消检查申请', en: 'Create and cancel orders' },
  'ecg.read': { zh: '查看心电图', en: 'Read ECGs' },
  'ecg.acquire': { zh: '采集/上传心电图', en: 'Acquire and upload ECGs' },
  'ecg.link': { zh: '关联未匹配心电图', en: 'Link unmatched ECGs' },
  'ecg.report.draft': { zh: '书写报告草稿', en: 'Draft reports' },
  'ecg.report.check': { zh: '技师审核', en: 'Technician check' },
  'ecg.report.diagnose': { zh: '医师诊断', en: 'Diagnose' },
  'ecg.report.review': { zh: '上级审核', en: 'Review (senior levels)' },
  'ecg.report.sign': { zh: '签发报告', en: 'Sign and publish reports' },
  'ecg.critical.ack': { zh: '确认危急值', en: 'Acknowledge critical values' },
  'ecg.report.admin': { zh: '配置报告审核级别与时限', en: 'Configure report review levels and targets' },
  'ecg.consult': { zh: '远程会诊', en: 'Remote consultation' },
  'emergency.read': { zh: '查看急诊病例', en: 'Read emergency cases' },
  'emergency.write': { zh: '记录时间节点与评分', en: 'Record time nodes and scores' },
  'emergency.activate': { zh: '一键启动团队', en: 'Activate teams' },
  'emergency.qc': { zh: '质控与上报', en: 'Quality control and registry upload' },
  'stats.read': { zh: '查看统计', en: 'Read statistics' },
  'research.export': { zh: '科研导出', en: 'Research export' },
} as const;

export type Permission = keyof typeof PERMISSIONS;

export interface RoleDefinition {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: Permission[];
}

const ECG_READ: Permission[] = ['patient.read', 'ecg.read', 'order.read'];
const PHYSICIAN: Permission[] = [
  ...ECG_READ,
  'ecg.report.draft',
  'ecg.report.diagnose',
  'ecg.report.sign',
  'ecg.critical.ack',
  'stats.read',
];
const EMERGENCY_TEAM: Permission[] = [
  'patient.read',
  'ecg.read',
  'order.read',
  'emergency.read',
  'emergency.write',
];

export const ROLES: RoleDefinition[] = [
  {
    code: 'it_admin',
    nameZh: '信息科管理员',
    nameEn: 'IT administrator',
    permissions: [
      'org.read',
      'org.write',
      'user.read',
      'user.write',
      'role.read',
      'audit.read',
      'audit.verify',
      'device.admin',
      'ecg.report.admin',
    ],
  },
  {
    code: 'ecg_technician',
    nameZh: '心电图技师',
    nameEn: 'ECG technician',
    permissions: [
      ...ECG_READ,
      'patient.write',
      'order.write',
      'ecg.acquire',
      'ecg.link',
      'ecg.report.draft',
      'ecg.report.check',
    ],
  },
  { code: 'ecg_physician', nameZh: '心电图医师', nameEn: 'ECG physician', permissions: PHYSICIAN },
  {
    code: 'ecg_senior',
    nameZh: '心电图主治医师（审核）',
    nameEn: 'Senior ECG physician (reviewer)',
    permissions: [...PHYSICIAN, 'ecg.report.review', 'ecg.consult'],
  },
  {
    code: 'ecg_chief',
    nameZh: '心电图主任',
    nameEn: 'Chief ECG physician',
    permissions: [
      ...PHYSICIAN,
      'ecg.report.review',
      'ecg.consult',
      'patient.sensitive.read',
      'research.export',
      'patient.merge',
      'ecg.report.admin',
    ],
  },
  {
    code: 'clinician',
    nameZh: '临床医生',
    nameEn: 'Ordering clinician',
    permissions: [...ECG_READ, 'order.write', 'ecg.critical.ack'],
  },
  {
    code: 'remote_expert',
    nameZh: '远程会诊专家',
    nameEn: 'Remote expert',
    permissions: [...ECG_READ, 'ecg.consult', 'ecg.report.diagnose', 'ecg.report.review', 'ecg.report.sign'],
  },
  {
    code: 'ed_nurse',
    nameZh: '急诊护士',
    nameEn: 'ED nurse',
    permissions: [...EMERGENCY_TEAM, 'patient.write', 'emergency.activate', 'ecg.acquire'],
  },
  {
    code: 'ed_physician',
    nameZh: '急诊医生',
    nameEn: 'ED physician',
    permissions: [
      ...EMERGENCY_TEAM,
      'patient.write',
      'patient.sensitive.read',
      'order.write',
      'emergency.activate',
      'ecg.critical.ack',
    ],
  },
  {
    code: 'cardiologist',
    nameZh: '心内科医生',
    nameEn: 'Cardiologist',
    permissions: [...EMERGENCY_TEAM, 'emergency.activate', 'ecg.critical.ack'],
  },
  {
    code: 'neurologist',
    nameZh: '神经内科医生',
    nameEn: 'Neurologist',
    permissions: [...EMERGENCY_TEAM, 'emergency.activate'],
  },
  {
    code: 'trauma_surgeon',
    nameZh: '创伤外科医生',
    nameEn: 'Trauma surgeon',
    permissions: [...EMERGENCY_TEAM, 'emergency.activate'],
  },
  { code: 'cathlab', nameZh: '导管室团队', nameEn: 'Cath-lab team', permissions: EMERGENCY_TEAM },
  {
    code: 'paramedic',
    nameZh: '院前急救人员',
    nameEn: 'Paramedic',
    permissions: [
      'patient.read',
      'patient.write',
      'ecg.acquire',
      'ecg.read',
      'emergency.read',
      'emergency.write',
    ],
  },
  {
    code: 'qc_manager',
    nameZh: '质控员/数据管理员',
    nameEn: 'QC manager / data clerk',
    permissions: [
      'patient.read',
      'patient.merge',
      'ecg.read',
      'order.read',
      'emergency.read',
      'emergency.qc',
      'stats.read',
      'audit.read',
    ],
  },
];

const byCode = new Map(ROLES.map((r) => [r.code, r]));

export function roleByCode(code: string): RoleDefinition | undefined {
  return byCode.get(code);
}

/** Union of the permissions of the given roles (unknown role codes grant nothing). */
export function permissionsOf(roleCodes: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const code of roleCodes) for (const p of byCode.get(code)?.permissions ?? []) out.add(p);
  return out;
}

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
