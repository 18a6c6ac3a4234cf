import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What an EKS cluster's API server trusts: the IAM identity and where the cluster is. */
export interface EksIdentity {
  /** The cluster id the token must name (header `x-k8s-aws-id`). */
  clusterId: string;
  /** The STS region the token must be signed for. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const TOKEN_PREFIX = 'k8s-aws-v1.';
const EMPTY_PAYLOAD_HASH = createHash('sha256').update('').digest('hex');

/** Percent-encoding as SigV4 canonicalises query strings (RFC 3986 unreserved kept). */
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const hmac = (key: Buffer | string, text: string) =>
  createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * Checks an EKS bearer token the way aws-iam-authenticator does before asking STS: a
 * `k8s-aws-v1.` base64url presigned `GET sts.<region>.amazonaws.com/?Action=GetCallerIdentity`
 * whose signed headers include `x-k8s-aws-id` = the cluster id; then verifies its SigV4 query
 * signature with the identity's secret key, as STS would (written from the SigV4 spec, not
 * with the SDK that signed it). Returns why the token is refused, or undefined when it holds.
 */
export function eksTokenProblem(
  authorization: string | undefined,
  identity: EksIdentity,
): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (!bearer?.startsWith(TOKEN_PREFIX)) {
    return 'not an EKS token (k8s-aws-v1.…)';
  }
  let url: URL;
  try {
    url = new URL(
      Buffer.from(bearer.slice(TOKEN_PREFIX.length), 'base64url').toString(),
    );
  } catch {
    return 'the token is not a presigned URL';
  }
  const host = `sts.${identity.region}.amazonaws.com`;
  if (url.protocol !== 'https:' || url.host !== host || url.pathname !== '/') {
    return `the token is presigned for ${url.host}${url.pathname}, not ${host}/`;
  }
  const query = url.searchParams;
  if (
    query.get('Action') !== 'GetCallerIdentity' ||
    query.get('Version') !== '2011-06-15'
  ) {
    return 'the token does not call GetCallerIdentity';
  }
  const amzDate = query.get('X-Amz-Date') ?? '';
  const scope = `${amzDate.slice(0, 8)}/${identity.region}/sts/aws4_request`;
  if (query.get('X-Amz-Credential') !== `${identity.accessKeyId}/${scope}`) {
    return `credential ${query.get('X-Amz-Credential')} is not ${
      identity.accessKeyId
    }/${scope}`;
  }
  const signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
  if (!signedHeaders.split(';').includes('x-k8s-aws-id')) {
    return 'x-k8s-aws-id is not a signed header';
  }
  if (signedHeaders !== 'host;x-k8s-aws-id') {
    return `unexpected signed headers ${signedHeaders}`;
  }
  const canonicalQuery = [...query.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)])
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${host}\nx-k8s-aws-id:${identity.clusterId}\n`,
    signedHeaders,
    EMPTY_PAYLOAD_HASH,
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const key = [
    amzDate.slice(0, 8),
    identity.region,
    'sts',
    'aws4_request',
  ].reduce<Buffer | string>(
    (k, part) => hmac(k, part),
    `AWS4${identity.secretAccessKey}`,
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(query.get('X-Amz-Signature') ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return `the signature does not match (a token for another cluster id than ${identity.clusterId}, or another key)`;
  }
  return undefined;
}
