/** What this server supports, as the FHIR CapabilityStatement at /fhir/R4/metadata. */
const searchParam = (name: string, type: string) => ({ name, type });

export function capabilityStatement() {
  const resource = (type: string, params: [string, string][], interactions = ['read', 'search-type']) => ({
    type,
    interaction: interactions.map((code) => ({ code })),
    searchParam: params.map(([n, t]) => searchParam(n, t)),
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-21',
    publisher: 'Lifeline',
    kind: 'instance',
    software: { name: 'Lifeline', version: '0.1.0' },
    implementation: { description: 'Lifeline ECG and emergency three-centers platform' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'Bearer API token (Authorization: Bearer …) or session cookie; roles and organisation scoping as the REST API.',
        },
        resource: [
          resource('Patient', [
            ['_id', 'token'],
            ['identifier', 'token'],
            ['name', 'string'],
            ['birthdate', 'date'],
          ]),
          resource('Organization', [['name', 'string']]),
          resource('Practitioner', [['name', 'string']]),
          resource('Encounter', [
            ['patient', 'reference'],
            ['subject', 'reference'],
            ['date', 'date'],
            ['identifier', 'token'],
            ['class', 'token'],
          ]),
          resource(
            'ServiceRequest',
            [
              ['patient', 'reference'],
              ['subject', 'reference'],
              ['status', 'token'],
              ['identifier', 'token'],
              ['code', 'token'],
              ['date', 'date'],
              ['authored', 'date'],
            ],
            ['read', 'search-type', 'create'],
          ),
          resource('Observation', [
            ['patient', 'reference'],
            ['subject', 'reference'],
            ['code', 'token'],
            ['date', 'date'],
            ['category', 'token'],
          ]),
          resource('DiagnosticReport', [
            ['patient', 'reference'],
            ['subject', 'reference'],
            ['date', 'date'],
          ]),
          resource('DocumentReference', [
            ['patient', 'reference'],
            ['subject', 'reference'],
            ['date', 'date'],
          ]),
          resource('Binary', [], ['read']),
          resource(
            'Task',
            [
              ['patient', 'reference'],
              ['subject', 'reference'],
              ['status', 'token'],
              ['date', 'date'],
            ],
            ['read', 'search-type', 'create'],
          ),
        ],
      },
    ],
  };
}
