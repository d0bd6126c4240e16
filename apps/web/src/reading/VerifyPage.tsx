/**
 * Public page behind the QR code of a signed report (/verify/:token, no sign-in): says whether the signature is
 * valid or the content was altered, with the facts printed on the paper (never patient data).
 */
import { Alert, Card, Descriptions, Flex, Result, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { ApiError, api } from '../api/client';
import { formatInstant } from '../clock';
import { useRemote } from '../common/useRemote';
import { LifelineMark } from '../layout/AppLayout';
import './i18n';

interface Verification {
  status: 'valid' | 'altered' | 'unsigned';
  valid: boolean;
  organization: string;
  version: number;
  versionStatus: string;
  signedAt: string | null;
  signer: string | null;
  contentHash: string | null;
}

export function VerifyPage() {
  const { token = '' } = useParams();
  const { t } = useTranslation();
  const answer = useRemote(
    (signal) =>
      api<Verification>(`/api/public/reports/verify/${encodeURIComponent(token)}`, {
        signal,
        allowUnauthorized: true,
      }),
    [token],
  );
  const v = answer.data;
  const notFound =
    answer.error instanceof ApiError && (answer.error.status === 404 || answer.error.status === 400);
  return (
    <Flex
      justify="center"
      style={{ position: 'fixed', inset: 0, overflow: 'auto', padding: 24, background: '#f5f5f5' }}
    >
      <Card
        style={{ width: 560, alignSelf: 'flex-start' }}
        title={
          <Flex gap={8} align="center">
            <LifelineMark color="#cf1322" />
            {t('reading.verifyTitle')}
          </Flex>
        }
      >
        {answer.loading && <Spin />}
        {notFound && <Result status="warning" title={t('reading.verifyNotFound')} />}
        {answer.error !== undefined && !notFound && (
          <Alert type="error" showIcon title={String((answer.error as Error).message)} />
        )}
        {v && (
          <>
            <Result
              status={v.status === 'valid' ? 'success' : v.status === 'altered' ? 'error' : 'warning'}
              title={
                <span data-testid="verify-status" data-status={v.status}>
                  {t(
                    v.status === 'valid'
                      ? 'reading.verifyValid'
                      : v.status === 'altered'
                        ? 'reading.verifyAltered'
                        : 'reading.verifyUnsigned',
                  )}
                </span>
              }
            />
            {v.versionStatus === 'superseded' && (
              <Alert
                type="warning"
                showIcon
                title={t('reading.verifySuperseded')}
                style={{ marginBottom: 12 }}
              />
            )}
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('reading.verifyOrg')}>{v.organization}</Descriptions.Item>
              <Descriptions.Item label={t('reading.verifySigner')}>{v.signer ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('reading.verifySignedAt')}>
                {v.signedAt ? formatInstant(v.signedAt) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('reading.verifyVersion')}>{v.version}</Descriptions.Item>
              <Descriptions.Item label={t('reading.verifyHash')}>
                <Typography.Text code style={{ fontSize: 11, wordBreak: 'break-all' }}>
                  {v.contentHash ?? '—'}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </>
        )}
      </Card>
    </Flex>
  );
}

export default VerifyPage;
