/** Team configuration for one-click activation: members, escalation contacts, minutes before escalation, channels. */
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, patch } from '../api/client';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import './i18n';

interface Team {
  id: string;
  code: string;
  name: string;
  members: { id: string; name: string }[];
  escalationContacts: { id: string; name: string }[];
  escalateAfterMinutes: number;
  channelIds: string[];
}
interface Options {
  users: { id: string; name: string; department: string | null }[];
  channels: { id: string; name: string; kind: string; enabled: boolean }[];
}

function TeamCard({ team, options, onSaved }: { team: Team; options: Options; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const userOptions = options.users.map((u) => ({
    value: u.id,
    label: u.department ? `${u.name} · ${u.department}` : u.name,
  }));
  const save = async () => {
    try {
      await patch(`/api/emergency/teams/${team.id}`, form.getFieldsValue());
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <Card
      size="small"
      title={team.name}
      extra={
        <Button type="primary" size="small" onClick={save}>
          {t('common.save')}
        </Button>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          memberIds: team.members.map((m) => m.id),
          escalationUserIds: team.escalationContacts.map((m) => m.id),
          escalateAfterMinutes: team.escalateAfterMinutes,
          channelIds: team.channelIds,
        }}
      >
        <Form.Item name="memberIds" label={t('emergency.teamMembers')}>
          <Select mode="multiple" optionFilterProp="label" options={userOptions} />
        </Form.Item>
        <Form.Item name="escalationUserIds" label={t('emergency.escalationContacts')}>
          <Select mode="multiple" optionFilterProp="label" options={userOptions} />
        </Form.Item>
        <Form.Item name="escalateAfterMinutes" label={t('emergency.escalateAfter')}>
          <InputNumber min={1} max={120} addonAfter={t('emergency.minutes')} />
        </Form.Item>
        <Form.Item name="channelIds" label={t('emergency.channels')}>
          <Select
            mode="multiple"
            options={options.channels.map((c) => ({
              value: c.id,
              label: `${c.name} (${c.kind})`,
              disabled: !c.enabled,
            }))}
          />
        </Form.Item>
      </Form>
    </Card>
  );
}

export default function TeamsPage() {
  const { t } = useTranslation();
  const data = useRemote(async (signal) => {
    const [teams, options] = await Promise.all([
      get<Team[]>('/api/emergency/teams', undefined, signal),
      get<Options>('/api/emergency/teams/options', undefined, signal),
    ]);
    return { teams, options };
  }, []);
  return (
    <PageContainer title={t('emergency.menuTeams')}>
      {data.error ? <Alert type="error" showIcon title={describeError(data.error, t)} /> : null}
      <Row gutter={[16, 16]}>
        {data.data?.teams.map((team) => (
          <Col key={team.id} xs={24} lg={12}>
            <TeamCard team={team} options={data.data!.options} onSaved={data.reload} />
          </Col>
        ))}
      </Row>
    </PageContainer>
  );
}
