/**
 * All routes. A screen = a route here (wrapped in RequirePermission) + an entry in layout/menu.ts.
 * Admin screens are lazy so ward workstations do not download them.
 */

import type { Permission } from '@lifeline/shared';
import { Spin } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage';
import { RequirePermission } from './auth/RequirePermission';
import { RequireSignIn } from './auth/RequireSignIn';
import { AppLayout } from './layout/AppLayout';
import { HomeRedirect } from './layout/HomeRedirect';
import { NotFoundPage } from './layout/NotFoundPage';
import { PatientCreatePage } from './patients/PatientCreatePage';
import { PatientPage } from './patients/PatientPage';
import { PatientSearchPage } from './patients/PatientSearchPage';

const EcgListPage = lazy(() => import('./ecg/EcgListPage'));
const EcgExamPage = lazy(() => import('./ecg/EcgExamPage'));
const UsersPage = lazy(() => import('./admin/UsersPage'));
const RolesPage = lazy(() => import('./admin/RolesPage'));
const OrganizationsPage = lazy(() => import('./admin/OrganizationsPage'));
const AuditPage = lazy(() => import('./admin/AuditPage'));
const EmergencyBoardPage = lazy(() => import('./emergency/BoardPage'));
const EmergencyHallPage = lazy(() => import('./emergency/BoardPage').then((m) => ({ default: m.HallPage })));
const EmergencyCasePage = lazy(() => import('./emergency/CasePage'));
const EmergencyArchivePage = lazy(() => import('./emergency/ArchivePage'));
const EmergencyQcPage = lazy(() => import('./emergency/QcPage'));
const WorklistPage = lazy(() => import('./reading/WorklistPage'));
const ReadingPage = lazy(() => import('./reading/ReadingPage'));
const VerifyPage = lazy(() => import('./reading/VerifyPage'));
const CriticalPage = lazy(() => import('./critical/CriticalPage'));
const UnmatchedPage = lazy(() => import('./ecg/UnmatchedPage'));
const OrdersPage = lazy(() => import('./orders/OrdersPage'));
const DevicesPage = lazy(() => import('./devices/DevicesPage'));
const ReportSettingsPage = lazy(() => import('./reading/ReportSettingsPage'));
const IntegrationPage = lazy(() => import('./integration/IntegrationPage'));
const EmergencyTeamsPage = lazy(() => import('./emergency/TeamsPage'));
const NotificationChannelsPage = lazy(() => import('./notifications/ChannelsPage'));
const SearchPage = lazy(() => import('./search/SearchPage'));
const PatientHistoryPage = lazy(() => import('./search/PatientHistoryPage'));
const StatsPage = lazy(() => import('./stats/StatsPage'));
const DashboardPage = lazy(() => import('./stats/DashboardPage'));

function guarded(permission: Permission, element: ReactNode) {
  return (
    <RequirePermission permission={permission}>
      <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>{element}</Suspense>
    </RequirePermission>
  );
}

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  // Target of the QR code on signed reports: public, no sign-in.
  {
    path: '/verify/:token',
    element: (
      <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
        <VerifyPage />
      </Suspense>
    ),
  },
  // The ED-hall big screen: signed in, without the sider and header.
  {
    path: '/emergency/hall',
    element: <RequireSignIn>{guarded('emergency.read', <EmergencyHallPage />)}</RequireSignIn>,
  },
  {
    path: '/',
    element: (
      <RequireSignIn>
        <AppLayout />
      </RequireSignIn>
    ),
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: 'patients', element: guarded('patient.read', <PatientSearchPage />) },
      { path: 'patients/new', element: guarded('patient.write', <PatientCreatePage />) },
      { path: 'patients/:id', element: guarded('patient.read', <PatientPage />) },
      { path: 'ecgs', element: guarded('ecg.read', <EcgListPage />) },
      { path: 'ecgs/unmatched', element: guarded('ecg.read', <UnmatchedPage />) },
      { path: 'ecgs/:id', element: guarded('ecg.read', <EcgExamPage />) },
      { path: 'reading', element: guarded('ecg.read', <WorklistPage />) },
      { path: 'reading/:examId', element: guarded('ecg.read', <ReadingPage />) },
      { path: 'critical', element: guarded('ecg.read', <CriticalPage />) },
      { path: 'search', element: guarded('ecg.read', <SearchPage />) },
      { path: 'search/patients/:id', element: guarded('ecg.read', <PatientHistoryPage />) },
      { path: 'stats', element: guarded('stats.read', <StatsPage />) },
      { path: 'stats/dashboard', element: guarded('stats.read', <DashboardPage />) },
      { path: 'orders', element: guarded('order.read', <OrdersPage />) },
      { path: 'admin/devices', element: guarded('device.admin', <DevicesPage />) },
      // Cast: the permission lands with modules/reports in packages/shared.
      {
        path: 'admin/report-settings',
        element: guarded('ecg.report.admin' as Permission, <ReportSettingsPage />),
      },
      { path: 'admin/integration', element: guarded('device.admin', <IntegrationPage />) },
      { path: 'emergency/board', element: guarded('emergency.read', <EmergencyBoardPage />) },
      { path: 'emergency/cases', element: guarded('emergency.read', <EmergencyArchivePage />) },
      { path: 'emergency/cases/:id', element: guarded('emergency.read', <EmergencyCasePage />) },
      { path: 'emergency/qc', element: guarded('emergency.qc', <EmergencyQcPage />) },
      { path: 'emergency/teams', element: guarded('emergency.qc', <EmergencyTeamsPage />) },
      { path: 'admin/notification-channels', element: guarded('device.admin', <NotificationChannelsPage />) },
      { path: 'admin/users', element: guarded('user.read', <UsersPage />) },
      { path: 'admin/roles', element: guarded('role.read', <RolesPage />) },
      { path: 'admin/organizations', element: guarded('org.read', <OrganizationsPage />) },
      { path: 'admin/audit', element: guarded('audit.read', <AuditPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
