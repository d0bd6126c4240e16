/** UI text of the reporting settings screen (keys under "reportSettings."); en is typed against zh. */
import i18next from '../i18n';

const zh = {
  menu: '报告设置',
  title: '报告审核与时限设置',
  reviewLevels: '签发前需要的上级审核级数（1–3）',
  targets: '报告时限目标（从采集到签发）',
  minutes: '分钟',
  critical: '危急值',
  ackMinutes: '确认时限（超时自动升级）',
  escalationRoles: '升级通知的角色',
  maskIdentifiers: 'PDF 报告中遮盖证件号等标识',
};
const en: typeof zh = {
  menu: 'Report settings',
  title: 'Review levels and turnaround targets',
  reviewLevels: 'Senior review levels before signing (1–3)',
  targets: 'Turnaround targets (acquisition to signature)',
  minutes: 'min',
  critical: 'Critical values',
  ackMinutes: 'Acknowledgement time (escalated when exceeded)',
  escalationRoles: 'Roles notified on escalation',
  maskIdentifiers: 'Mask ID numbers and other identifiers on the PDF report',
};

i18next.addResourceBundle('zh-CN', 'translation', { reportSettings: zh }, true, false);
i18next.addResourceBundle('en', 'translation', { reportSettings: en }, true, false);
