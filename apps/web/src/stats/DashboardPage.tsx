/** The director's dashboard: headline figures, the last 30 days by day, main diagnoses, turnaround, critical values. */
import { Card, Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { barOption, EChart, StatCard } from '../charts';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { dashboard, drillPath } from './api';
import '../search/i18n';

export default function DashboardPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const zh = i18n.language.startsWith('zh');
  const data = useRemote((s) => dashboard({}, s), []);
  const d = data.data;
  const open = (drill: Record<string, string | number | boolean>) => navigate(drillPath(drill));
  const share = d?.critical.inTimeShare;
  return (
    <PageContainer title={t('stats.dashboardTitle')}>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <StatCard title={t('stats.last24h')} value={d?.last24h.exams ?? null} testId="dash-24h" />
        </Col>
        <Col xs={12} md={6}>
          <StatCard title={t('stats.last30d')} value={d?.last30d.exams ?? null} testId="dash-30d" />
        </Col>
        <Col xs={12} md={6}>
          <StatCard title={t('stats.unsigned')} value={d?.last30d.unsigned ?? null} />
        </Col>
        <Col xs={12} md={6}>
          <StatCard
            title={t('stats.criticalInTime')}
            value={share === null || share === undefined ? null : Math.round(share * 1000) / 10}
            suffix="%"
          />
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('stats.daily')}>
            <EChart
              option={barOption(
                (d?.daily ?? []).map((r) => r.bucket.slice(5)),
                [
                  {
                    name: t('stats.exams'),
                    points: (d?.daily ?? []).map((r) => ({ value: r.exams, drill: r.drill })),
                  },
                ],
              )}
              onDrill={open}
              testId="dash-daily"
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('stats.topDiagnoses')}>
            <EChart
              option={barOption(
                (d?.topDiagnoses ?? []).map((x) => (zh ? x.textZh : x.textEn)),
                [
                  {
                    name: t('stats.exams'),
                    points: (d?.topDiagnoses ?? []).map((x) => ({ value: x.exams, drill: x.drill })),
                  },
                ],
                { horizontal: true },
              )}
              onDrill={open}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('stats.tatByPriority')}>
            <EChart
              height={240}
              option={barOption(
                (d?.turnaround ?? []).map((r) => t(`search.priority_${r.key}`, { defaultValue: r.key })),
                [
                  {
                    name: t('stats.median'),
                    points: (d?.turnaround ?? []).map((r) => ({ value: r.medianMin, drill: r.drill })),
                  },
                  {
                    name: t('stats.p90'),
                    points: (d?.turnaround ?? []).map((r) => ({ value: r.p90Min, drill: r.drill })),
                  },
                ],
                { unit: t('stats.minutes') },
              )}
              onDrill={open}
            />
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
