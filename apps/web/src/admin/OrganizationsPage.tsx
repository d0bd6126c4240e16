import { ApartmentOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Table,
  Tag,
  Tree,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, Organization } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { describeError } from '../common/errors';
import { PageContainer } from '../layout/PageContainer';
import { departmentKindLabel, orgName, orgTree, orgTypeLabel, useOrganizations } from './directory';
import { DepartmentDialog, OrganizationDialog } from './OrganizationDialogs';

const TYPE_COLORS: Record<string, string> = {
  'hub-hospital': 'red',
  'member-hospital': 'blue',
  clinic: 'green',
  'ambulance-station': 'orange',
};

/** The network: hub hospital with member hospitals, township clinics and ambulance stations. */
export default function OrganizationsPage() {
  const { t } = useTranslation();
  const { can, me } = useAuth();
  const organizations = useOrganizations();
  const orgs = organizations.data ?? [];
  const [selectedId, setSelectedId] = useState<string>();
  const [editingOrg, setEditingOrg] = useState<Organization | null | undefined>(undefined);
  const [addingDeptTo, setAddingDeptTo] = useState<Organization | null>(null);
  const writable = can('org.write');

  // Start on the user's own organisation.
  useEffect(() => {
    if (!selectedId && orgs.length > 0)
      setSelectedId(orgs.find((o) => o.id === me?.organizationId)?.id ?? orgs[0].id);
  }, [orgs, selectedId, me]);

  const treeData = useMemo(
    () =>
      orgTree(orgs).map(function toTreeNode(n): { key: string; title: ReactNode; children: unknown[] } {
        return {
          key: n.key,
          title: (
            <Space size={6}>
              {n.org.name}
              <Tag color={TYPE_COLORS[n.org.type]} style={{ marginInlineEnd: 0 }}>
                {orgTypeLabel(t, n.org.type)}
              </Tag>
            </Space>
          ),
          children: n.children.map(toTreeNode),
        };
      }),
    [orgs, t],
  );
  const selected = orgs.find((o) => o.id === selectedId);

  return (
    <PageContainer
      title={t('org.title')}
      extra={
        writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditingOrg(null)}>
            {t('org.create')}
          </Button>
        )
      }
    >
      {organizations.error !== undefined && (
        <Alert
          type="error"
          showIcon
          title={describeError(organizations.error, t)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={16}>
        <Col xs={24} lg={9} xl={8}>
          <Card loading={organizations.loading && orgs.length === 0} styles={{ body: { padding: 12 } }}>
            <Tree
              showLine
              showIcon
              icon={<ApartmentOutlined />}
              defaultExpandAll
              key={orgs.length /* re-expand when organisations are added */}
              treeData={treeData as never}
              selectedKeys={selectedId ? [selectedId] : []}
              onSelect={(keys) => keys[0] && setSelectedId(String(keys[0]))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={15} xl={16}>
          {selected ? (
            <OrganizationDetail
              org={selected}
              parentName={orgName(orgs, selected.parentId)}
              writable={writable}
              onEdit={() => setEditingOrg(selected)}
              onAddDepartment={() => setAddingDeptTo(selected)}
            />
          ) : (
            <Card>
              <Empty description={t('org.selectHint')} />
            </Card>
          )}
        </Col>
      </Row>
      <OrganizationDialog
        organization={editingOrg}
        organizations={orgs}
        defaultParentId={selectedId}
        onClose={() => setEditingOrg(undefined)}
        onSaved={(org) => {
          setEditingOrg(undefined);
          setSelectedId(org.id);
          organizations.reload();
        }}
      />
      <DepartmentDialog
        organization={addingDeptTo}
        onClose={() => setAddingDeptTo(null)}
        onSaved={() => {
          setAddingDeptTo(null);
          organizations.reload();
        }}
      />
    </PageContainer>
  );
}

interface DetailProps {
  org: Organization;
  parentName: string;
  writable: boolean;
  onEdit: () => void;
  onAddDepartment: () => void;
}

function OrganizationDetail({ org, parentName, writable, onEdit, onAddDepartment }: DetailProps) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={org.name}
        extra={
          writable && (
            <Button icon={<EditOutlined />} onClick={onEdit}>
              {t('common.edit')}
            </Button>
          )
        }
      >
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label={t('org.code')}>
            <Typography.Text code>{org.code}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('org.type')}>
            <Tag color={TYPE_COLORS[org.type]}>{orgTypeLabel(t, org.type)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('org.parent')}>{parentName || t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('org.timeZone')}>{org.timeZone}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        title={t('org.departments')}
        extra={
          writable && (
            <Button icon={<PlusOutlined />} onClick={onAddDepartment}>
              {t('org.addDepartment')}
            </Button>
          )
        }
      >
        <Table<Department>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={org.departments}
          locale={{ emptyText: t('common.none') }}
          columns={[
            { title: t('org.departmentName'), dataIndex: 'name' },
            {
              title: t('org.departmentCode'),
              dataIndex: 'code',
              render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
            },
            {
              title: t('org.departmentKind'),
              dataIndex: 'kind',
              render: (k: string | null) => departmentKindLabel(t, k),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
