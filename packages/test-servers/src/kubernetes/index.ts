export {
  createSelfSignedCertificate,
  startFakeKubeApiServer,
} from './fakeKubeApiServer';
export type { FakeKubeApiServer, Fault, KubeObject } from './fakeKubeApiServer';
export { objectUid } from './objectUid';
export { fieldsV1Of, managedFieldsEntry } from './managedFields';
export { eksTokenProblem } from './eksToken';
export type { EksIdentity } from './eksToken';
