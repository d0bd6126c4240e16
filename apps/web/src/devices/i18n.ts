/** UI text of the devices admin screen (keys under "devices."); en is typed against zh. */
import i18next from '../i18n';

const zh = {
  menu: '设备管理',
  title: '采集设备',
  create: '新增设备',
  edit: '编辑',
  saved: '已保存',
  name: '名称',
  kind: '类型',
  kind_ecg: '心电图机',
  'kind_ecg-cart': '心电图机',
  kind_holter: '动态心电记录仪',
  kind_monitor: '监护仪',
  kind_gateway: '网关',
  kind_other: '其他',
  manufacturer: '厂商',
  model: '型号',
  aeTitle: 'DICOM AE 名称',
  aeTitleHint: '设备发送 DICOM 时使用的 AE Title，用于识别设备（最多 16 个字符）',
  aeTitleRule: '最多 16 个可打印 ASCII 字符，不含反斜杠',
  dropFolder: '投递文件夹',
  dropFolderHint: '服务器监视的目录（绝对路径），设备导出的文件放入此处即被接收',
  dropFolderRule: '必须是以 / 开头的绝对路径',
  active: '启用',
  on: '启用',
  off: '停用',
};
const en: typeof zh = {
  menu: 'Devices',
  title: 'Acquisition devices',
  create: 'New device',
  edit: 'Edit',
  saved: 'Saved',
  name: 'Name',
  kind: 'Kind',
  kind_ecg: 'Electrocardiograph',
  'kind_ecg-cart': 'Electrocardiograph',
  kind_holter: 'Holter recorder',
  kind_monitor: 'Monitor',
  kind_gateway: 'Gateway',
  kind_other: 'Other',
  manufacturer: 'Manufacturer',
  model: 'Model',
  aeTitle: 'DICOM AE title',
  aeTitleHint:
    'The calling AE title the device sends DICOM with; identifies the device (up to 16 characters)',
  aeTitleRule: 'Up to 16 printable ASCII characters, no backslash',
  dropFolder: 'Drop folder',
  dropFolderHint: 'Folder the server watches (absolute path); files the device exports there are received',
  dropFolderRule: 'Must be an absolute path starting with /',
  active: 'Active',
  on: 'Active',
  off: 'Inactive',
};

i18next.addResourceBundle('zh-CN', 'translation', { devices: zh }, true, false);
i18next.addResourceBundle('en', 'translation', { devices: en }, true, false);
