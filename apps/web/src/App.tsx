import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { router } from './routes';

/**
 * Providers: Ant Design locale follows the i18next language (dayjs is switched in i18n/index.ts).
 * Motion is off: dialogs, pickers and menus appear at once. On a busy reading workstation an opening animation
 * only delays the next action, and antd's zoom-in lays a dialog out at its final place before shrinking it to
 * animate, so a click made in that moment (a switch, an OK button) lands on the mask and is lost.
 */
export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6, motion: false } }}
    >
      <AntApp>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
