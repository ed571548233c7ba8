import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { parseProbeTls, probeTlsConnectVariable } from '../../src/config/probe-tls.js';

describe('PROBE_TLS_* (where the TLS check connects, which extra CA it trusts)', () => {
  it('maps probe ids to addresses, and reads a base64 PEM CA', async () => {
    const ca = (await generate([{ name: 'commonName', value: 'test-ca' }], { keyType: 'ec' })).cert;
    const { tls, problems } = parseProbeTls({
      [probeTlsConnectVariable('oregon-proxy')]: '127.0.0.1:4443',
      PROBE_TLS_CONNECT_CODER: ' [::1]:443 ',
      PROBE_TLS_CA_DATA: Buffer.from(ca).toString('base64'),
      PROBE_URL_CODER: 'http://127.0.0.1:4000/coder',
    });
    expect(problems).toEqual([]);
    expect(probeTlsConnectVariable('oregon-proxy')).toBe('PROBE_TLS_CONNECT_OREGON_PROXY');
    expect(tls.connect).toEqual({
      'oregon-proxy': { host: '127.0.0.1', port: 4443 },
      coder: { host: '::1', port: 443 },
    });
    expect(tls.caPem).toBe(ca);
  });

  it('names each bad variable without echoing its value', () => {
    const { problems } = parseProbeTls({
      PROBE_TLS_CONNECT_CODER: 'https://secret-host.internal',
      PROBE_TLS_CONNECT_lower: '127.0.0.1:1',
      PROBE_TLS_CONNECT_LITELLM: '127.0.0.1:99999',
      PROBE_TLS_CA_DATA: Buffer.from('not a certificate').toString('base64'),
    });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'PROBE_TLS_CA_DATA',
      'PROBE_TLS_CONNECT_CODER',
      'PROBE_TLS_CONNECT_LITELLM',
      'PROBE_TLS_CONNECT_lower',
    ]);
    expect(JSON.stringify(problems)).not.toContain('secret-host');
  });
});
