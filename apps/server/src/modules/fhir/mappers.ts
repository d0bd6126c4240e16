/** Our records as FHIR R4 resources. Identifier systems are URNs of Lifeline and, for national IDs, China's OID. */
export const SYSTEMS = {
  his: 'urn:lifeline:identifier:his',
  outpatient: 'urn:lifeline:identifier:outpatient',
  inpatient: 'urn:lifeline:identifier:inpatient',
  insurance: 'urn:lifeline:identifier:insurance',
  // 居民身份证 (resident identity card) in Chinese health information standards.
  'national-id': 'urn:oid:2.16.156.10011.1.1',
  username: 'urn:lifeline:identifier:username',
  orgCode: 'urn:lifeline:identifier:organization-code',
} as const;

const COMPOUND_SURNAMES = [
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '令狐',
  '夏侯',
  '长孙',
];

function splitChineseName(name: string): { family?: string; given?: string[] } {
  if (!/^[\u3400-\u9fff]{2,4}$/.test(name)) return {};
  const surnameLength = COMPOUND_SURNAMES.some((s) => name.startsWith(s)) && name.length > 2 ? 2 : 1;
  return { family: name.slice(0, surnameLength), given: [name.slice(surnameLength)] };
}

export interface PatientLike {
  id: string;
  name: string;
  namePinyin: string;
  sex: 'M' | 'F' | 'U';
  birthDate: string | null;
  identifiers: { type: string; value: string; issuer?: string | null }[];
  mergedIntoId: string | null;
  address?: string | null;
  organizationId: string;
}

export function patientResource(p: PatientLike) {
  const gender = p.sex === 'M' ? 'male' : p.sex === 'F' ? 'female' : 'unknown';
  return {
    resourceType: 'Patient',
    id: p.id,
    active: p.mergedIntoId === null,
    identifier: p.identifiers.map((i) => ({
      use: i.type === 'national-id' ? 'official' : 'usual',
      system: SYSTEMS[i.type as keyof typeof SYSTEMS] ?? `urn:lifeline:identifier:${i.type}`,
      value: i.value,
      ...(i.issuer ? { assigner: { display: i.issuer } } : {}),
    })),
    name: [
      { use: 'official', text: p.name, ...splitChineseName(p.name) },
      ...(p.namePinyin ? [{ use: 'usual', text: p.namePinyin }] : []),
    ],
    gender,
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.address ? { address: [{ text: p.address }] } : {}),
    managingOrganization: { reference: `Organization/${p.organizationId}` },
    ...(p.mergedIntoId
      ? { link: [{ other: { reference: `Patient/${p.mergedIntoId}` }, type: 'replaced-by' }] }
      : {}),
  };
}

export function organizationResource(o: {
  id: string;
  code: string;
  name: string;
  type: string;
  parentId: string | null;
}) {
  const typeText: Record<string, string> = {
    'hub-hospital': '牵头医院 (hub hospital)',
    'member-hospital': '成员医院 (member hospital)',
    clinic: '卫生室 (clinic)',
    'ambulance-station': '急救站 (ambulance station)',
    'other-hospital': '其他医院 (other hospital)',
  };
  return {
    resourceType: 'Organization',
    id: o.id,
    active: true,
    identifier: [{ system: SYSTEMS.orgCode, value: o.code }],
    type: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/organization-type',
            code: o.type === 'ambulance-station' ? 'other' : 'prov',
          },
        ],
        text: typeText[o.type] ?? o.type,
      },
    ],
    name: o.name,
    ...(o.parentId ? { partOf: { reference: `Organization/${o.parentId}` } } : {}),
  };
}

export function practitionerResource(u: {
  id: string;
  username: string;
  displayName: string;
  active: boolean;
  roles: string[];
}) {
  return {
    resourceType: 'Practitioner',
    id: u.id,
    active: u.active,
    identifier: [{ system: SYSTEMS.username, value: u.username }],
    name: [{ text: u.displayName.replace(/[（(].*[)）]$/, '').trim() }],
    qualification: u.roles.map((r) => ({
      code: { coding: [{ system: 'urn:lifeline:role', code: r }], text: r },
    })),
  };
}
