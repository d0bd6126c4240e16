/** Versions and every workflow step of the report: who (name and role), when, and why for returns and amendments. */
import { roleByCode } from '@lifeline/shared';
import { Card, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { pdfUrl, type Report } from './api';

export function ReportHistory({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const tz = useOrgTimeZone();
  const en = i18n.language === 'en';
  const role = (code: string | null) => {
    const r = code ? roleByCode(code) : undefined;
    return r ? (en ? r.nameEn : r.nameZh) : (code ?? '');
  };
  return (
    <Card size="small" title={t('reading.history')} data-testid="report-history">
      {report.amendsVersion !== null && (
        <Typography.Paragraph type="warning">
          {t('reading.amendmentOf', { n: report.amendsVersion, reason: report.amendmentReason ?? '' })}
        </Typography.Paragraph>
      )}
      {report.signedAt && report.verifyToken && (
        <Typography.Paragraph>
          <Tag color="success">{t('reading.signedBy', { at: formatInstant(report.signedAt, tz) })}</Tag>
          <Link to={`/verify/${report.verifyToken}`} target="_blank" data-testid="report-verify-link">
            {t('reading.verifyLink')}
          </Link>
        </Typography.Paragraph>
      )}
      {report.versions.length > 1 && (
        <Typography.Paragraph data-testid="report-versions">
          {report.versions.map((v) => (
            <span key={v.version} style={{ marginInlineEnd: 12, whiteSpace: 'nowrap' }}>
              <Tag color={v.version === report.currentVersion ? 'blue' : undefined}>
                {t('reading.version', { n: v.version })} ·{' '}
                {t(`reading.status_${v.status}`, { defaultValue: v.status })}
              </Tag>
              {v.signedAt && (
                <a href={pdfUrl(report.id, v.version)} target="_blank" rel="noreferrer">
                  PDF
                </a>
              )}
            </span>
          ))}
        </Typography.Paragraph>
      )}
      <Timeline
        items={[...report.events].reverse().map((e) => ({
          color: e.action === 'return' ? 'red' : e.action === 'sign' ? 'green' : 'blue',
          children: (
            <div>
              <Typography.Text strong>
                {t('reading.version', { n: e.version })} ·{' '}
                {t(`reading.action_${e.action}`, { defaultValue: e.action })}
                {e.level ? ` (${e.level})` : ''}
              </Typography.Text>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatInstant(e.at, tz)} · {e.displayName ?? e.username ?? e.userId.slice(0, 8)} ·{' '}
                {role(e.role)}
              </Typography.Text>
              {e.reason && (
                <>
                  <br />
                  <Typography.Text style={{ fontSize: 12 }}>{e.reason}</Typography.Text>
                </>
              )}
            </div>
          ),
        }))}
      />
    </Card>
  );
}
