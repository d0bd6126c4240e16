/** UI text of patient links (keys under "patientLink.", plus history actions); en is typed against zh. */
import i18next from '../i18n';

const zh = {
  title: '同一人的其他记录（已关联，未合并）',
  button: '关联同一人',
  dialogTitle: '关联同一人的另一条记录',
  explain:
    '关联后两条记录各自保留（标识、历史不变），在双方页面和搜索结果中互相显示；可随时解除。与“{{name}}”关联：',
  pick: '选择医共体内的另一条记录',
  pickPlaceholder: '姓名、拼音首字母或标识号（全医共体）',
  pickRequired: '请选择要关联的记录',
  organization: '所属机构',
  reason: '关联原因',
  reasonRequired: '请填写原因（至少 2 个字）',
  at: '关联时间',
  done: '已关联',
  unlink: '解除关联',
  unlinkTitle: '解除关联',
  unlinkReason: '解除原因',
  unlinked: '已解除关联',
  tag: '已关联：{{orgs}}',
};
const en: typeof zh = {
  title: 'Other records of this person (linked, not merged)',
  button: 'Link same person',
  dialogTitle: 'Link another record of the same person',
  explain:
    'Both records stay as they are (identifiers and history unchanged) and show each other on their pages and in search; the link can be removed. Linking with "{{name}}":',
  pick: 'Record in the network',
  pickPlaceholder: 'Name, pinyin initials or identifier (whole network)',
  pickRequired: 'Choose the record to link',
  organization: 'Organisation',
  reason: 'Reason',
  reasonRequired: 'Give a reason (at least 2 characters)',
  at: 'Linked',
  done: 'Linked',
  unlink: 'Unlink',
  unlinkTitle: 'Remove link',
  unlinkReason: 'Reason for removing the link',
  unlinked: 'Link removed',
  tag: 'Linked: {{orgs}}',
};

i18next.addResourceBundle('zh-CN', 'translation', { patientLink: zh }, true, false);
i18next.addResourceBundle('en', 'translation', { patientLink: en }, true, false);
// History actions and detail keys of links, next to those of merges.
i18next.addResourceBundle(
  'zh-CN',
  'translation',
  {
    patient: { action_link: '关联同一人记录', action_unlink: '解除关联' },
    detail: { linkId: '关联编号', otherPatientId: '对方记录' },
  },
  true,
  false,
);
i18next.addResourceBundle(
  'en',
  'translation',
  {
    patient: { action_link: 'Linked to another record', action_unlink: 'Link removed' },
    detail: { linkId: 'link', otherPatientId: 'other record' },
  },
  true,
  false,
);
