import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { visibleMenu } from './menu';

/** "/" opens the first screen the user may use, so each role lands on its daily work. */
export function HomeRedirect() {
  const { can } = useAuth();
  const { t } = useTranslation();
  const first = visibleMenu(can)[0];
  if (first) return <Navigate to={first.path} replace />;
  return <Result status="info" title={t('home.noScreens')} subTitle={t('home.noScreensHint')} />;
}
