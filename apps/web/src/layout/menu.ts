/**
 * The sider menu. Add an entry here when you add a screen (and its route in routes.tsx); an entry is shown
 * only to users holding its permission. Only list screens that exist: no placeholders.
 */

import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  BellOutlined,
  DashboardOutlined,
  DisconnectOutlined,
  FieldTimeOutlined,
  FileDoneOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FolderOpenOutlined,
  HeartOutlined,
  LineChartOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UsbOutlined,
  UserOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import type { Permission } from '@lifeline/shared';
import type { ComponentType } from 'react';
// Labels of the emergency entries live in the emergency module's own resource bundle.
import '../emergency/i18n';
import '../ecg/i18n';
import '../reading/i18n';
import '../critical/i18n';
import '../ecg/unmatchedI18n';
import '../devices/i18n';
import '../reading/settingsI18n';
import '../integration/i18n';
import '../search/i18n';

export type MenuGroup = 'clinical' | 'emergency' | 'admin';

export interface MenuEntry {
  /** Route path; also the menu key. Nested routes (/patients/:id) highlight the entry whose path prefixes them. */
  path: string;
  /** i18n key of the label. */
  labelKey: string;
  icon: ComponentType;
  permission: Permission;
  group: MenuGroup;
}

/** Group order and labels in the sider. */
export const MENU_GROUPS: { group: MenuGroup; labelKey: string }[] = [
  { group: 'clinical', labelKey: 'menu.groupClinical' },
  { group: 'emergency', labelKey: 'emergency.menuGroup' },
  { group: 'admin', labelKey: 'menu.groupAdmin' },
];

export const MENU: MenuEntry[] = [
  {
    path: '/patients',
    labelKey: 'menu.patients',
    icon: UserOutlined,
    permission: 'patient.read',
    group: 'clinical',
  },
  {
    path: '/reading',
    labelKey: 'reading.menuWorklist',
    icon: FileDoneOutlined,
    permission: 'ecg.read',
    group: 'clinical',
  },
  {
    path: '/ecgs',
    labelKey: 'ecgViewer.menuList',
    icon: HeartOutlined,
    permission: 'ecg.read',
    group: 'clinical',
  },
  {
    path: '/ecgs/unmatched',
    labelKey: 'unmatched.menu',
    icon: DisconnectOutlined,
    permission: 'ecg.read',
    group: 'clinical',
  },
  {
    path: '/critical',
    labelKey: 'critical.menu',
    icon: WarningOutlined,
    permission: 'ecg.read',
    group: 'clinical',
  },
  {
    path: '/search',
    labelKey: 'search.menu',
    icon: FileSearchOutlined,
    permission: 'ecg.read',
    group: 'clinical',
  },
  {
    path: '/stats/dashboard',
    labelKey: 'stats.menuDashboard',
    icon: DashboardOutlined,
    permission: 'stats.read',
    group: 'clinical',
  },
  {
    path: '/stats',
    labelKey: 'stats.menu',
    icon: BarChartOutlined,
    permission: 'stats.read',
    group: 'clinical',
  },
  {
    path: '/orders',
    labelKey: 'orders.menu',
    icon: FileTextOutlined,
    permission: 'order.read',
    group: 'clinical',
  },
  {
    path: '/emergency/board',
    labelKey: 'emergency.menuBoard',
    icon: AlertOutlined,
    permission: 'emergency.read',
    group: 'emergency',
  },
  {
    path: '/emergency/cases',
    labelKey: 'emergency.menuCases',
    icon: FolderOpenOutlined,
    permission: 'emergency.read',
    group: 'emergency',
  },
  {
    path: '/emergency/qc',
    labelKey: 'emergency.menuQc',
    icon: LineChartOutlined,
    permission: 'emergency.qc',
    group: 'emergency',
  },
  {
    path: '/emergency/teams',
    labelKey: 'emergency.menuTeams',
    icon: ThunderboltOutlined,
    permission: 'emergency.qc',
    group: 'emergency',
  },
  {
    path: '/admin/users',
    labelKey: 'menu.users',
    icon: TeamOutlined,
    permission: 'user.read',
    group: 'admin',
  },
  {
    path: '/admin/roles',
    labelKey: 'menu.roles',
    icon: SafetyCertificateOutlined,
    permission: 'role.read',
    group: 'admin',
  },
  {
    path: '/admin/organizations',
    labelKey: 'menu.organizations',
    icon: ApartmentOutlined,
    permission: 'org.read',
    group: 'admin',
  },
  {
    path: '/admin/devices',
    labelKey: 'devices.menu',
    icon: UsbOutlined,
    permission: 'device.admin',
    group: 'admin',
  },
  {
    path: '/admin/report-settings',
    labelKey: 'reportSettings.menu',
    icon: FieldTimeOutlined,
    permission: 'ecg.report.admin' as Permission,
    group: 'admin',
  },
  {
    path: '/admin/integration',
    labelKey: 'integration.menu',
    icon: ApiOutlined,
    permission: 'device.admin',
    group: 'admin',
  },
  {
    path: '/admin/audit',
    labelKey: 'menu.audit',
    icon: AuditOutlined,
    permission: 'audit.read',
    group: 'admin',
  },
  {
    path: '/admin/notification-channels',
    labelKey: 'emergency.menuChannels',
    icon: BellOutlined,
    permission: 'device.admin',
    group: 'admin',
  },
];

export function visibleMenu(can: (p: Permission) => boolean): MenuEntry[] {
  return MENU.filter((entry) => can(entry.permission));
}

/** The menu entry a location belongs to (longest matching path prefix). */
export function menuEntryFor(pathname: string): MenuEntry | undefined {
  return MENU.filter((e) => pathname === e.path || pathname.startsWith(`${e.path}/`)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
}
