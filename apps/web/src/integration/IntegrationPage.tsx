/** HL7 integration admin: interfaces, inbound message store and outbox (permission device.admin). */
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageContainer } from '../layout/PageContainer';
import { InterfacesTab } from './InterfacesTab';
import { MessagesTab, OutboxTab } from './QueuesTab';
import './i18n';

export function IntegrationPage() {
  const { t } = useTranslation();
  return (
    <PageContainer title={t('integration.title')}>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'interfaces', label: t('integration.tabInterfaces'), children: <InterfacesTab /> },
          { key: 'messages', label: t('integration.tabMessages'), children: <MessagesTab /> },
          { key: 'outbox', label: t('integration.tabOutbox'), children: <OutboxTab /> },
        ]}
      />
    </PageContainer>
  );
}

export default IntegrationPage;
